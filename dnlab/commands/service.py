"""`docker service ...`: one function per verb. A lab's services, and their tasks' containers,
carry the lab's labels; `service rm` and the lab's clean-up remove only those."""
from __future__ import annotations

import time

import pandas as pd
from docker.errors import InvalidVersion, NotFound
from docker.types import ContainerSpec, DNSConfig, EndpointSpec, Placement, ServiceMode, TaskTemplate

from dnlab.commands.container import LAB_DNS
from dnlab.engine import facts
from dnlab.engine.explain import ENGINE_ERRORS
from dnlab.errors import DnlabError, EngineError, ImageError, ServiceNotConverged
from dnlab.host import has_ipvs
from dnlab.images import ensure
from dnlab.lab import Lab
from dnlab.parser.values import Attachment
from dnlab.views import tables
from dnlab.views.results import Inspections, Output, ServiceInspect

CONVERGE_TIMEOUT_S = 120
"""How long `service create` waits for every replica to run before it says why not."""
STABLE_S = 5
"""Like the CLI, a converged service is watched this long to verify that its tasks stay up."""
POLL_S = 0.5
GIVE_UP_AFTER_EXITS = 3
"""A task that exits is restarted; after this many ended tasks per replica, waiting is pointless."""
ENDED = ("complete", "failed", "rejected", "orphaned")
UNPLACEABLE_S = 10
"""A task no node may take (``no suitable node``) for this long: the constraints exclude every node."""


def create(lab: Lab, image: str, args: list[str], detach: bool, tty: bool, name: str | None,
           replicas: int | None, networks: list[str] | None, endpoint_mode: str | None,
           constraints: list[str] | None, env: list[str] | None, ports: list[tuple[dict, ...]] | None) -> Output:
    """Like `docker service create`: a replicated service whose spec and task containers carry
    the lab's labels (and `LAB_DNS`, as `run` gives containers); waits until every replica runs
    and stays up, then prints the CLI's progress (``-d``: only the service ID). ``-p`` publishes
    ports; on an engine without IPVS the output says that the routing mesh will not answer."""
    published = port_configs(ports)
    _prepare(lab, image)
    container = ContainerSpec(image, args=args or None, env=env or None, tty=tty or None,
                              dns_config=DNSConfig(nameservers=LAB_DNS))
    template = TaskTemplate(container, networks=networks or None,
                            placement=Placement(constraints=constraints) if constraints else None)
    wanted = 1 if replicas is None else replicas
    endpoint = EndpointSpec(mode=endpoint_mode, ports=published) if endpoint_mode or published else None
    created = lab.api.create_service(template, name=name, mode=ServiceMode("replicated", replicas=wanted),
                                     endpoint_spec=endpoint)
    lines = [created["ID"], *(f"warning: {w}" for w in created.get("Warnings") or []), *mesh_note(published)]
    if not detach:
        lines += converge(lab, created["ID"], name or created["ID"][:12], wanted)
    return Output("\n".join(lines))


def _prepare(lab: Lab, image: str) -> None:
    try:
        ensure(lab.client, image)  # a course image is prepared on this engine; others are the engine's business
    except ImageError:
        pass


def port_configs(given: list[tuple[dict, ...]] | None) -> list[dict]:
    """Every ``-p`` PortConfig (a range gives several), in order, for ``EndpointSpec(ports=...)``."""
    return [port for ports in given or [] for port in ports]


def mesh_note(ports: list[dict]) -> list[str]:
    """One line, when ports go through the routing mesh (ingress mode) and the engine's kernel has no IPVS."""
    mesh = [p for p in ports if p.get("PublishMode", "ingress") == "ingress"]
    if not mesh or _ipvs() is not False:
        return []
    port = mesh[0]
    shown = ", ".join(str(p.get("PublishedPort", p["TargetPort"])) for p in mesh)
    example = f"published={port.get('PublishedPort', port['TargetPort'])},target={port['TargetPort']},mode=host"
    return [f"warning: this engine's kernel has no IPVS, so port {shown} will not answer through the routing "
            f"mesh; mode=host publishes on the machine that runs each task instead (--publish {example})."]


def _ipvs() -> bool | None:
    """`dnlab.host.has_ipvs`; None (not known) when the probe cannot run: the note is advice, never a failure."""
    try:
        return has_ipvs()
    except (DnlabError, *ENGINE_ERRORS):
        return None


