"""Nothing leaves the machine: a pytest plugin that counts, with nftables, every packet from this host
(its output) or from its containers and lab machines (their packets arriving at the host) bound for an
address reached through an uplink, an interface that holds a default route. A test or notebook cell
during which any was counted fails, naming each destination and its packet count.

Multicast and broadcast never leave the segment here (no multicast routing, no forwarding), and IPv6
neighbour discovery is the kernel's own upkeep of the link: none of them is counted. It needs root and
the nft command (scripts/test installs nftables); elsewhere it says it is off and counts nothing.
Set DNLAB_EGRESS_WATCH=off to switch it off.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

TABLE = f"dnlab_egress_{os.getpid()}"
"""One table per pytest session: a session that runs another (the engine matrix's) keeps its own watch."""
# Unit tests reach no engine. (The browser tests' Chromium resolves no outside name: tests/browser/conftest.py.)
UNWATCHED = ("tests/unit",)
run = subprocess.run  # taken now: a test may replace subprocess.run while the watch reads its counts


def uplinks() -> list[str]:
    """The interfaces of this machine's default routes (IPv4 and IPv6)."""
    found: set[str] = set()
    for family in ("-4", "-6"):
        done = run(["ip", "-j", family, "route", "show", "default"], capture_output=True, text=True)
        found |= {route["dev"] for route in json.loads(done.stdout or "[]") if route.get("dev")}
    return sorted(found)


def ruleset(devices: list[str]) -> str:
    names = ", ".join(f'"{device}"' for device in devices)
    counted = "fib daddr type != { multicast, broadcast }"
    not_nd = "icmpv6 type != { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit }"
    return f"""
table inet {TABLE} {{
  set seen4 {{ type ipv4_addr; flags dynamic; counter; size 65535; }}
  set seen6 {{ type ipv6_addr; flags dynamic; counter; size 65535; }}
  chain from_host {{
    type filter hook output priority -400; policy accept;
    oifname {{ {names} }} meta nfproto ipv4 {counted} add @seen4 {{ ip daddr }}
    oifname {{ {names} }} meta nfproto ipv6 meta l4proto != ipv6-icmp {counted} add @seen6 {{ ip6 daddr }}
    oifname {{ {names} }} meta nfproto ipv6 {not_nd} {counted} add @seen6 {{ ip6 daddr }}
  }}
  chain from_containers {{
    type filter hook prerouting priority -400; policy accept;
    iifname != {{ {names} }} meta nfproto ipv4 fib daddr oifname {{ {names} }} {counted} add @seen4 {{ ip daddr }}
    iifname != {{ {names} }} meta nfproto ipv6 fib daddr oifname {{ {names} }} {counted} add @seen6 {{ ip6 daddr }}
  }}
}}
"""


class EgressWatch:
    """The nftables table, its start and end, and what it counted since it was last read."""

    def __init__(self) -> None:
        self.why_off = self._why_off()
        self.devices = uplinks() if not self.why_off else []
        if not self.why_off and not self.devices:
            self.why_off = "this machine has no default route: nothing can leave it"

    @staticmethod
    def _why_off() -> str:
        if os.environ.get("DNLAB_EGRESS_WATCH", "").lower() == "off":
            return "DNLAB_EGRESS_WATCH=off"
        if os.geteuid() != 0 or not shutil.which("nft"):
            return "it needs root and the nft command"
        return ""

    @property
    def active(self) -> bool:
        return not self.why_off

    def start(self) -> None:
        self.stop()
        run(["nft", "-f", "-"], input=ruleset(self.devices), text=True, check=True, capture_output=True)

    def stop(self) -> None:
        run(["nft", "delete", "table", "inet", TABLE], capture_output=True)

    def take(self) -> list[str]:
        """Each destination counted since the last call, as "ADDRESS (N packets)"; the sets are emptied."""
        counted = []
        for name in ("seen4", "seen6"):
            done = run(["nft", "-j", "list", "set", "inet", TABLE, name], capture_output=True, text=True)
            for entry in json.loads(done.stdout or "{}").get("nftables", []):
                for element in (entry.get("set") or {}).get("elem") or []:
                    packets = element.get("elem", {}).get("counter", {}).get("packets", "?")
                    address = element.get("elem", {}).get("val", element)
                    counted.append(f"{address} ({packets} packets)")
            run(["nft", "flush", "set", "inet", TABLE, name], capture_output=True)
        return counted


WATCH = EgressWatch()


def pytest_sessionstart(session: pytest.Session) -> None:
    if WATCH.active:
        WATCH.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if WATCH.active:
        WATCH.stop()


def pytest_report_header() -> str:
    if WATCH.active:
        return f"egress watch: on, counting packets that leave through {', '.join(WATCH.devices)}"
    return f"egress watch: off ({WATCH.why_off})"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if not WATCH.active or any(part in str(item.path) for part in UNWATCHED) or item.get_closest_marker("installs"):
        return (yield)
    WATCH.take()  # what came before this test is not its doing
    result = yield
    left = WATCH.take()
    if left:
        raise AssertionError(f"packets left the machine while this ran, to: {', '.join(left)}")
    return result
