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
    swarm = _swarm_fix(text, lab)
    if swarm is not None:
        return swarm
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


def _swarm_fix(text: str, lab: Lab) -> str | None:
    """The usual swarm mistakes: the wrong machine, a node already in (or not in) a swarm, a bad join."""
    here = f"--on {lab.machine}" if lab.machine else "your own engine"
    if "not a swarm manager" in text and "Worker nodes" in text:
        return (f"{lab.machine or 'This engine'} is a worker: run it on the manager, the machine where "
                "you ran `swarm init` (%%dnet --on THAT_MACHINE).")
    if "not a swarm manager" in text:
        if lab.machine is None:
            return ("Your own engine is in no swarm (dnlab never makes it one): swarm commands run on a lab "
                    "machine, %%dnet --on machine1, after `swarm init` there.")
        return (f"{lab.machine} is in no swarm yet: `swarm init` it, or `swarm join` it to the manager's swarm "
                f"(%%dnet --on {lab.machine}).")
    if "already part of a swarm" in text:
        return (f"It already is in one ({here}): `info` shows which; `swarm leave --force` there first "
                "if you mean to start again.")
    if "could not choose an IP address to advertise" in text or "advertise address must be" in text:
        return ("Name the address other machines reach it at: swarm init --advertise-addr ADDR "
                "(a lab machine's is the ADDRESS column of dnlab.machines.ls()).")
    if "not part of a swarm" in text:
        return "There is nothing to leave: `info` shows Swarm: inactive."
    if "join token" in text.lower() or "does not match fingerprint" in text:
        return ("Use the manager's current token: token = %dnet --on MANAGER swarm join-token -q worker, "
                "then swarm join --token {token.text} ADDR:2377.")
    if "Timeout was reached before node joined" in text:
        return ("The manager did not answer at that address: use the address `swarm init` printed "
                "(its --advertise-addr) with :2377, and `swarm leave --force` this machine before you try "
                "again (it keeps trying in the background).")
    if "rpc error" in text and ("connection refused" in text or "no route to host" in text
                                or "Unavailable" in text or "deadline exceeded" in text):
        return ("Nothing answers as a swarm manager at that address: use the address `swarm init` printed "
                "(its --advertise-addr) with :2377.")
    if "Only networks scoped to the swarm can be used" in text:
        return ("Services join overlay networks: `network create -d overlay NAME` on the manager "
                "(add --attachable so that `run` containers may join it too).")
    if re.search(r"service .* not found", text) or "No such service" in text:
        return "`service ls` lists the services that exist."
    if "name conflicts with an existing object" in text and "service" in text:
        return "Pick another --name, or `service rm` the lab's old service first."
    return None


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

