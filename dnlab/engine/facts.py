"""Facts read from the engine's raw answers, in the CLI's words: short ids, ages and sizes,
effective gateways, service modes, and the privileges a plugin asks for."""
from __future__ import annotations

import datetime
import ipaddress
import re
from typing import Any

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


def effective_gateway(ipam_config: Attrs) -> str:
    """A subnet's gateway: the one IPAM names or, when it names none (Docker 20.10 leaves it out
    unless ``--gateway`` was given), the subnet's first address, which Docker then uses."""
    if ipam_config.get("Gateway") or not ipam_config.get("Subnet"):
        return ipam_config.get("Gateway", "")
    return str(next(ipaddress.ip_network(ipam_config["Subnet"], strict=False).hosts()))


def parse_time(text: str) -> float | None:
    """Seconds since the epoch of the engine's RFC 3339 times (nanoseconds, ``Z``); None for its zero time."""
    if not text or text.startswith("0001-"):
        return None
    text = re.sub(r"(\.\d{6})\d+", r"\1", text).replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(text).timestamp()


def service_image(spec_image: str) -> str:
    """The image as the CLI shows it: without the ``@sha256:...`` digest the engine may have pinned."""
    return spec_image.split("@", 1)[0]


def service_mode(spec: Attrs) -> str:
    """``replicated`` or ``global`` (or a job mode), as `service ls` says it."""
    mode = spec.get("Mode") or {"Replicated": {}}
    return {"Replicated": "replicated", "Global": "global", "ReplicatedJob": "replicated job",
            "GlobalJob": "global job"}.get(next(iter(mode), ""), "")


def desired_replicas(spec: Attrs) -> int | None:
    """The replicas a replicated service asks for (None for global services)."""
    replicated = (spec.get("Mode") or {}).get("Replicated")
    return None if replicated is None else int(replicated.get("Replicas", 1))


def running_tasks(tasks: list[Attrs], service_id: str) -> int:
    return sum(1 for t in tasks if t.get("ServiceID") == service_id and t.get("DesiredState") == "running"
               and (t.get("Status") or {}).get("State") == "running")


def endpoint_mode(service: Attrs) -> str:
    """``vip`` (the default) or ``dnsrr``."""
    return ((service.get("Spec") or {}).get("EndpointSpec") or {}).get("Mode") or "vip"


def config_privileges(config: Attrs) -> list[Attrs]:
    """What a plugin's config.json asks of the host, worded as the engine's privileges API words it
    (``[{"Name": "network", "Value": ["host"], ...}]``)."""
    def asked(name: str, description: str, value: list[str]) -> Attrs:
        return {"Name": name, "Description": description, "Value": value}

    found = []
    network = (config.get("network") or {}).get("type", "")
    if network not in ("", "null", "bridge"):
        found.append(asked("network", "permissions to access a network", [network]))
    for flag, name in (("ipchost", "host ipc namespace"), ("pidhost", "host pid namespace")):
        if config.get(flag):
            found.append(asked(name, f"allow access to {name}", ["true"]))
    found += [asked("mount", "host path to mount", [m["source"]]) for m in config.get("mounts") or [] if m.get("source")]
    linux = config.get("linux") or {}
    found += [asked("device", "host device to access", [d["path"]]) for d in linux.get("devices") or [] if d.get("path")]
    if linux.get("allowAllDevices"):
        found.append(asked("allow-all-devices", "allow 'rwm' access to all devices", ["true"]))
    if linux.get("capabilities"):
        found.append(asked("capabilities", "list of additional capabilities required", list(linux["capabilities"])))
    return found
