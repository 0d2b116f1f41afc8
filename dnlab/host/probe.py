"""A throw-away probe container that looks from inside another container's network namespace.

It joins ``--network container:NAME`` (or the engine host's own stack), runs one
busybox command and is removed, so nothing is ever installed inside the lab's
nginx or alpine containers.
"""
from __future__ import annotations

from dataclasses import dataclass

from dnlab.images import ensure
from dnlab.lab import current

PROBE_IMAGE = "alpine:latest"
HOST = "host"
"""Probe target meaning the engine host's own network stack (as `--network host` sees it)."""
TIMEOUT_S = 30


@dataclass(frozen=True)
class ProbeRun:
    """What one probe command printed, and how it exited."""

    exit_code: int
    output: str


def probe(target: str, command: list[str], cap_add: list[str] | None = None, on: str | None = None,
          image: str = PROBE_IMAGE, environment: dict[str, str] | None = None) -> ProbeRun:
    """Run ``command`` in ``target``'s network namespace (``HOST`` for the engine host's), on lab
    machine ``on`` or the local engine; ``cap_add=["NET_ADMIN"]`` lets it change links there
    (only dnlab's own ones ever are); ``image`` brings other tools (``psql`` from postgres:12)."""
    lab = current().on(on)
    api = lab.api
    ensure(lab.client, image)
    network_mode = "host" if target == HOST else f"container:{target}"
    # the command replaces any entrypoint of the image (postgres:12 would start a server)
    created = api.create_container(image, command[1:], entrypoint=command[:1], role="probe",
                                   environment=environment,
                                   host_config=api.create_host_config(network_mode=network_mode, cap_add=cap_add))
    try:
        api.start(created["Id"])
        status = api.wait(created["Id"], timeout=TIMEOUT_S)
        output = api.logs(created["Id"]).decode(errors="replace")
        return ProbeRun(status.get("StatusCode", -1), output)
    finally:
        api.remove_container(created["Id"], force=True)
