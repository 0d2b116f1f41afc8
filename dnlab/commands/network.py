"""`docker network ...`: one function per verb."""
from __future__ import annotations

import time

import pandas as pd
from docker.types import IPAMConfig, IPAMPool

from dnlab import labels as dnlab_labels
from dnlab.commands.guard import lab_parent
from dnlab.cleanup import CleanupReport, Narrowing, prune_networks
from dnlab.lab import Lab
from dnlab.parser import values
from dnlab.views import formats, tables
from dnlab.views.results import Inspections, NetworkInspect, Output

ALLOCATION_WAIT_S = 10


def ls(lab: Lab, filters: list[tuple[str, str]] | None, quiet: bool, no_trunc: bool,
       format: str | None) -> pd.DataFrame | Output:
    """Like `docker network ls` (``--filter``, ``-q``, ``--no-trunc``, ``--format``)."""
    found = sorted(lab.client.api.networks(filters=values.filters(filters)), key=lambda n: n["Name"])
    if quiet:
        return formats.ids(found, no_trunc)
    if format:
        return formats.render_each(format, [formats.network_fields(n, no_trunc) for n in found],
                                   {"ID": "NETWORK ID"}, listing=True)
    return tables.networks_table(found, full=no_trunc)


def create(lab: Lab, name: str, driver: str | None, subnet: list[str] | None, gateway: list[str] | None,
           ip_range: list[str] | None, aux_addresses: list[tuple[str, str]] | None, enable_ipv6: bool,
           options: list[tuple[str, str]] | None, internal: bool, attachable: bool, ingress: bool,
           scope: str | None, labels: list[tuple[str, str]] | None) -> Output:
    """Like `docker network create`: the network carries the lab's labels; each ``--gateway``,
    ``--ip-range`` and ``--aux-address`` goes to the ``--subnet`` that contains it; a macvlan parent
    must be a link dnlab made (or a real one the learner opted in to)."""
    warning = lab_parent(driver, dict(options or []))
    pools = values.pools(subnet, gateway, ip_range, aux_addresses)
    ipam = IPAMConfig(pool_configs=[IPAMPool(**pool) for pool in pools]) if pools else None
    own = {**dict(labels or []), **({dnlab_labels.IPAM_CHOSEN: "chosen"} if subnet else {})}
    created = lab.api.create_network(
        name, driver=driver or "bridge", options=dict(options or []), ipam=ipam, internal=internal,
        attachable=attachable or None, check_duplicate=True, enable_ipv6=enable_ipv6,
        ingress=ingress or None, scope=scope, labels=own or None)
    _allocated(lab, created["Id"])
    return Output(warning + created["Id"])


def _allocated(lab: Lab, network_id: str) -> None:
    """A swarm network's DRIVER fills once the manager has allocated it, a moment after create returns;
    wait for that (bounded), so that a `network ls` on the next line shows it whole."""
    deadline = time.monotonic() + ALLOCATION_WAIT_S
    while not lab.client.api.inspect_network(network_id).get("Driver") and time.monotonic() < deadline:
        time.sleep(0.1)


def inspect(lab: Lab, names: list[str], verbose: bool, format: str | None) -> NetworkInspect | Inspections | Output:
    """Like `docker network inspect` (``-v``: on a swarm, its services and tasks too)."""
    found = [NetworkInspect(lab.client.api.inspect_network(name, verbose=verbose or None)) for name in names]
    if format:
        return formats.render_each(format, [item.attrs for item in found])
    return found[0] if len(found) == 1 else Inspections(found)


def rm(lab: Lab, names: list[str]) -> Output:
    """Like `docker network rm`."""
    for name in names:
        lab.own_network(name)
        lab.client.api.remove_network(name)
    return Output("\n".join(names))


def connect(lab: Lab, network: str, container: str, aliases: list[str] | None, ipv4_address: str | None,
            ipv6_address: str | None, links: list[tuple[str, str]] | None,
            driver_opt: list[tuple[str, str]] | None) -> None:
    """Like `docker network connect`: a lab container joins a lab (or built-in) network."""
    lab.own_container(container)
    lab.own_network(network, allow_built_in=True)
    lab.client.api.connect_container_to_network(
        container, network, aliases=aliases, ipv4_address=ipv4_address, ipv6_address=ipv6_address,
        links=[f"{name}:{alias}" for name, alias in links or []] or None, driver_opt=dict(driver_opt or []) or None)


def disconnect(lab: Lab, network: str, container: str, force: bool) -> None:
    """Like `docker network disconnect`: only a lab container."""
    lab.own_container(container)
    lab.client.api.disconnect_container_from_network(container, network, force=force)


def prune(lab: Lab, force: bool, filters: list[tuple[str, str]] | None) -> CleanupReport:
    """Like `docker network prune -f`, filtered by the lab's label: only its own unused networks
    (``--filter`` narrows that further, never widens it)."""
    return prune_networks(lab.name, machine=lab.machine, narrowing=Narrowing(*values.prune_filters(filters)))
