"""Plain facts from `docker inspect` for asserts: addresses of containers and networks."""
from __future__ import annotations

import time
from typing import Any, Callable

from dnlab.errors import DnlabError
from dnlab.lab import current
from dnlab.engine.facts import effective_gateway


def endpoints(container: str, on: str | None = None) -> dict[str, dict[str, Any]]:
    """The container's networks: name -> its endpoint settings from inspect (on lab machine ``on``)."""
    attrs = current().on(on).client.api.inspect_container(container)
    return attrs["NetworkSettings"].get("Networks") or {}


def _endpoint(container: str, network: str | None, on: str | None = None) -> dict[str, Any]:
    found = endpoints(container, on)
    if network is None:
        if len(found) != 1:
            raise DnlabError(f"{container} is on {len(found)} networks ({', '.join(found) or 'none'}).",
                             "Say which one with network=NAME.")
        return next(iter(found.values()))
    if network not in found:
        raise DnlabError(f"{container} is not on network {network}.", f"It is on: {', '.join(found) or 'none'}.")
    return found[network]


def ip(container: str, network: str | None = None, on: str | None = None) -> str:
    """The container's IPv4 address on ``network`` ('' when it has none, as on host or none)."""
    return _endpoint(container, network, on).get("IPAddress") or ""


def gateway(container: str, network: str | None = None, on: str | None = None) -> str:
    """The container's default gateway on ``network``."""
    return _endpoint(container, network, on).get("Gateway") or ""


def mac(container: str, network: str | None = None, on: str | None = None) -> str:
    """The container's MAC address on ``network``."""
    return _endpoint(container, network, on).get("MacAddress") or ""


def networks(container: str) -> list[str]:
    """Names of the networks the container is attached to."""
    return sorted(endpoints(container))


def _ipam(network: str) -> dict[str, str]:
    configs = (current().client.api.inspect_network(network).get("IPAM") or {}).get("Config") or []
    return configs[0] if configs else {}


def subnet(network: str) -> str:
    """The network's (first) subnet, '' when it has none (host, none)."""
    return _ipam(network).get("Subnet", "")


def network_gateway(network: str) -> str:
    """The network's (first) gateway address, as containers on it get it."""
    return effective_gateway(_ipam(network))


def state(container: str) -> dict[str, Any]:
    """The container's ``State`` from inspect: Status, ExitCode, Running ..."""
    return current().client.api.inspect_container(container)["State"]


def wait_for_exit(container: str, timeout_s: float = 15) -> dict[str, Any]:
    """The container's ``State`` once it has stopped (or after ``timeout_s``, as it then is)."""
    api = current().client.api
    try:
        api.wait(container, timeout=timeout_s)
    except Exception:  # still running at the deadline: say so through the state
        pass
    return api.inspect_container(container)["State"]


def task_container(service: str, on: str | None = None) -> str | None:
    """The name of the running container of swarm service ``service`` on machine ``on``, if any."""
    api = current().on(on).client.api
    found = api.containers(filters={"label": [f"com.docker.swarm.service.name={service}"]})
    return found[0]["Names"][0].lstrip("/") if found else None


def node_plugins(node: str, on: str) -> list[str]:
    """The plugins swarm node ``node`` has reported to its manager (lab machine ``on``), as
    ``Type/Name``; the manager places a task only on nodes that reported the plugins it needs."""
    description = current().on(on).client.api.inspect_node(node)["Description"]
    return [f"{p['Type']}/{p['Name']}" for p in (description.get("Engine") or {}).get("Plugins") or []]


def eventually(condition: Callable[[], bool], timeout_s: float = 30, interval_s: float = 0.5) -> bool:
    """True as soon as ``condition()`` is; False if it still is not after ``timeout_s`` (for what the
    engine finishes in the background, like a swarm removing a network once its tasks are gone)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval_s)
    return True
