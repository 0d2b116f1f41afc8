"""pandas DataFrames built from the engine's raw answers, with the docker CLI's columns."""
from __future__ import annotations

import ipaddress
import time
from typing import Any

import pandas as pd

Attrs = dict[str, Any]


def short_id(full: str) -> str:
    """The 12 characters the CLI shows (``sha256:`` dropped)."""
    return full.split(":", 1)[-1][:12]


def human_duration(seconds: float) -> str:
    """Docker's wording for an age: "Less than a second", "4 seconds", "About a minute", ..."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return f"{s} seconds"
    minutes = s // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = round(s / 3600)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{hours // 24 // 365} years"


def human_size(size: int) -> str:
    """Docker's decimal sizes: 2.13MB, 179MB."""
    value, units = float(size), ["B", "kB", "MB", "GB", "TB"]
    while value >= 999.5 and len(units) > 1:
        value, units = value / 1000, units[1:]
    return f"{value:.3g}{units[0]}"


def _ago(created: float) -> str:
    return f"{human_duration(time.time() - created)} ago"


def networks_table(networks: list[Attrs]) -> pd.DataFrame:
    """Like `docker network ls`, from ``client.api.networks()``."""
    rows = sorted(({"NETWORK ID": short_id(n["Id"]), "NAME": n["Name"], "DRIVER": n["Driver"],
                    "SCOPE": n["Scope"]} for n in networks), key=lambda row: row["NAME"])
    return pd.DataFrame(rows, columns=["NETWORK ID", "NAME", "DRIVER", "SCOPE"]).set_index("NETWORK ID")


def format_ports(ports: list[Attrs]) -> str:
    """The PORTS column: ``0.0.0.0:8080->80/tcp`` for published ports, ``80/tcp`` otherwise."""
    seen: list[str] = []
    for port in sorted(ports, key=lambda p: (p.get("PrivatePort", 0), p.get("IP", ""))):
        if port.get("PublicPort"):
            ip = port.get("IP", "0.0.0.0")
            host = f"[{ip}]" if ":" in ip else ip
            text = f"{host}:{port['PublicPort']}->{port['PrivatePort']}/{port['Type']}"
        else:
            text = f"{port['PrivatePort']}/{port['Type']}"
        if text not in seen:
            seen.append(text)
    return ", ".join(seen)


def _command(container: Attrs) -> str:
    command = container.get("Command", "")
    return '"' + (command if len(command) <= 20 else command[:19] + "\u2026") + '"'


def _names(container: Attrs) -> str:
    return ",".join(n.lstrip("/") for n in container.get("Names", []) if n.count("/") == 1)


def containers_table(containers: list[Attrs]) -> pd.DataFrame:
    """Like `docker ps`, from ``client.api.containers()`` (newest first, as the CLI shows them)."""
    rows = [{"CONTAINER ID": short_id(c["Id"]), "IMAGE": c["Image"], "COMMAND": _command(c),
             "CREATED": _ago(c["Created"]), "STATUS": c["Status"], "PORTS": format_ports(c.get("Ports") or []),
             "NAMES": _names(c)} for c in sorted(containers, key=lambda c: -c["Created"])]
    columns = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    return pd.DataFrame(rows, columns=columns).set_index("CONTAINER ID")


def images_table(images: list[Attrs]) -> pd.DataFrame:
    """Like `docker images`, from ``client.api.images()``."""
    rows = []
    for image in sorted(images, key=lambda i: -i["Created"]):
        for tag in image.get("RepoTags") or ["<none>:<none>"]:
            repo, _, name = tag.rpartition(":")
            rows.append({"REPOSITORY": repo, "TAG": name, "IMAGE ID": short_id(image["Id"]),
                         "CREATED": _ago(image["Created"]), "SIZE": human_size(image["Size"])})
    return pd.DataFrame(rows, columns=["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"])


def container_networks_table(attrs: Attrs) -> pd.DataFrame:
    """One row per network a container is attached to, from ``docker inspect`` output."""
    networks = attrs.get("NetworkSettings", {}).get("Networks") or {}
    rows = [{"NETWORK": name, "NETWORK ID": short_id(ep.get("NetworkID") or ""),
             "IP ADDRESS": ep.get("IPAddress") or "",
             "PREFIX": f"/{ep['IPPrefixLen']}" if ep.get("IPPrefixLen") else "",
             "GATEWAY": ep.get("Gateway") or "", "MAC ADDRESS": ep.get("MacAddress") or "",
             "ALIASES": ", ".join(a for a in ep.get("Aliases") or [] if a != attrs["Id"][:12])}
            for name, ep in networks.items()]
    columns = ["NETWORK", "NETWORK ID", "IP ADDRESS", "PREFIX", "GATEWAY", "MAC ADDRESS", "ALIASES"]
    return pd.DataFrame(rows, columns=columns)


def container_ports_table(attrs: Attrs) -> pd.DataFrame:
    """A container's ports from ``docker inspect``: exposed, and where each is published."""
    ports = attrs.get("NetworkSettings", {}).get("Ports") or {}
    rows = []
    for container_port, bindings in sorted(ports.items()):
        for binding in bindings or [None]:
            rows.append({"CONTAINER PORT": container_port,
                         "HOST IP": binding["HostIp"] if binding else "",
                         "HOST PORT": binding["HostPort"] if binding else "(not published)"})
    return pd.DataFrame(rows, columns=["CONTAINER PORT", "HOST IP", "HOST PORT"])


def effective_gateway(ipam_config: Attrs) -> str:
    """A subnet's gateway: the one IPAM names or, when it names none (Docker 20.10 leaves it out
    unless ``--gateway`` was given), the subnet's first address, which Docker then uses."""
    if ipam_config.get("Gateway") or not ipam_config.get("Subnet"):
        return ipam_config.get("Gateway", "")
    return str(next(ipaddress.ip_network(ipam_config["Subnet"], strict=False).hosts()))


def network_summary_table(attrs: Attrs) -> pd.DataFrame:
    """A network's identity and addressing from ``docker network inspect``: a row per subnet."""
    configs = (attrs.get("IPAM") or {}).get("Config") or [{}]
    rows = [{"NAME": attrs["Name"], "NETWORK ID": short_id(attrs["Id"]), "DRIVER": attrs["Driver"],
             "SCOPE": attrs["Scope"], "SUBNET": cfg.get("Subnet", ""), "GATEWAY": effective_gateway(cfg),
             "INTERNAL": bool(attrs.get("Internal"))} for cfg in configs]
    return pd.DataFrame(rows, columns=["NAME", "NETWORK ID", "DRIVER", "SCOPE", "SUBNET", "GATEWAY", "INTERNAL"])


def network_containers_table(attrs: Attrs) -> pd.DataFrame:
    """The containers a network holds, with their addresses on it."""
    rows = sorted(({"CONTAINER": c.get("Name", ""), "CONTAINER ID": short_id(cid),
                    "IPV4 ADDRESS": c.get("IPv4Address", ""), "MAC ADDRESS": c.get("MacAddress", "")}
                   for cid, c in (attrs.get("Containers") or {}).items()), key=lambda r: r["CONTAINER"])
    return pd.DataFrame(rows, columns=["CONTAINER", "CONTAINER ID", "IPV4 ADDRESS", "MAC ADDRESS"])
