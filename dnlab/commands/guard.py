"""What the commands refuse to do on the learner's own engine, or to the learner's real network."""
from __future__ import annotations

from dnlab.errors import NotLabOwned, NotOnLabMachine
from dnlab.host import links
from dnlab.lab import Lab
from dnlab.settings import REAL_PARENT


def lab_parent(driver: str | None, options: dict[str, str]) -> str:
    """Refuse a macvlan/ipvlan parent that is a real network card, unless the learner opted in;
    return a warning to show when they did."""
    parent = options.get("parent")
    if driver not in ("macvlan", "ipvlan") or parent is None:
        return ""
    if not links.is_lab_parent(parent):
        raise NotLabOwned(
            f"parent {parent} is not a link dnlab made: containers on it would take addresses on a real LAN.",
            f"Use the lab's own parent (parent = dnlab.links.macvlan_parent(), then -o parent={{parent}}), "
            f"or, to use {parent} anyway, set {REAL_PARENT}={parent}.")
    if not parent.startswith(links.PREFIX):
        return (f"warning: {parent} is a real network card ({REAL_PARENT}): containers on this "
                "network take addresses on that LAN; pick a subnet and addresses nobody else uses.\n")
    return ""


def on_lab_machine(lab: Lab) -> None:
    """Refuse to initialise, join or leave a swarm unless the lab works on a lab machine."""
    if lab.machine is None:
        raise NotOnLabMachine("dnlab never initialises, joins or leaves a swarm on your own engine;",
                              "run it on a lab machine: %%dnet --on machine1")


def plugins_on_lab_machine(lab: Lab, verb: str) -> None:
    """Refuse to change plugins on the learner's own engine: plugins carry no labels, so dnlab
    could not tell the course's from the learner's."""
    if lab.machine is None:
        raise NotOnLabMachine(f"dnlab does not {verb} plugins on your own engine: plugins carry no labels, "
                              "so it could not tell the course's from yours;",
                              "run it on a lab machine: %%dnet --on machine1")
