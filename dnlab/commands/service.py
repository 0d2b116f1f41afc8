"""`docker service ...`: one function per verb. A lab's services, and their tasks' containers,
carry the lab's labels; `service rm` and the lab's clean-up remove only those."""
from __future__ import annotations

import time

import pandas as pd
from docker.errors import InvalidVersion, NotFound
from docker.types import ContainerSpec, DNSConfig, EndpointSpec, Placement, ServiceMode, TaskTemplate

from dnlab.commands.container import LAB_DNS
from dnlab.images import ensure
from dnlab.errors import ImageError, ServiceNotConverged
from dnlab.lab import Lab
from dnlab.engine import facts
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
           constraints: list[str] | None, env: list[str] | None) -> Output:
    """Like `docker service create`: a replicated service whose spec and task containers carry
    the lab's labels (and `LAB_DNS`, as `run` gives containers); waits until every replica runs
    and stays up, then prints the CLI's progress (``-d``: only the service ID)."""
    try:
        ensure(lab.client, image)  # a course image is prepared on this engine; others are the engine's business
    except ImageError:
        pass
    container = ContainerSpec(image, args=args or None, env=env or None, tty=tty or None,
                              dns_config=DNSConfig(nameservers=LAB_DNS))
    template = TaskTemplate(container, networks=networks or None,
                            placement=Placement(constraints=constraints) if constraints else None)
    wanted = 1 if replicas is None else replicas
    created = lab.api.create_service(template, name=name,
                                 mode=ServiceMode("replicated", replicas=wanted),
                                 endpoint_spec=EndpointSpec(mode=endpoint_mode) if endpoint_mode else None)
    lines = [created["ID"], *(f"warning: {w}" for w in created.get("Warnings") or [])]
    if not detach:
        lines += converge(lab, created["ID"], name or created["ID"][:12], wanted)
    return Output("\n".join(lines))


def converge(lab: Lab, service_id: str, name: str, replicas: int,
             timeout: float = CONVERGE_TIMEOUT_S) -> list[str]:
    """Wait until each of the ``replicas`` slots has a running task that stays running for
    `STABLE_S` seconds; the CLI's progress lines, or a `ServiceNotConverged` naming the tasks'
    states and errors."""
    api = lab.client.api
    start = time.monotonic()
    stable_since: float | None = None
    while True:
        tasks = api.tasks(filters={"service": service_id})
        latest = _latest_per_slot(tasks)
        running = sum(1 for t in latest.values() if t["DesiredState"] == "running"
                      and t["Status"]["State"] == "running")
        now = time.monotonic()
        if running >= replicas:
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
