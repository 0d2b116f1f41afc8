"""`docker run`, `exec`, `ps`, `inspect`, `logs`, `start`, `stop`, `rm`: one function per verb."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, TypeVar

import pandas as pd
from docker.errors import APIError, NotFound
from docker.utils import version_gte

from dnlab.commands import shell
from dnlab.images import ensure
from dnlab.errors import DnlabError
from dnlab.lab import Lab
from dnlab.parser import opens_terminal, values
from dnlab.parser.values import Attachment
from dnlab.views import formats, tables
from dnlab.views.results import ContainerInspect, ExecResult, Inspections, NetworkInspect, Output

FOREGROUND_TIMEOUT_S = 120
EXEC_TIMEOUT_S = 60
"""How long `exec` waits for a command (docs' commands take seconds; ``ping`` without ``-c`` never ends)."""
T = TypeVar("T")
MULTI_NETWORK_API = "1.44"
"""The engine API (Docker 25) from which a container can join several networks when it is created."""
LAB_DNS = ["127.0.0.1"]
"""The upstream DNS server of lab containers: nothing, inside the container itself. Lab names are
still answered (by /etc/hosts, or by Docker's embedded DNS on user-defined networks), but a name
the lab does not know is never sent to the host's resolvers on the LAN or the internet."""


def run(lab: Lab, image: str, command: list[str], detach: bool, stdin_open: bool, tty: bool, name: str | None,
        networks: list[Attachment] | None, aliases: list[str] | None, ipv4_address: str | None,
        ipv6_address: str | None, mac_address: str | None, links: list[tuple[str, str]] | None,
        ports: list[tuple] | None, publish_all_ports: bool, expose: list[tuple[str, ...]] | None,
        extra_hosts: list[tuple[str, str]] | None, dns: list[str] | None, environment: list[str] | None,
        hostname: str | None, working_dir: str | None, volumes: list[tuple[str, str, str]] | None,
        cap_add: list[str] | None, labels: list[tuple[str, str]] | None, auto_remove: bool) -> Output | ExecResult:
    """Like `docker run`: `create`, then start; ``-d`` prints its short ID, and in the foreground the
    container's output comes back once it ends (within `FOREGROUND_TIMEOUT_S`)."""
    spec = {key: value for key, value in locals().items() if key not in ("lab", "detach")}
    container_id = _create(lab, detach=detach, **spec)
    try:
        lab.client.api.start(container_id)
    except APIError:  # a network or port the engine refuses only now: the line leaves nothing behind
        lab.client.api.remove_container(container_id, force=True)
        raise
    if detach:
        return Output(container_id[:12])
    return _wait_foreground(lab, container_id, name or container_id[:12], command, auto_remove)


def create(lab: Lab, image: str, command: list[str], stdin_open: bool, tty: bool, name: str | None,
           networks: list[Attachment] | None, aliases: list[str] | None, ipv4_address: str | None,
           ipv6_address: str | None, mac_address: str | None, links: list[tuple[str, str]] | None,
           ports: list[tuple] | None, publish_all_ports: bool, expose: list[tuple[str, ...]] | None,
           extra_hosts: list[tuple[str, str]] | None, dns: list[str] | None, environment: list[str] | None,
           hostname: str | None, working_dir: str | None, volumes: list[tuple[str, str, str]] | None,
           cap_add: list[str] | None, labels: list[tuple[str, str]] | None, auto_remove: bool) -> Output:
    """Like `docker create`: the container, made with everything `run` would give it, not started."""
    spec = {key: value for key, value in locals().items() if key != "lab"}
    return Output(_create(lab, detach=True, **spec))


def _create(lab: Lab, image: str, command: list[str], detach: bool, networks: list[Attachment] | None,
            aliases: list[str] | None, ipv4_address: str | None, ipv6_address: str | None, mac_address: str | None,
            links: list[tuple[str, str]] | None, ports: list[tuple] | None, expose: list[tuple[str, ...]] | None,
            extra_hosts: list[tuple[str, str]] | None, dns: list[str] | None, volumes: list[tuple[str, str, str]] | None,
            labels: list[tuple[str, str]] | None, auto_remove: bool, publish_all_ports: bool, cap_add: list[str] | None,
            **config: Any) -> str:
    """The container's ID: it carries the lab's labels and `LAB_DNS` (unless ``--dns`` says otherwise),
    and joins every ``--network``: at create on API 1.44 and later, by a connect before start on older
    engines, as the docker CLI does."""
    api = lab.client.api
    ensure(lab.client, image)
    joined = values.attachments(networks, aliases, ipv4_address, ipv6_address, mac_address)
    first, later = joined[0], joined[1:]
    at_create = joined if version_gte(api._version, MULTI_NETWORK_API) else [first]
    endpoints = {"bridge" if a.name == "default" else a.name: api.create_endpoint_config(**_endpoint_kwargs(a))
                 for a in at_create if a.user_defined or a.has_settings}
    bindings = [pair for group in ports or [] for pair in group]
    host_config = api.create_host_config(
        network_mode=None if first.name == "default" else first.name,
        dns=dns or (LAB_DNS if _has_own_dns(first) else None),
        # in the foreground dnlab removes the container itself, once it has read the output
        links=dict(links or []) or None, auto_remove=auto_remove and detach,
        port_bindings=_port_bindings(bindings), publish_all_ports=publish_all_ports,
        extra_hosts=[f"{host}:{ip}" for host, ip in extra_hosts or []] or None,
        binds=_binds(lab, volumes), cap_add=cap_add)
    exposed = sorted({port for port, _ in bindings} | {port for group in expose or [] for port in group})
    created = lab.api.create_container(
        image, command=command or None, detach=detach, host_config=host_config, labels=dict(labels or []) or None,
        networking_config=api.create_networking_config(endpoints) if endpoints else None,
        ports=[tuple(port.split("/")) for port in exposed] or None,
        mac_address=None if version_gte(api._version, MULTI_NETWORK_API) else first.mac_address, **config)
    try:
        for attachment in later if len(at_create) == 1 else []:
            api.connect_container_to_network(created["Id"], attachment.name, **_endpoint_kwargs(attachment))
    except APIError:  # a network the engine refuses: the line changes nothing, as if create had refused it
        api.remove_container(created["Id"], force=True)
        raise
    return created["Id"]


def _endpoint_kwargs(attachment: Attachment) -> dict[str, Any]:
    return {"aliases": list(attachment.aliases) or None, "ipv4_address": attachment.ipv4_address,
            "ipv6_address": attachment.ipv6_address, "driver_opt": attachment.driver_opt or None,
            "mac_address": attachment.mac_address}


def _has_own_dns(first: Attachment) -> bool:
    """Not host, none or container:NAME: those take their DNS from elsewhere."""
    return first.name in ("default", "bridge") or first.user_defined


def _port_bindings(bindings: list[tuple[str, object]]) -> dict[str, list[object]] | None:
    """docker-py's ``port_bindings``: a container port may be published more than once (``-p 80 -p 8080:80``)."""
    found: dict[str, list[object]] = {}
    for port, binding in bindings:
        found.setdefault(port, []).append(binding)
    return found or None


def _binds(lab: Lab, volumes: list[tuple[str, str, str]] | None) -> list[str] | None:
    """``-v NAME:/path``: the named volume, made with the lab's labels where it does not exist yet."""
    existing = {v["Name"] for v in lab.client.api.volumes().get("Volumes") or []} if volumes else set()
    for name, _, _ in volumes or []:
        if name not in existing:
            lab.api.create_volume(name)
            existing.add(name)
    return [f"{name}:{path}:{mode}" for name, path, mode in volumes or []] or None


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


def exec(lab: Lab, container: str, cmd: list[str], interactive: bool, tty: bool, detach: bool,
         environment: list[str] | None, workdir: str | None) -> ExecResult | Output | Any:
    """Like `docker exec`: runs ``cmd`` and returns its exit code and output, stdout then stderr
    (the two streams arrive separately, so their interleaving would differ from run to run);
    ``-d`` starts it and goes on; ``-it`` opens a terminal in the notebook (`shell.open_exec`)."""
    lab.own_container(container)
    if opens_terminal(interactive, tty, cmd):
        return shell.open_exec(lab, container, cmd, environment, workdir)
    api = lab.client.api
    handle = api.exec_create(container, cmd, environment=environment, workdir=workdir)
    if detach:
        api.exec_start(handle["Id"], detach=True)
        return Output("")
    stdout, stderr = _bounded(lambda: api.exec_start(handle["Id"], demux=True), EXEC_TIMEOUT_S,
                              f"exec {container} {' '.join(cmd)}")
    output = (stdout or b"").decode(errors="replace") + (stderr or b"").decode(errors="replace")
    return ExecResult(container, cmd, api.exec_inspect(handle["Id"])["ExitCode"], output)


def _bounded(call: Callable[[], T], seconds: float, what: str) -> T:
    """``call()``'s answer, if it comes within ``seconds``; a cell must end, so after that dnlab stops
    waiting (the command goes on in the container) and says so."""
    answer: list[T] = []
    failure: list[BaseException] = []
    worker = threading.Thread(target=lambda: _into(call, answer, failure), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise DnlabError(f"`{what}` has not ended after {seconds:.0f} s, so dnlab stopped waiting; it goes on "
                         "in the container.", "Give it a count or a time limit, or run it with exec -d.")
    if failure:
        raise failure[0]
    return answer[0]


def _into(call: Callable[[], T], answer: list[T], failure: list[BaseException]) -> None:
    try:
        answer.append(call())
    except BaseException as exc:  # handed to the waiting thread, which raises it
        failure.append(exc)


def attach(lab: Lab, container: str) -> Any:
    """Like `docker attach`: a terminal on the container's main process (`shell.open_attach`)."""
    lab.own_container(container)
    return shell.open_attach(lab, container)


def ls(lab: Lab, all: bool, filters: list[tuple[str, str]] | None, quiet: bool, no_trunc: bool,
       format: str | None) -> pd.DataFrame | Output:
    """Like `docker ps` (``-a``: stopped containers too; ``--filter``, ``-q``, ``--format``)."""
    found = sorted(lab.client.api.containers(all=all, filters=values.filters(filters)), key=lambda c: -c["Created"])
    if quiet:
        return formats.ids(found, no_trunc)
    if format:
        return formats.render_each(format, [formats.container_fields(c, no_trunc) for c in found], listing=True)
    return tables.containers_table(found, full=no_trunc)


def inspect(lab: Lab, names: list[str], format: str | None) -> ContainerInspect | NetworkInspect | Inspections | Output:
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
    if format:
        return formats.render_each(format, [item.attrs for item in found])
    return found[0] if len(found) == 1 else Inspections(found)


def port(lab: Lab, container: str, port: str | None) -> Output:
    """Like `docker port`: ``80/tcp -> 0.0.0.0:8080``, one line per binding."""
    ports = lab.client.api.inspect_container(container)["NetworkSettings"].get("Ports") or {}
    wanted = port if port is None or "/" in port else f"{port}/tcp"
    lines = [f"{key} -> {_host_address(binding)}" for key, bindings in sorted(ports.items())
             if wanted in (None, key) for binding in bindings or []]
    if port is not None and not lines:
        raise DnlabError(f"No public port '{wanted}' published for {container}", "`port NAME` lists them all.")
    if port is not None:
        lines = [line.split(" -> ", 1)[1] for line in lines]
    return Output("\n".join(lines))


def _host_address(binding: dict[str, str]) -> str:
    ip = binding.get("HostIp") or "0.0.0.0"
    return f"[{ip}]:{binding['HostPort']}" if ":" in ip else f"{ip}:{binding['HostPort']}"


def logs(lab: Lab, container: str, tail: int | None, timestamps: bool, follow: bool) -> Output:
    """Like `docker logs` (``-f`` is refused by the parser: a cell must end)."""
    text = lab.client.api.logs(container, tail=tail if tail is not None else "all", timestamps=timestamps)
    return Output(text.decode(errors="replace").rstrip("\n"))


def start(lab: Lab, names: list[str], attach: bool, interactive: bool) -> Output | ExecResult | Any:
    """Like `docker start`; ``-a`` waits for the one container to end and shows its output, and
    ``-ai`` opens a terminal on it in the notebook."""
    for name in names:
        lab.own_container(name)
    if interactive:
        lab.client.api.start(names[0])
        return shell.open_attach(lab, names[0])
    for name in names:
        lab.client.api.start(name)
    if attach:
        return _wait_foreground(lab, names[0], names[0], [], auto_remove=False)
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
