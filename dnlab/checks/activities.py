"""Checkers for the chapter's activities: each requirement met or not, with a hint when not."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
from docker.errors import NotFound

from dnlab.checks.reach import http_get
from dnlab.lab import current

Attrs = dict[str, Any]


@dataclass(frozen=True)
class Requirement:
    """One thing the activity asks for: met or not, what was seen, and a hint when not."""

    text: str
    met: bool
    seen: str
    hint: str = ""


@dataclass
class ActivityReport:
    """Every requirement of an activity; ``.ok`` when all are met."""

    title: str
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.met for r in self.requirements)

    def unmet(self) -> list[str]:
        return [r.text for r in self.requirements if not r.met]

    @property
    def df(self) -> pd.DataFrame:
        return pd.DataFrame([{"": "\u2713" if r.met else "\u2717", "REQUIREMENT": r.text, "SEEN": r.seen,
                              "HINT": "" if r.met else r.hint} for r in self.requirements])

    def __repr__(self) -> str:
        verdict = "all requirements met" if self.ok else f"{len(self.unmet())} requirement(s) not met yet"
        lines = [f"{self.title}: {verdict}"]
        for r in self.requirements:
            lines.append(f"  [{'x' if r.met else ' '}] {r.text}: {r.seen}" + ("" if r.met else f"\n      hint: {r.hint}"))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.ok else "#b00"
        verdict = "all requirements met" if self.ok else f"{len(self.unmet())} requirement(s) not met yet"
        return (f"<b>{html.escape(self.title)}: <span style='color:{colour}'>{verdict}</span></b>"
                + self.df.to_html(index=False, border=0))


def _inspect(name: str) -> Attrs | None:
    try:
        return current().client.api.inspect_container(name)
    except NotFound:
        return None


def _custom_bridge(web: Attrs) -> tuple[str, str] | None:
    """(network name, "subnet via gateway") of a user-defined bridge with a subnet and gateway set."""
    api = current().client.api
    for name in web["NetworkSettings"].get("Networks") or {}:
        net = api.inspect_network(name)
        configs = (net.get("IPAM") or {}).get("Config") or []
        if net["Driver"] == "bridge" and name != "bridge" and configs and configs[0].get("Gateway"):
            return name, f"{configs[0]['Subnet']} via {configs[0]['Gateway']}"
    return None


def _host_port(web: Attrs, container_port: str) -> set[str]:
    bindings = (web["HostConfig"].get("PortBindings") or {}).get(container_port) or []
    return {b.get("HostPort", "") for b in bindings}


def _monitor(name: str | None) -> Attrs | None:
    """The named monitor, or the running alpine container in host network mode."""
    if name:
        return _inspect(name)
    for container in current().client.api.containers():
        attrs = _inspect(container["Id"])
        if attrs and attrs["HostConfig"]["NetworkMode"] == "host" and attrs["Config"]["Image"].startswith("alpine"):
            return attrs
    return None


def _page(source: str | None, url: str) -> tuple[bool, str]:
    if source is None:
        return False, "no monitor to fetch it from"
    page = http_get(source, url)
    return page.ok and page.title == "Welcome to nginx!", page.title or "no answer"


def activity_6_01(webserver: str = "webserver1", monitor: str | None = None) -> ActivityReport:
    """Activity 6.01: nginx on a custom bridge publishing 8080->80, an alpine monitor in host mode
    that reaches it both at localhost:8080 and at the web server's own IP on port 80."""
    report = ActivityReport("Activity 6.01")
    add: Callable[..., None] = lambda *args: report.requirements.append(Requirement(*args))  # noqa: E731
    web = _inspect(webserver)
    running = bool(web and web["State"]["Running"] and web["Config"]["Image"].startswith("nginx"))
    add(f"{webserver} runs NGINX", running,
        "running, " + web["Config"]["Image"] if web and web["State"]["Running"] else ("stopped" if web else "no such container"),
        f"run -d --name {webserver} ... nginx:latest")
    bridge = _custom_bridge(web) if web else None
    add(f"{webserver} is on a custom bridge network with its own subnet and gateway", bridge is not None,
        f"{bridge[0]}: {bridge[1]}" if bridge else "only " + ", ".join(web["NetworkSettings"]["Networks"]) if web else "-",
        "network create NAME --subnet ... --gateway ..., then run it with --network NAME")
    ports = _host_port(web, "80/tcp") if web else set()
    add(f"{webserver} publishes container port 80 on host port 8080", "8080" in ports,
        ", ".join(sorted(p for p in ports if p)) or "port 80 not published", "run it with -p 8080:80")
    mon = _monitor(monitor)
    in_host_mode = bool(mon and mon["State"]["Running"] and mon["HostConfig"]["NetworkMode"] == "host")
    add("an Alpine monitor container runs in host network mode", in_host_mode,
        (f"{mon['Name'].lstrip('/')}: network {mon['HostConfig']['NetworkMode']}" if mon else "none found"),
        "run -itd --network host --name monitor alpine:latest")
    source = mon["Name"].lstrip("/") if in_host_mode else None
    ok, seen = _page(source, "http://localhost:8080/")
    add("from the monitor, http://localhost:8080 returns the NGINX page", ok, seen,
        "publish 8080:80 and keep the monitor on the host network")
    ip = next((ep.get("IPAddress") for name, ep in (web["NetworkSettings"].get("Networks") or {}).items()
               if bridge and name == bridge[0]), None) if web else None
    ok, seen = _page(source, f"http://{ip}:80/") if ip else (False, "no address on a custom bridge")
    add("from the monitor, the web server's own IP on port 80 returns the NGINX page", ok,
        f"{ip}: {seen}" if ip else seen, "the host reaches a bridge network's containers at their IPs")
    return report
