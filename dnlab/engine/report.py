"""Like `docker info`, for this course: which engine, which kind, and what it can do."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from dnlab.engine.client import connect, engine_choice
from dnlab.engine.differences import BOOK_ENGINE, Difference, differences, firewall_backend

Status = Literal["yes", "no", "unknown"]


@dataclass(frozen=True)
class Capability:
    """One thing the course needs of the engine: its name, whether it has it, and why in words."""

    name: str
    status: Status
    words: str

    @property
    def yes(self) -> bool:
        return self.status == "yes"

    def __str__(self) -> str:
        return f"{self.name}: {self.words}"


@dataclass
class EngineReport:
    """The engine dnlab reaches: its identity and the capabilities the course depends on."""

    url: str
    version: str
    api_version: str
    os_arch: str
    kind: str
    swarm: str
    capabilities: list[Capability] = field(default_factory=list)
    network_drivers: list[str] = field(default_factory=list)
    chosen: str = ""
    """Why this engine: ``from DOCKER_HOST``, a docker context, or the default socket."""
    firewall: str = ""
    differences: list[Difference] = field(default_factory=list)
    """What differs from the book's engine on this one (``dnlab.engine.differences``)."""

    @property
    def df(self) -> pd.DataFrame:
        differ = [str(d) for d in self.differences] or [f"nothing the course shows (the book ran Docker {BOOK_ENGINE})"]
        rows = [("engine", f"{self.url} ({self.chosen})" if self.chosen else self.url),
                ("version", f"{self.version} (API {self.api_version})"),
                ("os/arch", self.os_arch), ("kind", self.kind), ("swarm", self.swarm), ("firewall", self.firewall),
                *((c.name, c.words) for c in self.capabilities),
                ("network drivers", ", ".join(self.network_drivers)),
                *(("differs from the book" if i == 0 else "", line) for i, line in enumerate(differ))]
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


HOST_NETWORKING = "host networking"
MACVLAN = "macvlan"
IPVS = "IPVS (swarm virtual IPs)"


def capabilities(info: dict[str, Any], ipvs: bool | None) -> list[Capability]:
    """What the course needs of the engine, each with words a learner can act on."""
    kind = engine_kind(info)
    host = {"Docker Desktop": Capability(HOST_NETWORKING, "no", "shares the Docker Desktop VM's network stack, "
                                         "not your computer's"),
            "rootless Linux engine": Capability(HOST_NETWORKING, "no", "shares the rootless engine's namespace, "
                                                "not the host's")}.get(
        kind, Capability(HOST_NETWORKING, "yes", "shares the engine host's network stack"))
    if "macvlan" not in network_drivers(info):
        macvlan = Capability(MACVLAN, "no", "not available (no macvlan driver)")
    elif kind == "rootless Linux engine":
        macvlan = Capability(MACVLAN, "no", "driver present, but a rootless engine cannot give containers links "
                             "of their own")
    else:
        macvlan = Capability(MACVLAN, "yes", "available (dnlab gives it a lab-made parent link, never your real "
                             "network card)")
    ipvs_capability = {True: Capability(IPVS, "yes", "yes: a service's virtual IP answers"),
                       False: Capability(IPVS, "no", "no: a service's virtual IP will not answer; use "
                                         "--endpoint-mode dnsrr"),
                       None: Capability(IPVS, "unknown", "unknown (the course images are not prepared yet)")}[ipvs]
    return [host, macvlan, ipvs_capability]


def network_drivers(info: dict[str, Any]) -> list[str]:
    return list((info.get("Plugins") or {}).get("Network") or [])


def report(ipvs: bool | None = None) -> EngineReport:
    """Like `docker version` and `docker info` together, for the course (``ipvs``: what the host's
    kernel was found to have, see ``dnlab.host.has_ipvs``)."""
    client = connect()
    info = client.info()
    version = client.version()
    swarm = (info.get("Swarm") or {}).get("LocalNodeState", "inactive")
    choice = engine_choice()
    return EngineReport(choice.url, version.get("Version", "?"), version.get("ApiVersion", "?"),
                        f"{info.get('OperatingSystem', '?')} {version.get('Os', '?')}/{version.get('Arch', '?')}",
                        engine_kind(info), swarm, capabilities(info, ipvs), network_drivers(info),
                        chosen=choice.why, firewall=firewall_backend(info),
                        differences=differences(version.get("Version", "")))
