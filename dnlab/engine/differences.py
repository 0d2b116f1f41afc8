"""How an engine's networking differs from the book's (Docker 19.03), by the release that changed it.

One table: ``dnlab engine`` and ``dnlab doctor`` list the rows that apply to the engine they reach,
and a notebook asks ``applies(KEY, version)`` to assert the behaviour of the engine it runs on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

BOOK_ENGINE = "19.03"
"""The engine the chapter's outputs come from (`docker version` prints 19.03.6 there)."""


@dataclass(frozen=True)
class Difference:
    """One change since the book's engine: its key, the first release with it, and one line for a learner."""

    key: str
    since: tuple[int, int]
    line: str

    def __str__(self) -> str:
        return f"since Docker {self.since[0]}.{self.since[1]}: {self.line}"


RANDOM_MAC = "random-mac"
DIRECT_ROUTING = "direct-routing"
LINK_ENVIRONMENT = "link-environment"
MACVLAN_GATEWAY = "macvlan-gateway"
NFTABLES = "nftables"

DIFFERENCES: tuple[Difference, ...] = (
    Difference(RANDOM_MAC, (28, 0), "containers get random MAC addresses, not the book's 02:42:… ones made from "
               "their IPv4 address"),
    Difference(DIRECT_ROUTING, (28, 0), "another host can no longer reach a container's unpublished ports by "
               "routing to its address (the gateway mode `nat` blocks it unless `allow-direct-routing` is set)"),
    Difference(LINK_ENVIRONMENT, (29, 0), "`--link` no longer sets the linked container's environment variables "
               "(CONTAINERLINK1_NAME, ..._PORT); its name in /etc/hosts stays"),
    Difference(MACVLAN_GATEWAY, (29, 0), "macvlan and ipvlan networks get no default gateway unless `--gateway` "
               "is given"),
    Difference(NFTABLES, (29, 0), "an nftables firewall backend can be chosen (experimental), and with it the "
               "engine refuses swarm mode; iptables stays the default"),
)


def release(version: str) -> tuple[int, int]:
    """``(major, minor)`` of an engine version as the engine reports it: ``28.5.2+dfsg4`` is (28, 5)."""
    numbers = re.match(r"(\d+)\.(\d+)", version)
    return (int(numbers[1]), int(numbers[2])) if numbers else (0, 0)


def differences(version: str) -> list[Difference]:
    """What differs from the book on an engine of ``version``."""
    return [difference for difference in DIFFERENCES if release(version) >= difference.since]


def applies(key: str, version: str) -> bool:
    """True when the difference ``key`` (one of ``DIFFERENCES``) holds on an engine of ``version``."""
    if key not in {difference.key for difference in DIFFERENCES}:
        raise KeyError(f"no difference {key!r}; known: {', '.join(d.key for d in DIFFERENCES)}")
    return any(difference.key == key for difference in differences(version))


def firewall_backend(info: dict[str, Any]) -> str:
    """The engine's firewall backend, from `docker info` (``FirewallBackend``, Docker 28.2 and later);
    older engines have only iptables."""
    backend = info.get("FirewallBackend") or {}
    return backend.get("Driver") or "iptables (the only backend before Docker 28.2)"
