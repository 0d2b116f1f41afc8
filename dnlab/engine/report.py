"""Like `docker info`, for this course: which engine, which kind, and what it can do."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dnlab.engine.client import connect, engine_url
from dnlab.errors import DnlabError


@dataclass
class EngineReport:
    """The engine dnlab reaches: its identity and the capabilities the course depends on."""

    url: str
    version: str
    api_version: str
    os_arch: str
    kind: str
    swarm: str
    capabilities: dict[str, str] = field(default_factory=dict)

    @property
    def df(self) -> pd.DataFrame:
        rows = [("engine", self.url), ("version", f"{self.version} (API {self.api_version})"),
                ("os/arch", self.os_arch), ("kind", self.kind), ("swarm", self.swarm),
                *self.capabilities.items()]
        return pd.DataFrame(rows, columns=["WHAT", "VALUE"])

    def __repr__(self) -> str:
        return "\n".join(f"{what:<26}{value}" for what, value in self.df.itertuples(index=False))

    def _repr_html_(self) -> str:
        return self.df.to_html(index=False, header=False, border=0, escape=True)


def engine_kind(info: dict[str, Any]) -> str:
    """"Docker Desktop", "rootless Linux engine" or "Linux engine"."""
    if "Docker Desktop" in info.get("OperatingSystem", ""):
        return "Docker Desktop"
    if any("rootless" in option for option in info.get("SecurityOptions") or []):
        return "rootless Linux engine"
    return "Linux engine"


def capabilities(info: dict[str, Any], ipvs: bool | None) -> dict[str, str]:
    """What the course needs of the engine, in words a learner can act on."""
    kind = engine_kind(info)
    drivers = (info.get("Plugins") or {}).get("Network") or []
    host = {"Docker Desktop": "shares the Docker Desktop VM's network stack, not your computer's",
            "rootless Linux engine": "shares the rootless engine's namespace, not the host's"}.get(
        kind, "shares the engine host's network stack")
    if "macvlan" not in drivers:
        macvlan = "not available (no macvlan driver)"
    elif kind == "rootless Linux engine":
        macvlan = "driver present, but a rootless engine cannot give containers links of their own"
    else:
        macvlan = "available (dnlab gives it a lab-made parent link, never your real network card)"
    ipvs_text = {True: "yes: a service's virtual IP answers",
                 False: "no: a service's virtual IP will not answer; use --endpoint-mode dnsrr",
                 None: "unknown (the course images are not prepared yet)"}[ipvs]
    return {"host networking": host, "macvlan": macvlan, "IPVS (swarm virtual IPs)": ipvs_text,
            "network drivers": ", ".join(drivers)}


def has_ipvs() -> bool | None:
    """Whether the engine host's kernel has IPVS, seen from its own network namespace."""
    from dnlab.checks.probe import HOST, PROBE_IMAGE, probe
    from docker.errors import ImageNotFound

    try:
        connect().api.inspect_image(PROBE_IMAGE)
    except ImageNotFound:
        return None
    return probe(HOST, ["test", "-e", "/proc/net/ip_vs"]).exit_code == 0


def report() -> EngineReport:
    """Like `docker version` and `docker info` together, for the course."""
    client = connect()
    info = client.info()
    version = client.version()
    swarm = (info.get("Swarm") or {}).get("LocalNodeState", "inactive")
    return EngineReport(engine_url(), version.get("Version", "?"), version.get("ApiVersion", "?"),
                        f"{info.get('OperatingSystem', '?')} {version.get('Os', '?')}/{version.get('Arch', '?')}",
                        engine_kind(info), swarm, capabilities(info, has_ipvs()))




def supports(feature: str) -> tuple[bool, str]:
    """Whether this engine can do a part of the course (``"macvlan"``), and why in words."""
    if feature != "macvlan":
        raise DnlabError(f"unknown feature {feature!r}", "Known: macvlan.")
    info = connect().info()
    text = capabilities(info, ipvs=None)["macvlan"]
    return text.startswith("available"), f"macvlan: {text}"
