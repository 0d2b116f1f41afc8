"""`docker system prune`, filtered by the lab's label."""
from __future__ import annotations

from dnlab.cleanup import CleanupReport, prune_by_label
from dnlab.lab import Lab
from dnlab.views.results import SystemInfo


def prune(lab: Lab, force: bool, all: bool) -> CleanupReport:
    """Like `docker system prune -f`, filtered by the lab's label (only what this lab created): its stopped containers,
    its unused networks, and with ``-a`` the unused images dnlab built or pulled."""
    return prune_by_label(lab.name, all_images=all, machine=lab.machine)


def info(lab: Lab) -> SystemInfo:
    """Like `docker info`: ``.df`` is its swarm part (state, node, managers, address pool ...),
    ``.attrs`` everything the engine said."""
    return SystemInfo(lab.client.info())