def converge(lab: Lab, service_id: str, name: str, replicas: int,
             timeout: float = CONVERGE_TIMEOUT_S, updating: bool = False) -> list[str]:
    """Wait until each of the ``replicas`` slots has a running task of the service's current spec
    (the CLI's ``_up-to-date`` tasks) that stays running for `STABLE_S` seconds; the CLI's
    progress lines, or a `ServiceNotConverged` naming the tasks' states and errors (``updating``:
    also when the engine paused or rolled back the update)."""
    api = lab.client.api
    start = time.monotonic()
    stable_since: float | None = None
    while True:
        tasks = api.tasks(filters={"service": service_id, "_up-to-date": "true"})
        latest = _latest_per_slot(tasks)
        running = sum(1 for t in latest.values() if t["DesiredState"] == "running"
                      and t["Status"]["State"] == "running")
        now = time.monotonic()
        if updating:
            _check_update(api.inspect_service(service_id), name)
        if running == replicas:
            stable_since = stable_since or now
            if now - stable_since >= STABLE_S:
                return [f"overall progress: {replicas} out of {replicas} tasks",
                        *(f"{slot}/{replicas}: running" for slot in range(1, replicas + 1)),
                        "verify: Service converged"]
        else:
            stable_since = None
            ended = sum(1 for t in tasks if t["Status"]["State"] in ENDED)
            unplaceable = [t for t in latest.values() if "no suitable node" in t["Status"].get("Err", "")]
            if ended >= GIVE_UP_AFTER_EXITS * max(replicas, 1):
                raise _not_converged(name, tasks, running, replicas, "its tasks keep ending")
            if unplaceable and now - start > UNPLACEABLE_S:
                raise _not_converged(name, tasks, running, replicas, "no node may run its tasks")
            if now - start > timeout:
                raise _not_converged(name, tasks, running, replicas, f"not converged after {int(timeout)} s")
        time.sleep(POLL_S)


def _check_update(attrs: dict, name: str) -> None:
    """The engine stops a rolling update whose new tasks fail (pausing it, or rolling it back): say so."""
    status = attrs.get("UpdateStatus") or {}
    state, message = status.get("State", ""), status.get("Message", "")
    fix = f"`service ps {name}` shows why its new tasks ended."
    if state in ("paused", "rollback_paused"):
        raise ServiceNotConverged(f"service {name}: update paused: {message or state}.", fix)
    if state == "rollback_completed":
        raise ServiceNotConverged(f"service {name}: the update failed and was rolled back: {message}.", fix)


def _latest_per_slot(tasks: list[dict]) -> dict[object, dict]:
    """The newest task of each slot (replicated) or node (global)."""
    latest: dict[object, dict] = {}
    for task in sorted(tasks, key=lambda t: facts.parse_time(t.get("CreatedAt", "")) or 0.0):
        latest[task.get("Slot") or task.get("NodeID")] = task
    return latest


def _not_converged(name: str, tasks: list[dict], running: int, replicas: int,
                   why: str) -> ServiceNotConverged:
    latest = _latest_per_slot(tasks)
    states = "; ".join(
        f"{name}.{slot}: {t['Status']['State']}" + (f" ({t['Status']['Err']})" if t["Status"].get("Err") else "")
        for slot, t in sorted(latest.items(), key=lambda item: str(item[0])))
    ended = any(t["Status"]["State"] == "complete" for t in tasks)
    fix = ("Its command ended: give the service one that keeps running (like `sleep 3600`), or -t to keep a "
           "shell open. " if ended else "")
    fix += f"`service ps {name}` shows every task; `service rm {name}` removes the service."
    return ServiceNotConverged(f"service {name}: {why}, {running}/{replicas} running ({states or 'no tasks'}).",
                               fix)


def ls(lab: Lab) -> pd.DataFrame:
    """Like `docker service ls`."""
    api = lab.client.api
    try:
        return tables.services_table(api.services(status=True))
    except InvalidVersion:  # before API 1.41 the engine does not count tasks itself
        return tables.services_table(api.services(), api.tasks())


def ps(lab: Lab, service: str) -> pd.DataFrame:
    """Like `docker service ps SERVICE`: every task, on which node (by host name), and how it is."""
    api = lab.client.api
    attrs = api.inspect_service(service)
    tasks = api.tasks(filters={"service": attrs["ID"]})
    nodes = {n["ID"]: (n.get("Description") or {}).get("Hostname", "") for n in api.nodes()}
    return tables.tasks_table(tasks, {attrs["ID"]: attrs["Spec"]["Name"]}, nodes)


