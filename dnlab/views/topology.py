"""The lab as a picture: the engine host, its networks as buses, containers attached with their
addresses, published ports and macvlan parents. Plain SVG: it shows in JupyterLab, in nbconvert's
HTML and in GitHub's notebook view, with no server and no network access.

The layout is the classic network diagram (a bus per network, hosts hanging off it); general graph
layout engines draw such a picture less clearly, so it is computed here in a few lines.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from dnlab import labels
from dnlab.lab import current
from dnlab.machines import running_machines
from dnlab.engine.facts import effective_gateway
from dnlab.views.tables import format_ports

Attrs = dict[str, Any]
COLUMN, BOX_H, BUS_GAP, TOP, LEFT = 190, 74, 62, 96, 24
HOST_LINKS = 130  # room on the right for the links from each network up to the host
COLOURS = {"bridge": "#2563eb", "macvlan": "#9333ea", "overlay": "#059669", "null": "#9ca3af"}


@dataclass(frozen=True)
class Bus:
    """A network: its name, driver, subnet and gateway, and where it meets the host."""

    name: str
    driver: str
    subnet: str
    gateway: str
    host_side: str  # docker0, br-..., a macvlan parent, or ""

    @property
    def caption(self) -> str:
        parts = [self.name, self.driver]
        if self.subnet:
            parts.append(self.subnet + (f"  gw {self.gateway}" if self.gateway else ""))
        return " \u00b7 ".join(parts)


@dataclass(frozen=True)
class Attachment:
    """A container on a network, with its address there."""

    container: str
    network: str
    ip: str
    mac: str


@dataclass(frozen=True)
class Box:
    """A container: name, image, state, published ports, and its network mode."""

    name: str
    image: str
    status: str
    ports: str
    mode: str  # "host", "none", "container:NAME" or "" (its own networks)


@dataclass
class Topology:
    """What the lab looks like now; ``_repr_svg_`` draws it, ``repr`` describes it in words."""

    buses: list[Bus] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    machines: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return "engine host" + (f" \u00b7 lab machines: {', '.join(self.machines)}" if self.machines else "")

    @classmethod
    def from_attrs(cls, containers: list[Attrs], networks: list[Attrs], lab: str | None = None) -> "Topology":
        """Build it from `docker inspect` of containers and `docker network inspect` of networks;
        empty networks are shown when they are lab ``lab``'s (any lab's, when None)."""
        by_name = {n["Name"]: n for n in networks}
        boxes, attachments, used = [], [], set()
        for c in sorted(containers, key=lambda c: c["Name"]):
            name, mode = c["Name"].lstrip("/"), c["HostConfig"].get("NetworkMode", "")
            ports = format_ports([{"IP": b.get("HostIp") or "0.0.0.0", "PublicPort": int(b["HostPort"]),
                                   "PrivatePort": int(p.split("/")[0]), "Type": p.split("/")[1]}
                                  for p, bs in (c["NetworkSettings"].get("Ports") or {}).items()
                                  for b in bs or [] if b.get("HostPort") and ":" not in (b.get("HostIp") or "")])
            boxes.append(Box(name, c["Config"]["Image"], c["State"]["Status"], ports,
                             mode if mode in ("host", "none") or mode.startswith("container:") else ""))
            for net, ep in (c["NetworkSettings"].get("Networks") or {}).items():
                if net != "host":
                    attachments.append(Attachment(name, net, ep.get("IPAddress") or "", ep.get("MacAddress") or ""))
                    used.add(net)
        shown = [by_name[n] for n in used if n in by_name]
        shown += [n for n in networks if labels.is_lab_owned(n.get("Labels"), lab) and n["Name"] not in used]
        return cls(sorted((_bus(n) for n in shown), key=_bus_order), boxes, attachments)

    def __repr__(self) -> str:
        lines = [self.title]
        for bus in self.buses:
            members = [f"{a.container} {a.ip}".strip() for a in self.attachments if a.network == bus.name]
            lines.append(f"  {bus.caption}: " + (", ".join(members) or "no containers"))
        for box in self.boxes:
            if box.mode == "host":
                lines.append(f"  {box.name}: on the host's own network stack")
            if box.ports:
                lines.append(f"  {box.name} publishes {box.ports}")
        return "\n".join(lines)

    def _repr_svg_(self) -> str:
        return draw(self)

    def _repr_html_(self) -> str:
        """The same SVG inline, so JupyterLab puts an <svg> (not an <img>) in the page."""
        return draw(self)


def _bus(network: Attrs) -> Bus:
    configs = (network.get("IPAM") or {}).get("Config") or [{}]
    options = network.get("Options") or {}
    host_side = options.get("com.docker.network.bridge.name") or options.get("parent") or (
        f"br-{network['Id'][:12]}" if network["Driver"] == "bridge" else "")
    return Bus(network["Name"], network["Driver"], configs[0].get("Subnet", ""), effective_gateway(configs[0]),
               host_side)


def _bus_order(bus: Bus) -> tuple[int, str]:
    return ({"bridge": 0, "null": 2}.get(bus.name, 1), bus.name)


def _text(x: float, y: float, text: str, size: int = 12, weight: str = "normal", fill: str = "#111",
          anchor: str = "start") -> str:
    return (f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
            f'text-anchor="{anchor}">{html.escape(text)}</text>')


def draw(topology: Topology) -> str:
    """The SVG picture: host on top, a bus per network, containers in a row below."""
    n_boxes = max(len(topology.boxes), 1)
    width = max(LEFT * 2 + n_boxes * COLUMN + HOST_LINKS, 640)
    bus_y = {bus.name: TOP + i * BUS_GAP for i, bus in enumerate(topology.buses)}
    boxes_y = TOP + len(topology.buses) * BUS_GAP + 10
    height = boxes_y + BOX_H + 20
    x_of = {box.name: LEFT + i * COLUMN + COLUMN / 2 for i, box in enumerate(topology.boxes)}
    out = [f'<svg class="dnlab-topology" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif">',
           f'<rect x="{LEFT}" y="8" width="{width - 2 * LEFT}" height="40" rx="6" fill="#f3f4f6" stroke="#6b7280"/>',
           _text(LEFT + 10, 33, topology.title, 13, "bold")]
    for i, bus in enumerate(topology.buses):
        y, colour = bus_y[bus.name], COLOURS.get(bus.driver, "#374151")
        dash = ' stroke-dasharray="6 4"' if bus.driver == "null" else ""
        out.append(f'<line x1="{LEFT}" y1="{y}" x2="{width - LEFT}" y2="{y}" stroke="{colour}" stroke-width="4"{dash}/>')
        out.append(_text(LEFT + 4, y - 8, bus.caption, 12, "bold", colour))
        if bus.host_side:
            hx = width - LEFT - 16 - i * 14
            out.append(f'<line x1="{hx}" y1="48" x2="{hx}" y2="{y}" stroke="{colour}" stroke-width="2"/>')
            label_x = width - LEFT - 22 - len(topology.buses) * 14
            out.append(_text(label_x, y - 8, bus.host_side, 11, fill=colour, anchor="end"))
    for index, box in enumerate(topology.boxes):
        x, mine = x_of[box.name], [a for a in topology.attachments if a.container == box.name]
        for k, att in enumerate(mine):
            if att.network not in bus_y:
                continue
            lx, y = x - 30 + k * 12, bus_y[att.network]
            colour = COLOURS.get(next(b.driver for b in topology.buses if b.name == att.network), "#374151")
            out.append(f'<line x1="{lx}" y1="{y}" x2="{lx}" y2="{boxes_y}" stroke="{colour}" stroke-width="2"/>')
            out.append(f'<circle cx="{lx}" cy="{y}" r="4" fill="{colour}"/>')
            out.append(_text(lx + 6, y + 15, att.ip or "no address", 11, fill=colour))
            if att.mac:
                out.append(_text(lx + 6, y + 28, att.mac, 9, fill="#6b7280"))
        if box.mode == "host":
            out.append(f'<line x1="{x}" y1="48" x2="{x}" y2="{boxes_y}" stroke="#6b7280" stroke-width="2" '
                       'stroke-dasharray="2 3"/>')
        left = LEFT + index * COLUMN + 6
        stroke = "#111" if box.status == "running" else "#9ca3af"
        out.append(f'<rect x="{left}" y="{boxes_y}" width="{COLUMN - 12}" height="{BOX_H}" rx="6" fill="white" '
                   f'stroke="{stroke}"/>')
        out.append(_text(left + 8, boxes_y + 18, box.name, 12, "bold"))
        out.append(_text(left + 8, boxes_y + 34, box.image, 11, fill="#374151"))
        mode = {"host": "host network", "none": "no network"}.get(box.mode, box.mode)
        out.append(_text(left + 8, boxes_y + 50, box.status + (f" \u00b7 {mode}" if mode else ""), 11,
                         fill="#374151" if box.status == "running" else "#b45309"))
        if box.ports:
            out.append(_text(left + 8, boxes_y + 66, box.ports.split(", ")[0], 10, fill="#b91c1c"))
    out.append("</svg>")
    return "\n".join(out)


def _engine_view(api, lab_name: str | None, machine: str | None) -> tuple[list[Attrs], list[Attrs]]:
    """One engine's lab containers and networks; on a lab machine, names say which machine, and a
    swarm-scope network (an overlay) keeps its name, so it is one bus across machines."""
    wanted = {"filters": labels.lab_filter(lab_name)} if lab_name else {}
    containers = [api.inspect_container(c["Id"]) for c in api.containers(all=True, **wanted)
                  if (c.get("Labels") or {}).get(labels.ROLE) != "probe"]
    networks = [api.inspect_network(n["Id"]) for n in api.networks()]
    if machine is None:
        return containers, networks
    local = {n["Name"] for n in networks if n.get("Scope") != "swarm"}
    rename = lambda name: f"{name} @ {machine}" if name in local else name  # noqa: E731
    for c in containers:
        task = (c["Config"].get("Labels") or {}).get("com.docker.swarm.task.name", "")
        c["Name"] = f"{task.rsplit('.', 1)[0] or c['Name'].lstrip('/')} @ {machine}"  # service.slot, no task ID
        c["NetworkSettings"]["Networks"] = {rename(k): v for k, v in (c["NetworkSettings"].get("Networks") or {}).items()}
    for n in networks:
        n["Name"] = rename(n["Name"])
    return containers, networks


def topology(everything: bool = False) -> Topology:
    """The lab as it is now, on the local engine and any lab machines: its containers and the
    networks they are on (``everything``: every container, not only the lab's)."""
    lab = current()
    containers, networks = _engine_view(lab.client.api, None if everything else lab.name, None)
    machines = running_machines()
    for machine in machines:
        more_containers, more_networks = _engine_view(lab.on(machine).client.api, None if everything else lab.name,
                                                      machine)
        containers += more_containers
        networks += [n for n in more_networks if n["Name"] not in {m["Name"] for m in networks}]
    picture = Topology.from_attrs(containers, networks, None if everything else lab.name)
    picture.machines = machines
    return picture
