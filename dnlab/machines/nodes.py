"""Docker-in-Docker lab machines on the local engine: up (idempotent, repairs), ls, down.

The recipe is the one verified in shared/ENGINE-NOTES.md section 4: a node image running its own
dockerd, a volume at /var/lib/docker, the API on a unix socket in a host directory, and either
plain ``--privileged`` or, where this machine's capability set makes that fail, an explicit
capability set that works.
"""
from __future__ import annotations

import os
import time

import docker
import pandas as pd
from docker.errors import APIError, DockerException, NotFound

from dnlab import labels
from dnlab.cleanup import cleanup
from dnlab.engine import connect
from dnlab.engine.endpoints import (client_for, container_name, forget_machines, host_address, real_machines,
                                    socket_path)
from dnlab.errors import DnlabError
from dnlab.images import prepare
from dnlab.images.catalogue import chosen_node
from dnlab.lab import Lab, current
from dnlab.settings import MACHINES, settings

LAB = "machines"
"""Machines belong to a lab of their own, so one exercise's clean-up does not remove them."""
UNDERLAY = "dnlab-underlay"
SOCKET_DIR_IN_NODE = "/run/dnlab-node"
READY_TIMEOUT_S = 90
SECURE_ENOUGH = {  # where plain --privileged fails ("unable to apply caps"): the verified set
    "cap_add": ["ALL"], "cap_drop": ["SYS_RESOURCE"],
    "security_opt": ["seccomp=unconfined", "apparmor=unconfined"],
    "device_cgroup_rules": ["a *:* rwm"],
}
UNMASKED = {"MaskedPaths": [], "ReadonlyPaths": []}  # the CLI's --security-opt systempaths=unconfined


def node_image() -> str:
    """The image lab machines start from: the chosen engine's (``dnlab/node:26`` unless DNLAB_NODE_ENGINE says)."""
    return chosen_node().reference


def machine_names(count: int) -> list[str]:
    return [f"machine{i}" for i in range(1, count + 1)]


def underlay_ip(machine: str) -> str:
    """A machine's fixed address on the underlay: machine1 is .11, machine2 .12, ...; a real host's, the
    address its URL names."""
    if machine in real_machines():
        return host_address(machine)
    base = settings().underlay_subnet.split("/")[0].rsplit(".", 1)[0]
    return f"{base}.{10 + int(machine.removeprefix('machine'))}"


def _machines_lab() -> Lab:
    """The lab the machines belong to, in this kernel session: what stamps their labels."""
    return current().named(LAB)


def _underlay(lab: Lab) -> None:
    if lab.api.networks(names=[UNDERLAY]):
        return
    subnet = settings().underlay_subnet
    gateway = subnet.split("/")[0].rsplit(".", 1)[0] + ".1"
    ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet, gateway=gateway)])
    lab.api.create_network(UNDERLAY, driver="bridge", ipam=ipam, role="machine")


def _create(lab: Lab, machine: str, privileged: bool) -> str:
    api = lab.api
    socket_dir = socket_path(machine).parent
    socket_dir.mkdir(parents=True, exist_ok=True)
    volume = f"dnlab-{machine}-docker"
    if not api.volumes(filters={"name": volume}).get("Volumes"):
        api.create_volume(volume, role="machine")
    extra = {"privileged": True} if privileged else SECURE_ENOUGH
    host_config = api.create_host_config(
        binds={volume: {"bind": "/var/lib/docker", "mode": "rw"},
               str(socket_dir): {"bind": SOCKET_DIR_IN_NODE, "mode": "rw"}},
        network_mode=UNDERLAY, **extra)
    if not privileged:
        host_config.update(UNMASKED)
    networking = api.create_networking_config({UNDERLAY: api.create_endpoint_config(ipv4_address=underlay_ip(machine))})
    # A learner who is not root (JupyterHub's jovyan) reaches the machine's socket through their group.
    dockerd_args = ["--group", str(os.getgid())] if os.getuid() != 0 else None
    created = api.create_container(node_image(), name=container_name(machine), hostname=machine, role="machine",
                                   command=dockerd_args, environment={"DNLAB_NODE_SOCKET_DIR": SOCKET_DIR_IN_NODE},
                                   host_config=host_config, networking_config=networking)
    return created["Id"]


