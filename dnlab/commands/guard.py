"""dnlab acts only on what it created: every changing verb asks here first."""
from __future__ import annotations

from dnlab import labels
from dnlab.errors import DnlabError
from dnlab.lab import Lab

BUILT_IN_NETWORKS = {"bridge", "host", "none"}


class NotLabOwned(DnlabError):
    """The learner named something dnlab did not create; dnlab leaves it alone."""


def own_container(lab: Lab, name: str) -> dict:
    """The container's inspect data, if dnlab created it; else a clear refusal."""
    attrs = lab.client.api.inspect_container(name)
    if not labels.is_lab_owned(attrs["Config"].get("Labels")):
        raise NotLabOwned(f"container {name} was not created by dnlab, so dnlab leaves it alone.",
                          "Use another name in the lab, or the docker CLI if you mean to change it.")
    return attrs


def own_network(lab: Lab, name: str, allow_built_in: bool = False) -> dict:
    """The network's inspect data, if dnlab created it (or it is bridge/host/none, when allowed)."""
    attrs = lab.client.api.inspect_network(name)
    if allow_built_in and attrs["Name"] in BUILT_IN_NETWORKS:
        return attrs
    if not labels.is_lab_owned(attrs.get("Labels")):
        raise NotLabOwned(f"network {name} was not created by dnlab, so dnlab leaves it alone.",
                          "Create a lab network of your own with `network create`.")
    return attrs


def lab_parent(driver: str | None, options: dict[str, str]) -> str:
    """Refuse a macvlan/ipvlan parent that is a real network card, unless the learner opted in;
    return a warning to show when they did."""
    from dnlab.engine import links

    parent = options.get("parent")
    if driver not in ("macvlan", "ipvlan") or parent is None:
        return ""
    if not links.is_lab_parent(parent):
        raise NotLabOwned(
            f"parent {parent} is not a link dnlab made: containers on it would take addresses on a real LAN.",
            f"Use the lab's own parent (parent = dnlab.links.macvlan_parent(), then -o parent={{parent}}), "
            f"or, to use {parent} anyway, set {links.REAL_PARENT_VARIABLE}={parent}.")
    if not parent.startswith(links.PREFIX):
        return (f"warning: {parent} is a real network card ({links.REAL_PARENT_VARIABLE}): containers on this "
                "network take addresses on that LAN; pick a subnet and addresses nobody else uses.\n")
    return ""


class NotOnLabMachine(DnlabError):
    """Swarm membership changes only on dnlab's own lab machines, never on the learner's engine."""


def on_lab_machine(lab: Lab) -> None:
    """Refuse to initialise, join or leave a swarm unless the lab works on a lab machine."""
    if lab.machine is None:
        raise NotOnLabMachine("dnlab never initialises, joins or leaves a swarm on your own engine;",
                              "run it on a lab machine: %%dnet --on machine1")


def own_service(lab: Lab, name: str) -> dict:
    """The service's inspect data, if dnlab created it; else a clear refusal."""
    attrs = lab.client.api.inspect_service(name)
    if not labels.is_lab_owned(attrs["Spec"].get("Labels")):
        raise NotLabOwned(f"service {name} was not created by dnlab, so dnlab leaves it alone.",
                          "Use another name in the lab, or the docker CLI if you mean to change it.")
    return attrs


def plugins_on_lab_machine(lab: Lab, verb: str) -> None:
    """Refuse to change plugins on the learner's own engine: plugins carry no labels, so dnlab
    could not tell the course's from the learner's."""
    if lab.machine is None:
        raise NotOnLabMachine(f"dnlab does not {verb} plugins on your own engine: plugins carry no labels, "
                              "so it could not tell the course's from yours;",
                              "run it on a lab machine: %%dnet --on machine1")