def inspect(lab: Lab, names: list[str]) -> ServiceInspect | Inspections:
    """Like `docker service inspect`: endpoint mode, networks and virtual IPs; ``.attrs`` all of it."""
    api = lab.client.api
    found = []
    for name in names:
        attrs = api.inspect_service(name)
        found.append(ServiceInspect(attrs, _network_names(lab, attrs)))
    return found[0] if len(found) == 1 else Inspections(found)


def _network_names(lab: Lab, attrs: dict) -> dict[str, str]:
    spec = attrs["Spec"]
    ids = [n.get("Target", "") for n in (spec.get("TaskTemplate") or {}).get("Networks") or []]
    ids += [v.get("NetworkID", "") for v in (attrs.get("Endpoint") or {}).get("VirtualIPs") or []]
    names = {}
    for network_id in dict.fromkeys(i for i in ids if i):
        try:
            names[network_id] = lab.client.api.inspect_network(network_id)["Name"]
        except NotFound:
            pass
    return names


def logs(lab: Lab, service: str, tail: int | None) -> Output:
    """Like `docker service logs`: each line after the task it came from (``web.1.ID@node``)."""
    api = lab.client.api
    attrs = api.inspect_service(service)
    name = attrs["Spec"]["Name"]
    tty = bool(attrs["Spec"]["TaskTemplate"]["ContainerSpec"].get("TTY"))
    chunks = api.service_logs(attrs["ID"], details=True, stdout=True, stderr=True,
                              tail=tail if tail is not None else "all", is_tty=tty)
    text = b"".join(chunks).decode(errors="replace")
    tasks = {t["ID"]: t for t in api.tasks(filters={"service": attrs["ID"]})}
    nodes = {n["ID"]: (n.get("Description") or {}).get("Hostname", "") for n in api.nodes()}
    return Output("\n".join(_log_line(line, name, tasks, nodes) for line in text.splitlines()))


def _log_line(line: str, service: str, tasks: dict[str, dict], nodes: dict[str, str]) -> str:
    """``com.docker.swarm.node.id=N,...,com.docker.swarm.task.id=T hello`` -> ``web.1.T@host    | hello``."""
    details, _, message = line.partition(" ")
    fields = dict(item.partition("=")[::2] for item in details.split(",") if "=" in item)
    task_id = fields.get("com.docker.swarm.task.id")
    if task_id is None:
        return line
    task = tasks.get(task_id, {})
    slot = task.get("Slot") or fields.get("com.docker.swarm.node.id", "")
    node = nodes.get(fields.get("com.docker.swarm.node.id", ""), fields.get("com.docker.swarm.node.id", ""))
    return f"{service}.{slot}.{facts.short_id(task_id)}@{node}    | {message}"


def rm(lab: Lab, names: list[str]) -> Output:
    """Like `docker service rm`: only the lab's own services."""
    for name in names:
        lab.own_service(name)
        lab.client.api.remove_service(name)
    return Output("\n".join(names))


def update(lab: Lab, service: str, detach: bool, image: str | None, replicas: int | None,
           env_add: list[str] | None, network_add: list[Attachment] | None, network_rm: list[str] | None,
           publish_add: list[tuple[dict, ...]] | None, publish_rm: list[tuple[dict, ...]] | None,
           update_delay: int | None) -> Output:
    """Like `docker service update SERVICE`: only the lab's own services; what no flag names stays as
    it was (labels too). Prints the service's name and, unless ``-d``, waits until its tasks run the
    new spec, with the CLI's progress."""
    adding = port_configs(publish_add)
    removing = port_configs(publish_rm)  # matched by target port, protocol and mode
    attrs = lab.own_service(service)
    spec = attrs["Spec"]
    template = spec.get("TaskTemplate") or {}
    changes: dict = {}
    container: dict = {}
    if image:
        _prepare(lab, image)
        container["Image"] = image
    if env_add:
        container["Env"] = _env_added((template.get("ContainerSpec") or {}).get("Env") or [], env_add)
    if container:
        changes["task_template"] = {"ContainerSpec": container}
    if network_add or network_rm:
        changes["networks"] = _networks_changed(lab, template.get("Networks") or spec.get("Networks") or [],
                                                network_add or [], network_rm or [])
    if adding or removing:
        endpoint = dict(spec.get("EndpointSpec") or {})
        endpoint["Ports"] = _ports_changed(endpoint.get("Ports") or [], adding, removing)
        changes["endpoint_spec"] = endpoint
    if update_delay is not None:
        changes["update_config"] = {**(spec.get("UpdateConfig") or {}), "Delay": update_delay}
    if replicas is not None:
        _replicated(spec, service, "--replicas")
        changes["mode"] = ServiceMode("replicated", replicas=replicas)
    # fetch_current_spec: docker-py re-reads the spec and keeps every part not passed here (name, labels, ...)
    answer = lab.api.update_service(attrs["ID"], version=attrs["Version"]["Index"], fetch_current_spec=True,
                                    **changes)
    lines = [service, *(f"warning: {w}" for w in (answer or {}).get("Warnings") or []), *mesh_note(adding)]
    wanted = replicas if replicas is not None else facts.desired_replicas(spec)
    if not detach and wanted is not None:
        lines += converge(lab, attrs["ID"], spec["Name"], wanted, updating=True)
    return Output("\n".join(lines))


