"""Links dnlab makes on the engine host for a lab: a parent for macvlan networks.

The book hands macvlan the learner's real network card, which puts containers on the real LAN.
dnlab instead makes a Linux bridge on the engine host with nothing attached to it but the lab's
macvlan containers: they get their own MAC addresses and talk at layer 2 exactly as in the
book, and no frame can reach a real network. Every such link is named ``dnlmv-`` plus a short
hash of its lab, so clean-up finds it and never touches any other link.
"""
from __future__ import annotations

import hashlib

from dnlab.host.probe import HOST, ProbeRun, probe
from dnlab.errors import DnlabError
from dnlab.lab import current
from dnlab.settings import settings

PREFIX = "dnlmv-"
__all__ = ["PREFIX", "is_lab_parent", "lab_links", "macvlan_parent", "parent_name", "remove_links"]


def parent_name(lab: str) -> str:
    """The name of lab ``lab``'s macvlan parent (at most 15 characters, as Linux allows)."""
    return PREFIX + hashlib.sha256(lab.encode()).hexdigest()[:8]


def macvlan_parent() -> str:
    """Make (or find) the current lab's macvlan parent on the engine host and return its name."""
    name = parent_name(current().name)
    run = _on_host(f"ip link show {name} >/dev/null 2>&1 || brctl addbr {name}; ip link set {name} up")
    if run.exit_code != 0:
        raise DnlabError(f"dnlab could not make the link {name} on the engine host: {run.output.strip()}",
                         "This engine cannot change its host's links (rootless, or a locked-down host).")
    return name


def lab_links(lab: str | None = None) -> list[str]:
    """The links dnlab made on the engine host: of lab ``lab``, or of every lab."""
    run = _on_host("cat /proc/net/dev")
    names = [line.split(":", 1)[0].strip() for line in run.output.splitlines() if ":" in line]
    wanted = parent_name(lab) if lab else PREFIX
    return sorted(name for name in names if name.startswith(wanted))


def remove_links(names: list[str]) -> list[str]:
    """Delete the given dnlab links (names without dnlab's prefix are refused); return what went."""
    names = [name for name in names if name.startswith(PREFIX)]
    if names:
        _on_host("; ".join(f"ip link set {n} down; brctl delbr {n}" for n in names))
    return names


def is_lab_parent(name: str) -> bool:
    """True for a link dnlab made, or the real one the learner explicitly allowed."""
    return name.startswith(PREFIX) or name == settings().real_parent


def _on_host(script: str) -> ProbeRun:
    return probe(HOST, ["sh", "-c", script], cap_add=["NET_ADMIN"])
