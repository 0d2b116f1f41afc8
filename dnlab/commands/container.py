"""`docker run`, `exec`, `ps`, `inspect`, `logs`, `start`, `stop`, `rm`: one function per verb."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
from docker.errors import NotFound

from dnlab.images import ensure
from dnlab.errors import DnlabError
from dnlab.lab import Lab
from dnlab.views import tables
from dnlab.views.results import ContainerInspect, ExecResult, Inspections, NetworkInspect, Output

FOREGROUND_TIMEOUT_S = 120
LAB_DNS = ["127.0.0.1"]
"""The upstream DNS server of lab containers: nothing, inside the container itself. Lab names are
still answered (by /etc/hosts, or by Docker's embedded DNS on user-defined networks), but a name
the lab does not know is never sent to the host's resolvers on the LAN or the internet."""


def run(lab: Lab, image: str, command: list[str], detach: bool, stdin_open: bool, tty: bool,
        name: str | None, network: str | None, aliases: list[str] | None, ipv4_address: str | None,
        links: list[tuple[str, str]] | None, ports: list[tuple[str, object]] | None,
        environment: list[str] | None, dns: list[str] | None, auto_remove: bool,
        hostname: str | None) -> Output | ExecResult:
    """Like `docker run`: the container carries the lab's labels and `LAB_DNS` (unless ``--dns``
    says otherwise); ``-d`` prints its short ID."""
    api = lab.client.api
    ensure(lab.client, image)
    user_network = network and network not in ("bridge", "host", "none") and ":" not in network
    networking = None
    if user_network and (aliases or ipv4_address):
        endpoint = api.create_endpoint_config(aliases=aliases, ipv4_address=ipv4_address)
        networking = api.create_networking_config({network: endpoint})
    has_own_dns = network in (None, "bridge") or user_network  # not host, none or container:NAME
    host_config = api.create_host_config(
        network_mode=network, dns=dns or (LAB_DNS if has_own_dns else None),
        # in the foreground dnlab removes the container itself, once it has read the output
        links=dict(links or []) or None, auto_remove=auto_remove and detach,
        port_bindings=dict(ports or []) or None)
    exposed = [tuple(port.split("/")) for port, _ in ports or []] or None
    created = lab.api.create_container(
        image, command=command or None, name=name, detach=detach, stdin_open=stdin_open, tty=tty,
        hostname=hostname, environment=environment, ports=exposed,
        host_config=host_config, networking_config=networking)
    api.start(created["Id"])
    if detach:
        return Output(created["Id"][:12])
    return _wait_foreground(lab, created["Id"], name or created["Id"][:12], command, auto_remove)


def _wait_foreground(lab: Lab, container_id: str, name: str, command: list[str],
                     auto_remove: bool) -> ExecResult:
    api = lab.client.api
    try:
        status = api.wait(container_id, timeout=FOREGROUND_TIMEOUT_S)
    except Exception:
        raise DnlabError(f"{name} is still running after {FOREGROUND_TIMEOUT_S} s.",
                         "Run long-lived containers with -d.") from None
    output = api.logs(container_id).decode(errors="replace")
    if auto_remove:
        api.remove_container(container_id)
    return ExecResult(name, command, status.get("StatusCode", 0), output)


def exec(lab: Lab, container: str, cmd: list[str], interactive: bool, tty: bool,
         environment: list[str] | None, workdir: str | None) -> ExecResult:
    """Like `docker exec`: runs ``cmd`` and returns its exit code and output, stdout then stderr
    (the two streams arrive separately, so their interleaving would differ from run to run)."""
    lab.own_container(container)
    api = lab.client.api
    handle = api.exec_create(container, cmd, environment=environment, workdir=workdir)
    stdout, stderr = api.exec_start(handle["Id"], demux=True)
    output = (stdout or b"").decode(errors="replace") + (stderr or b"").decode(errors="replace")
    return ExecResult(container, cmd, api.exec_inspect(handle["Id"])["ExitCode"], output)


def ls(lab: Lab, all: bool) -> pd.DataFrame:
    """Like `docker ps` (``-a``: stopped containers too)."""
    return tables.containers_table(lab.client.api.containers(all=all))


def inspect(lab: Lab, names: list[str]) -> ContainerInspect | NetworkInspect | Inspections:
    """Like `docker inspect`: containers, or networks when no container has that name."""
    api = lab.client.api
    found: list[ContainerInspect | NetworkInspect] = []
    for name in names:
        try:
            found.append(ContainerInspect(api.inspect_container(name)))
        except NotFound:
            try:
                found.append(NetworkInspect(api.inspect_network(name)))
            except NotFound:
                raise DnlabError(f"No such object: {name}", "`ps -a` and `network ls` list what exists.")
    return found[0] if len(found) == 1 else Inspections(found)


def logs(lab: Lab, container: str, tail: int | None) -> Output:
    """Like `docker logs`."""
    text = lab.client.api.logs(container, tail=tail if tail is not None else "all")
    return Output(text.decode(errors="replace").rstrip("\n"))


def start(lab: Lab, names: list[str]) -> Output:
    """Like `docker start`."""
    for name in names:
        lab.own_container(name)
        lab.client.api.start(name)
    return Output("\n".join(names))


def stop(lab: Lab, names: list[str], timeout: int | None) -> Output:
    """Like `docker stop`: several containers stop in parallel, as the CLI does."""
    for name in names:
        lab.own_container(name)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda name: lab.client.api.stop(name, timeout=10 if timeout is None else timeout), names))
    return Output("\n".join(names))


def rm(lab: Lab, names: list[str], force: bool) -> Output:
    """Like `docker rm` (``-f``: running ones too)."""
    for name in names:
        lab.own_container(name)
        lab.client.api.remove_container(name, force=force)
    return Output("\n".join(names))
