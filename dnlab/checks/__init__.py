"""Checks for asserts: facts from inspect, and reachability seen from inside a container."""
from dnlab.checks.facts import endpoints, gateway, ip, mac, network_gateway, networks, state, subnet
from dnlab.checks.probe import HOST, probe
from dnlab.checks.reach import HostsFile, HttpGet, Ping, hosts, http_get, interfaces, ping, resolve

__all__ = ["HOST", "HostsFile", "HttpGet", "Ping", "endpoints", "gateway", "hosts", "http_get",
           "interfaces", "ip", "mac", "network_gateway", "networks", "ping", "probe", "resolve",
           "state", "subnet"]
