"""Clean-up by label: what dnlab created, of one lab or of all, and nothing else.

Swarm services go first, then containers, networks and volumes, and the lab's macvlan parent
links; images only when asked, and only those dnlab built or pulled, never a tag of the learner's.
"""
from __future__ import annotations

import html
import time
from dataclasses import dataclass, field

import docker
from docker.errors import APIError, NotFound

from dnlab import labels
from dnlab.engine import connect
from dnlab.engine.facts import parse_time
from dnlab.host import links
from dnlab.images import find, owned_image_ids
from dnlab.lab import current


@dataclass
class CleanupReport:
    """What a lab-scoped clean-up removed, and what it kept and why."""

    removed: dict[str, list[str]] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def add(self, kind: str, name: str) -> None:
        self.removed.setdefault(kind, []).append(name)

    @property
    def nothing(self) -> bool:
        return not any(self.removed.values())

    def lines(self) -> list[str]:
        out = [f"Deleted {kind}: {', '.join(names)}" for kind, names in self.removed.items() if names]
        out += [f"Kept {why}" for why in self.kept]
        return out or ["Nothing of the lab's to remove."]

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        return "<br>".join(html.escape(line) for line in self.lines())



def _client(machine: str | None) -> docker.DockerClient:
    """The local engine, or lab machine ``machine``'s."""
    return current().on(machine).client if machine else connect()


def cleanup(lab: str | None = None, images: bool = False, machine: str | None = None) -> CleanupReport:
    """Remove what dnlab created (of one lab, or of all labs), swarm services first, then
    containers, networks and volumes; images only when asked, and only those dnlab built or
    pulled. ``machine``: on that lab machine's engine instead of the local one."""
    client = _client(machine)
    report = CleanupReport()
    where = labels.lab_filter(lab)
    swarm_manager = _remove_services(client, where, report)
    for container in client.api.containers(all=True, filters=where):
        name = container["Names"][0].lstrip("/")
        _quietly(lambda: client.api.remove_container(container["Id"], force=True, v=False))
        report.add("containers", name)
    if swarm_manager:
        _wait_for_tasks_to_go(client, lab)
    for network in client.api.networks(filters=where):
        _remove_network(client, network, report)
    for volume in (client.api.volumes(filters=where) or {}).get("Volumes") or []:
        _quietly(lambda: client.api.remove_volume(volume["Name"]))
        report.add("volumes", volume["Name"])
    if machine is None:  # the lab's macvlan parent links live on this host, not on a lab machine
        _remove_unused_links(client, lab, report)
    if images:
        remove_owned_images(client, report)
    return report


SERVICE_GONE_TIMEOUT_S = 30


def _remove_services(client: docker.DockerClient, where: dict, report: CleanupReport) -> bool:
    """Remove the lab's swarm services; False when the engine is no swarm manager (it has none)."""
    try:
        services = client.api.services(filters=where)
    except APIError:  # not a swarm manager: this engine holds no services
        return False
    for service in services:
        _quietly(lambda: client.api.remove_service(service["ID"]))
        report.add("services", service["Spec"]["Name"])
    return True


def _wait_for_tasks_to_go(client: docker.DockerClient, lab: str | None) -> None:
    """Wait (bounded) until the swarm has forgotten the tasks of the lab's removed services (also
    of those `service rm` removed just before): until then their networks cannot be removed."""
    deadline = time.monotonic() + SERVICE_GONE_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            tasks = client.api.tasks()
        except APIError:
            return
        if not any(labels.is_lab_owned((t["Spec"].get("ContainerSpec") or {}).get("Labels"), lab) for t in tasks):
            return
        time.sleep(0.5)


@dataclass(frozen=True)
class Narrowing:
    """A prune's ``--filter``: labels that must match too, and an age; it narrows, never widens."""

    labels: tuple[str, ...] = ()
    older_than_s: float | None = None

    def where(self, lab: str) -> dict[str, list[str]]:
        lab_only = labels.lab_filter(lab)
        return {"label": [*lab_only["label"], *self.labels]}

    def old_enough(self, created: float | None) -> bool:
        return self.older_than_s is None or (created or 0) <= time.time() - self.older_than_s


def prune_by_label(lab: str, all_images: bool = False, machine: str | None = None,
                   narrowing: Narrowing = Narrowing()) -> CleanupReport:
    """Like `docker system prune -f`, filtered by lab ``lab``'s label: its stopped containers, its
    networks that no container uses, and with ``all_images`` the unused images dnlab made."""
    client = _client(machine)
    report = CleanupReport()
    stopped = {**narrowing.where(lab), "status": ["exited", "created", "dead"]}
    for container in client.api.containers(all=True, filters=stopped):
        if narrowing.old_enough(container.get("Created")):
            _quietly(lambda: client.api.remove_container(container["Id"]))
            report.add("containers", container["Names"][0].lstrip("/"))
    prune_networks(lab, report, machine, narrowing)
    if machine is None:
        _remove_unused_links(client, lab, report)
    if all_images:
        remove_owned_images(client, report)
    return report


def prune_networks(lab: str, report: CleanupReport | None = None, machine: str | None = None,
                   narrowing: Narrowing = Narrowing()) -> CleanupReport:
    """Like `docker network prune -f`, filtered by the lab's label: its networks that no container uses."""
    client = _client(machine)
    report = report if report is not None else CleanupReport()
    for network in client.api.networks(filters=narrowing.where(lab)):
        if not narrowing.old_enough(parse_time(network.get("Created", ""))):
            continue
        if not client.api.inspect_network(network["Id"]).get("Containers"):
            _remove_network(client, network, report)
    return report


def remove_owned_images(client: docker.DockerClient, report: CleanupReport) -> None:
    """Untag the course references of images dnlab built or pulled; an image goes only when no
    other tag (a learner's) and no container still needs it."""
    for image_id in sorted(owned_image_ids(client)):
        tags = client.api.inspect_image(image_id).get("RepoTags") or []
        for tag in (t for t in tags if find(t) is not None):
            try:
                client.api.remove_image(tag)
            except APIError as exc:
                report.kept.append(f"image {tag}: {exc.explanation}")
                continue
            others = [t for t in tags if find(t) is None]
            report.add("images", tag if not others else f"{tag} (untagged only: {', '.join(others)} still names it)")


def _remove_network(client: docker.DockerClient, network: dict, report: CleanupReport) -> None:
    try:
        client.api.remove_network(network["Id"])
    except NotFound:
        return
    except APIError:
        users = client.api.inspect_network(network["Id"]).get("Containers") or {}
        names = ", ".join(sorted(c.get("Name", "?") for c in users.values()))
        report.kept.append(f"network {network['Name']}: containers not made by dnlab still use it ({names})")
        return
    report.add("networks", network["Name"])


def _remove_unused_links(client: docker.DockerClient, lab: str | None, report: CleanupReport) -> None:
    """Delete the lab's macvlan parent links that no network uses any more."""
    in_use = {(n.get("Options") or {}).get("parent") for n in client.api.networks()}
    for name in links.remove_links([n for n in links.lab_links(lab) if n not in in_use]):
        report.add("links", name)


def _quietly(remove) -> None:
    """Remove, unless it is already gone or going (``--rm`` containers remove themselves)."""
    try:
        remove()
    except NotFound:
        pass
    except APIError as exc:
        if "already in progress" not in str(exc.explanation):
            raise
