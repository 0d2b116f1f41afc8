"""Turn the engine's refusals into one line: its own explanation, and the fix."""
from __future__ import annotations

import re

from docker.errors import APIError

from dnlab import labels
from dnlab.errors import EngineError
from dnlab.lab import Lab


def explain(exc: APIError, lab: Lab) -> EngineError:
    """An `EngineError` carrying ``APIError.explanation`` and, for the usual mistakes, the fix."""
    text = str(exc.explanation or exc)
    return EngineError(text, _fix(text, lab))


def _fix(text: str, lab: Lab) -> str:
    if "overlaps with other one" in text or "overlaps with" in text:
        return _overlap_fix(lab)
    if "port is already allocated" in text or "address already in use" in text:
        port = re.search(r":(\d+)", text.split("ailed", 1)[-1])
        return _port_fix(lab, port.group(1) if port else "")
    name = re.search(r'name "/?([^"]+)" is already in use', text)
    if name:
        return _name_in_use_fix(lab, name.group(1))
    if "already exists" in text and "network" in text:
        return "Pick another name, or `network rm` the lab's old network first."
    if text.startswith("No such container") or "No such container" in text:
        return "`ps -a` lists the containers that exist."
    if "network-scoped alias" in text:
        return "Aliases work on user-defined networks: create one with `network create` and use --network."
    if "not found" in text and "network" in text:
        return "`network ls` lists the networks that exist."
    return ""


def _overlap_fix(lab: Lab) -> str:
    used = []
    for network in lab.client.api.networks():
        for cfg in (network.get("IPAM") or {}).get("Config") or []:
            if cfg.get("Subnet"):
                used.append(f"{network['Name']} {cfg['Subnet']}")
    return ("Another network already uses those addresses (" + ", ".join(used) +
            "); pick a --subnet that overlaps none of them, or remove the other network if it is the lab's.")


def _port_fix(lab: Lab, port: str) -> str:
    holders = [c["Names"][0].lstrip("/") for c in lab.client.api.containers()
               if any(str(p.get("PublicPort")) == port for p in c.get("Ports") or [])]
    who = f"container {', '.join(holders)} holds it" if holders else "a program outside Docker may hold it"
    return f"Host port {port} is busy ({who}): publish on another host port, like -p 8081:80."


def _name_in_use_fix(lab: Lab, name: str) -> str:
    attrs = lab.client.api.inspect_container(name)
    if labels.is_lab_owned(attrs["Config"].get("Labels")):
        return f"It is the lab's own {name} from before: `rm -f {name}` first, or `%dnet lab NAME` to start afresh."
    return (f"That {name} is yours, not the lab's, so dnlab leaves it alone: "
            "rename or remove it yourself (docker rename), or pick another --name.")

