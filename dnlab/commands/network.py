"""`docker network ...`: one function per verb."""
from __future__ import annotations

import pandas as pd
from docker.types import IPAMConfig, IPAMPool

from dnlab import labels
from dnlab.commands.guard import lab_parent
from dnlab.cleanup import CleanupReport, prune_networks
from dnlab.lab import Lab
from dnlab.views import tables
from dnlab.views.results import Inspections, NetworkInspect, Output


def ls(lab: Lab) -> pd.DataFrame:
    """Like `docker network ls`."""
    return tables.networks_table(lab.client.api.networks())


def create(lab: Lab, name: str, driver: str | None, subnet: list[str] | None, gateway: list[str] | None,
           ip_range: list[str] | None, options: list[tuple[str, str]] | None, internal: bool,
           attachable: bool) -> Output:
    """Like `docker network create`: the network carries the lab's labels; a macvlan parent must
    be a link dnlab made (or a real one the learner opted in to)."""
    warning = lab_parent(driver, dict(options or []))
    ipam = None
    if subnet:
        gateways = (gateway or []) + [None] * len(subnet)
        ranges = (ip_range or []) + [None] * len(subnet)
        ipam = IPAMConfig(pool_configs=[IPAMPool(subnet=s, gateway=g, iprange=r)
                                        for s, g, r in zip(subnet, gateways, ranges)])
    created = lab.api.create_network(
        name, driver=driver or "bridge", options=dict(options or []), ipam=ipam, internal=internal,
        attachable=attachable or None, check_duplicate=True,
        labels={labels.IPAM_CHOSEN: "chosen"} if subnet else None)
    return Output(warning + created["Id"])


def inspect(lab: Lab, names: list[str]) -> NetworkInspect | Inspections:
    """Like `docker network inspect`."""
    found = [NetworkInspect(lab.client.api.inspect_network(name)) for name in names]
    return found[0] if len(found) == 1 else Inspections(found)


def rm(lab: Lab, names: list[str]) -> Output:
    """Like `docker network rm`."""
    for name in names:
        lab.own_network(name)
        lab.client.api.remove_network(name)
    return Output("\n".join(names))


def connect(lab: Lab, network: str, container: str, aliases: list[str] | None,
            ipv4_address: str | None) -> None:
    """Like `docker network connect`: a lab container joins a lab (or built-in) network."""
    lab.own_container(container)
    lab.own_network(network, allow_built_in=True)
    lab.client.api.connect_container_to_network(container, network, aliases=aliases,
                                                ipv4_address=ipv4_address)


def disconnect(lab: Lab, network: str, container: str, force: bool) -> None:
    """Like `docker network disconnect`: only a lab container."""
    lab.own_container(container)
    lab.client.api.disconnect_container_from_network(container, network, force=force)


def prune(lab: Lab, force: bool) -> CleanupReport:
    """Like `docker network prune -f`, filtered by the lab's label: only its own unused networks."""
    return prune_networks(lab.name, machine=lab.machine)
