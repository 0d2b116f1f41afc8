"""`docker system prune` (filtered by the lab's label), `docker info` and `docker version`."""
from __future__ import annotations

from importlib.metadata import version as package_version

import docker

from dnlab.cleanup import CleanupReport, Narrowing, prune_by_label
from dnlab.lab import Lab
from dnlab.parser import values
from dnlab.views import formats
from dnlab.views.results import Output, SystemInfo


def prune(lab: Lab, force: bool, all: bool, filters: list[tuple[str, str]] | None) -> CleanupReport:
    """Like `docker system prune -f`, filtered by the lab's label (only what this lab created): its stopped containers,
    its unused networks, and with ``-a`` the unused images dnlab built or pulled (``--filter`` narrows it)."""
    return prune_by_label(lab.name, all_images=all, machine=lab.machine,
                          narrowing=Narrowing(*values.prune_filters(filters)))


def info(lab: Lab) -> SystemInfo:
    """Like `docker info`: ``.df`` is its swarm part (state, node, managers, address pool ...),
    ``.attrs`` everything the engine said."""
    return SystemInfo(lab.client.info())


def version(lab: Lab, format: str | None) -> Output:
    """Like `docker version`: the engine's own answer (``.Server``), and this client (``.Client``), which
    is docker-py: no docker CLI is needed."""
    server = lab.client.api.version()
    client = {"Version": package_version("dnlab"), "ApiVersion": lab.client.api._version,
              "Platform": {"Name": f"dnlab with the Docker SDK for Python {docker.__version__}"}}
    if format:
        return formats.render_each(format, [{"Client": client, "Server": server}])
    return Output(f"Client: {client['Platform']['Name']} (API {client['ApiVersion']}; no docker CLI)\n"
                  f"Server: Docker Engine {server.get('Version', '?')} (API {server.get('ApiVersion', '?')}, "
                  f"minimum {server.get('MinAPIVersion', '?')}), {server.get('Os', '?')}/{server.get('Arch', '?')}, "
                  f"kernel {server.get('KernelVersion', '?')}")