def _start_new(lab: Lab, machine: str) -> str:
    """Create and start a node: plain --privileged where it works, else the verified capability set."""
    api = lab.api
    for privileged in (True, False):
        node = _create(lab, machine, privileged)
        try:
            api.start(node)
            return "privileged" if privileged else "capability set"
        except APIError as exc:
            api.remove_container(node, force=True)
            if not privileged or "caps" not in str(exc.explanation):
                raise DnlabError(f"{machine} could not start: {exc.explanation}",
                                 "Nested engines need a rootful Docker that may run privileged containers.") from None
    raise AssertionError("unreachable")


def _remove(lab: Lab, machine: str) -> None:
    """Remove one machine and its storage (both carry the machines lab's labels, checked here)."""
    api = lab.api
    volume = f"dnlab-{machine}-docker"
    for container in api.containers(all=True, filters=labels.lab_filter(LAB)):
        if container["Names"][0] == f"/{container_name(machine)}":
            api.remove_container(container["Id"], force=True)
    if api.volumes(filters={"name": volume, **labels.lab_filter(LAB)}).get("Volumes"):
        api.remove_volume(volume)


def _wait_ready(machine: str) -> docker.DockerClient:
    deadline = time.monotonic() + READY_TIMEOUT_S
    forget_machines()
    while time.monotonic() < deadline:
        if socket_path(machine).exists():
            try:
                client = client_for(machine)
                client.ping()
                return client
            except (DockerException, OSError):
                pass
        time.sleep(0.25)
    raise DnlabError(f"{machine}'s engine did not answer within {READY_TIMEOUT_S} s.",
                     f"Its log: `logs {container_name(machine)}` (on the local engine).")


def _load_images(outer: docker.APIClient, inner: docker.DockerClient, references: list[str]) -> list[str]:
    """Copy images from the outer engine into a node that lacks them (nodes never pull)."""
    have = {tag for image in inner.api.images() for tag in image.get("RepoTags") or []}
    loaded = []
    for reference in references:
        if reference not in have:
            inner.api.load_image(outer.get_image(reference))
            loaded.append(reference)
    return loaded


def up(count: int = 2, images: list[str] | None = None) -> pd.DataFrame:
    """Start (or repair) ``machine1`` .. ``machineN``; idempotent. Loads the course images into each."""
    lab = _machines_lab()
    client, api = lab.client, lab.api
    if real_machines():
        return _up_real_hosts(client, count, images or ["alpine:latest"])
    image = node_image()
    prepare(client, [image, *(images or ["alpine:latest"])])
    _underlay(lab)
    for machine in machine_names(count):
        try:
            attrs = api.inspect_container(container_name(machine))
        except NotFound:
            attrs = None
        if attrs is not None and attrs["Config"]["Image"] != image:
            _remove(lab, machine)  # another engine's machine: its storage is that engine's, so it goes too
            attrs = None
        if attrs is None:
            _start_new(lab, machine)
        elif not attrs["State"]["Running"]:
            api.start(container_name(machine))  # its volume keeps its engine's state, swarm included
        inner = _wait_ready(machine)
        _load_images(client.api, inner, images or ["alpine:latest"])
    return ls()


def _up_real_hosts(local: docker.DockerClient, count: int, references: list[str]) -> pd.DataFrame:
    """Real hosts are not started, only reached: each gets the images it lacks from the local engine,
    over its own connection (a `docker load` there: it never pulls)."""
    wanted = machine_names(count)
    missing = [machine for machine in wanted if machine not in real_machines()]
    if missing:
        raise DnlabError(f"{MACHINES} names no {', '.join(missing)} (it lists {', '.join(real_machines())}).",
                         f"Add {missing[0]}=ssh://USER@HOST to it, or ask for fewer machines.")
    prepare(local, references)
    for machine in wanted:
        _load_images(local.api, client_for(machine), references)
    return ls()