def _env_added(current: list[str], added: list[str]) -> list[str]:
    """``--env-add KEY=VALUE``: replaces the variable KEY if it is set, else adds it (as the CLI does)."""
    env = {item.partition("=")[0]: item for item in current}
    env.update({item.partition("=")[0]: item for item in added})
    return list(env.values())


def _networks_changed(lab: Lab, current: list[dict], attachments: list[Attachment], removed: list[str]) -> list[dict]:
    """The service's network attachments after ``--network-rm`` and ``--network-add``, by network ID
    (the engine keeps IDs); like the CLI, a network it is already on cannot be added again."""
    api = lab.client.api
    gone = {api.inspect_network(name)["Id"] for name in removed}
    kept = [n for n in current if n.get("Target") not in gone]
    for attachment in attachments:
        config: dict = {"Target": api.inspect_network(attachment.name)["Id"]}
        if any(n.get("Target") == config["Target"] for n in kept):
            raise EngineError(f"service is already attached to network {attachment.name}.",
                              f"`service inspect` shows its networks; --network-rm {attachment.name} detaches it.")
        if attachment.aliases:
            config["Aliases"] = list(attachment.aliases)
        if attachment.driver_opt:
            config["DriverOpts"] = dict(attachment.driver_opt)
        kept.append(config)
    return sorted(kept, key=lambda n: n.get("Target", ""))


def _port_key(port: dict) -> tuple:
    return (port.get("TargetPort"), port.get("Protocol") or "tcp", port.get("PublishMode") or "ingress")


def _ports_changed(current: list[dict], added: list[dict], removed: list[dict]) -> list[dict]:
    """``--publish-rm`` drops the ports with that target port (protocol and mode); ``--publish-add`` adds
    the ports not there yet, as the CLI does."""
    gone = {_port_key(p) for p in removed}
    ports = [p for p in current if _port_key(p) not in gone]
    for port in added:
        same = (port.get("PublishedPort"), *_port_key(port))
        if not any((p.get("PublishedPort"), *_port_key(p)) == same for p in current):
            ports.append(port)
    return ports


def _replicated(spec: dict, name: str, flag: str) -> None:
    if facts.desired_replicas(spec) is None:
        raise EngineError(f"{flag} works on replicated services; {name} is {facts.service_mode(spec)}.")


def scale(lab: Lab, detach: bool, services: list[tuple[str, int]]) -> Output:
    """Like `docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]`: only the lab's own services
    (all checked before any changes); prints ``web scaled to 3`` for each and, unless ``-d``, waits
    until that many tasks run."""
    wanted = dict(services)
    found = {name: lab.own_service(name) for name in wanted}
    for name, attrs in found.items():
        _replicated(attrs["Spec"], name, "scale")
    lines = []
    for name, replicas in wanted.items():
        attrs = found[name]
        lab.api.update_service(attrs["ID"], version=attrs["Version"]["Index"], fetch_current_spec=True,
                               mode=ServiceMode("replicated", replicas=replicas))
        lines.append(f"{name} scaled to {replicas}")
    if not detach:
        for name, replicas in wanted.items():
            converge(lab, found[name]["ID"], found[name]["Spec"]["Name"], replicas, updating=True)
    return Output("\n".join(lines))
