"""``--format`` and ``-q``: what the docker CLI prints for a Go template, from the engine's answers.

``inspect`` templates see the engine's raw answer (``.attrs``); ``ls``/``ps`` templates see the
CLI's own fields (``.ID``, ``.Names``, ``.Networks`` ...), made here from the raw list.
"""
from __future__ import annotations

import time
from typing import Any

from dnlab.engine.facts import human_duration, short_id
from dnlab.views import gotemplate
from dnlab.views.results import Output
from dnlab.views.tables import format_ports

Attrs = dict[str, Any]
HEADERS = {"ID": "CONTAINER ID", "RUNNING FOR": "CREATED"}
"""Where `docker ps`'s column header differs from its field's name (``.RunningFor`` is CREATED)."""


def render_each(template: str, objects: list[Attrs], headers: dict[str, str] | None = None,
                listing: bool = False) -> Output:
    """Each object through ``template``, one after another as the CLI prints them; ``table ...``
    gives aligned columns under the CLI's headers. In a listing (``ps``, ``ls``) the two characters
    ``\\t`` and ``\\n`` are a tab and a newline, as the CLI makes them."""
    tabled = gotemplate.table(template, objects)
    if tabled is None:
        if listing:
            template = template.replace("\\t", "\t").replace("\\n", "\n")
        return Output("\n".join(gotemplate.render(template, obj) for obj in objects))
    names, rows = tabled
    titles = [(HEADERS if headers is None else headers).get(name, name) for name in names]
    widths = [max(len(cell) for cell in column) for column in zip(titles, *rows)]
    lines = ["   ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [titles, *rows]]
    return Output("\n".join(lines))


def ids(objects: list[Attrs], full: bool) -> Output:
    """``-q``: the IDs, one per line."""
    return Output("\n".join(obj["Id"] if full else short_id(obj["Id"]) for obj in objects))


def container_fields(container: Attrs, full: bool = False) -> Attrs:
    """A ``docker ps`` row's template fields, from ``client.api.containers()``."""
    labels = container.get("Labels") or {}
    return {
        "ID": container["Id"] if full else short_id(container["Id"]), "Image": container["Image"],
        "Command": f'"{container.get("Command", "")}"',
        "CreatedAt": time.strftime("%Y-%m-%d %H:%M:%S %z %Z", time.localtime(container["Created"])),
        "RunningFor": f"{human_duration(time.time() - container['Created'])} ago",
        "Ports": format_ports(container.get("Ports") or []), "State": container.get("State", ""),
        "Status": container.get("Status", ""),
        "Names": ",".join(n.lstrip("/") for n in container.get("Names", []) if n.count("/") == 1),
        "Labels": ",".join(f"{k}={v}" for k, v in sorted(labels.items())),
        "Mounts": ",".join(m.get("Name") or m.get("Source", "") for m in container.get("Mounts") or []),
        "Networks": ",".join(sorted((container.get("NetworkSettings") or {}).get("Networks") or {})),
    }


def network_fields(network: Attrs, full: bool = False) -> Attrs:
    """A ``docker network ls`` row's template fields, from ``client.api.networks()``."""
    labels = network.get("Labels") or {}
    return {"ID": network["Id"] if full else short_id(network["Id"]), "Name": network["Name"],
            "Driver": network["Driver"], "Scope": network["Scope"],
            "IPv6": str(bool(network.get("EnableIPv6"))).lower(), "Internal": str(bool(network.get("Internal"))).lower(),
            "Labels": ",".join(f"{k}={v}" for k, v in sorted(labels.items())), "CreatedAt": network.get("Created", "")}


def node_fields(node: Attrs, self_id: str = "") -> Attrs:
    """A ``docker node ls`` row's template fields, from ``client.api.nodes()``."""
    manager, description = node.get("ManagerStatus") or {}, node.get("Description") or {}
    return {"ID": node["ID"], "Self": node["ID"] == self_id, "Hostname": description.get("Hostname", ""),
            "Status": (node.get("Status") or {}).get("State", "").capitalize(),
            "Availability": (node.get("Spec") or {}).get("Availability", "").capitalize(),
            "ManagerStatus": "Leader" if manager.get("Leader") else manager.get("Reachability", "").capitalize(),
            "EngineVersion": (description.get("Engine") or {}).get("EngineVersion", "")}
