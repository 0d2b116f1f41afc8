"""Checks for asserts: facts from inspect, reachability seen from inside a container, activities,
and what the engine and its host can do."""
from dnlab.checks.activities import ActivityReport, activity_6_01, activity_6_02
from dnlab.checks.engine import differs, engine_version
from dnlab.checks.facts import (endpoints, eventually, gateway, ip, mac, network_gateway, networks, node_plugins,
                                 state, subnet, task_container, wait_for_exit)
from dnlab.checks.reach import (HostsFile, HttpGet, Ping, default_gateway, hosts, http_get, interfaces, ping,
                                 port_holder, resolve)
from dnlab.host import HOST, has_ipvs, probe, supports

__all__ = ["HOST", "ActivityReport", "HostsFile", "HttpGet", "Ping", "activity_6_01", "activity_6_02",
           "default_gateway", "differs", "endpoints", "engine_version", "eventually", "gateway", "has_ipvs", "hosts", "http_get", "interfaces",
           "ip", "mac", "network_gateway", "networks", "node_plugins", "ping", "port_holder", "probe", "resolve",
           "state", "subnet", "supports", "task_container", "wait_for_exit"]