def running_machines() -> list[str]:
    """The lab machines whose engines answer now: the real hosts when ``DNLAB_MACHINES`` lists some, else the nodes."""
    names = list(real_machines()) or sorted(c["Names"][0].lstrip("/").removeprefix("dnlab-")
                                            for c in connect().api.containers(filters=labels.lab_filter(LAB)))
    answering = []
    for machine in names:
        try:
            client_for(machine).ping()
            answering.append(machine)
        except (DnlabError, DockerException, OSError):
            pass
    return answering


def ls() -> pd.DataFrame:
    """Like `docker-machine ls`: each lab machine, its address, engine and swarm state."""
    rows = [{**_row(machine, url, "real host"), "IMAGE": ""} for machine, url in real_machines().items()]
    nodes = [] if rows else connect().api.containers(all=True, filters=labels.lab_filter(LAB))  # real hosts or nodes
    for container in nodes:
        machine = container["Names"][0].lstrip("/").removeprefix("dnlab-")
        row = _row(machine, f"unix://{socket_path(machine)}", container["State"], node=True)
        rows.append({**row, "IMAGE": container["Image"]})
    columns = ["MACHINE", "STATE", "ENGINE", "IMAGE", "SWARM", "ADDRESS", "URL"]
    return pd.DataFrame(sorted(rows, key=lambda r: r["MACHINE"]), columns=columns)


def _row(machine: str, url: str, state: str, node: bool = False) -> dict[str, str]:
    row = {"MACHINE": machine, "STATE": state, "ENGINE": "", "SWARM": "", "ADDRESS": "", "URL": url}
    try:
        info = client_for(machine).info()
        swarm = info.get("Swarm") or {}
        row.update(ENGINE=info.get("ServerVersion", ""), SWARM=swarm.get("LocalNodeState", ""),
                   ADDRESS=swarm.get("NodeAddr") or (underlay_ip(machine) if node else ""))
    except (DnlabError, DockerException, OSError):
        row["ENGINE"] = "not answering"
    return row


def down() -> list[str]:
    """Remove every lab machine, its storage and the underlay network; nothing else. With real hosts
    listed, only they are taken down, and they stay (``_down_real_hosts``); no node is touched."""
    if real_machines():
        return _down_real_hosts()
    report = cleanup(lab=LAB)
    for machine_dir in settings().machines_dir.glob("machine*"):
        for leftover in machine_dir.iterdir():
            leftover.unlink()
        machine_dir.rmdir()
    forget_machines()
    return report.removed.get("containers", [])


def _down_real_hosts() -> list[str]:
    """On each real host, what dnlab made there goes (services first, managers first; nothing without
    dnlab's labels); then a host leaves its swarm only if dnlab's `swarm init` made that swarm (its labels
    say so): a swarm the host was in before stays, and so do the images it was given. The removed containers."""
    swarms = {machine: client_for(machine).info().get("Swarm") or {} for machine in real_machines()}
    hosts = sorted(swarms, key=lambda machine: not swarms[machine].get("ControlAvailable"))
    members = {node_id for machine in hosts if swarms[machine].get("ControlAvailable")
               for node_id in _dnlab_swarm_members(client_for(machine).api)}
    removed = [name for machine in hosts for name in cleanup(machine=machine).removed.get("containers", [])]
    for machine in hosts:
        if swarms[machine].get("NodeID") in members:
            client_for(machine).api.leave_swarm(force=True)
    return removed


def _dnlab_swarm_members(manager: docker.APIClient) -> set[str]:
    """The node IDs of the swarm ``manager`` manages, when dnlab's `swarm init` made it; else none."""
    if not labels.is_lab_owned(manager.inspect_swarm()["Spec"].get("Labels")):
        return set()
    return {node["ID"] for node in manager.nodes()}
