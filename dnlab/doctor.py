"""`dnlab doctor`: is this machine ready for the course, and what to do where it is not."""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from dnlab import images
from dnlab.checks import port_holder
from dnlab.engine import connect
from dnlab.engine.report import report as engine_report
from dnlab.errors import DnlabError
from dnlab.host import has_ipvs
from dnlab.machines import real_machines
from dnlab.settings import MACHINES

COURSE_PORTS = {80: "Exercise 6.03 (NGINX on the host network)", 8080: "Exercise 6.01 and Activity 6.01 (-p 8080:80)"}


@dataclass
class DoctorReport:
    """One row per check: ok / warning / problem, what was seen, and the fix."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, check: str, status: str, detail: str) -> None:
        self.rows.append((check, status, detail))

    @property
    def ok(self) -> bool:
        return all(status != "problem" for _, status, _ in self.rows)

    @property
    def df(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["CHECK", "STATUS", "DETAIL"])

    def __repr__(self) -> str:
        mark = {"ok": "ok  ", "warning": "warn", "problem": "FAIL"}
        return "\n".join(f"[{mark[s]}] {c}: {d}" for c, s, d in self.rows)

    def _repr_html_(self) -> str:
        colour = {"ok": "#1a7f37", "warning": "#b45309", "problem": "#b00"}
        body = "".join(f"<tr><td style='color:{colour[s]}'><b>{s}</b></td><td>{html.escape(c)}</td>"
                       f"<td style='text-align:left'>{html.escape(d)}</td></tr>" for c, s, d in self.rows)
        return f"<table class='dnlab-doctor'><tr><th></th><th>check</th><th>detail</th></tr>{body}</table>"


def doctor(prepare_images: bool = True) -> DoctorReport:
    """Check the engine, what it can do, the ports the course uses, and the images (preparing them)."""
    result = DoctorReport()
    try:
        engine = engine_report(has_ipvs())
    except DnlabError as exc:
        result.add("Docker engine", "problem", str(exc))
        return result
    result.add("Docker engine", "ok", f"{engine.kind} {engine.version} at {engine.url} ({engine.chosen})")
    nftables = engine.firewall.startswith("nftables")
    result.add("firewall backend", "warning" if nftables else "ok",
               f"{engine.firewall}: the engine refuses swarm mode, so Exercises 6.04, 6.05 and Activity 6.02 need "
               "lab machines (their engines use iptables)" if nftables else engine.firewall)
    for difference in engine.differences:
        result.add("differs from the book", "ok", str(difference))
    for capability in engine.capabilities:
        result.add(capability.name, "ok" if capability.yes else "warning", capability.words)
    result.add("lab machines", *machines_possible(engine.kind, engine.url))
    if prepare_images:
        for status in images.prepare(connect()):
            result.add(f"image {status.reference}", "ok", str(status).split(": ", 1)[1])
    for port, used_by in COURSE_PORTS.items():
        holder = port_holder(port)
        result.add(f"host port {port}", "ok" if holder is None else "warning",
                   "free" if holder is None else f"held by {holder}; {used_by} needs it: free it first")
    return result


def machines_possible(kind: str, url: str) -> tuple[str, str]:
    """Whether Docker-in-Docker lab machines can run here (Exercises 6.04, 6.05, Activity 6.02)."""
    if real_machines():
        return "ok", f"real hosts from {MACHINES}: {', '.join(real_machines())}"
    if kind == "Linux engine" and url.startswith("unix://"):
        return "ok", "Docker-in-Docker nodes on this engine (machine1, machine2)"
    return "warning", (f"a {kind} at {url} cannot host dnlab's nodes (their API sockets must be on this "
                       f"machine); list real hosts in {MACHINES}=machine1=ssh://...,machine2=ssh://...")
