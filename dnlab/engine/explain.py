"""What the engine said, as a learner's one line: the explanation and the fix, from one table.

``learner_error`` is the one place where docker-py's and requests' exceptions become dnlab's:
the magic, the CLI, the commands and the checks all go through it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import docker
from docker.errors import APIError, DockerException
from requests.exceptions import RequestException

from dnlab import labels
from dnlab.engine.client import forget, short_reason, unavailable
from dnlab.errors import DnlabError, EngineError, EngineUnavailable


ENGINE_ERRORS = (DockerException, RequestException)
"""docker-py's and requests' exceptions: an engine's refusal (``APIError``), or an engine gone."""


@dataclass(frozen=True)
class Context:
    """Where the refusal came from: the engine's client, and the lab machine (None: the local engine)."""

    client: docker.DockerClient | None
    machine: str | None


Fix = Callable[[re.Match, Context], str]


@dataclass(frozen=True)
class Rule:
    """When the engine's words match ``said``, the fix is ``fix`` (words, or words made from the match)."""

    said: str
    fix: str | Fix

    def answer(self, text: str, context: Context) -> str | None:
        match = re.search(self.said, text, flags=re.IGNORECASE)
        if match is None:
            return None
        return self.fix if isinstance(self.fix, str) else self.fix(match, context)


def _worker(_: re.Match, c: Context) -> str:
    return (f"{c.machine or 'This engine'} is a worker: run it on the manager, the machine where "
            "you ran `swarm init` (%%dnet --on THAT_MACHINE).")


def _no_swarm(_: re.Match, c: Context) -> str:
    if c.machine is None:
        return ("Your own engine is in no swarm (dnlab never makes it one): swarm commands run on a lab "
                "machine, %%dnet --on machine1, after `swarm init` there.")
    return (f"{c.machine} is in no swarm yet: `swarm init` it, or `swarm join` it to the manager's swarm "
            f"(%%dnet --on {c.machine}).")


def _in_a_swarm(_: re.Match, c: Context) -> str:
    here = f"--on {c.machine}" if c.machine else "your own engine"
    return f"It already is in one ({here}): `info` shows which; `swarm leave --force` there first if you mean to start again."


def _overlap(_: re.Match, c: Context) -> str:
    used = [f"{n['Name']} {cfg['Subnet']}" for n in _networks(c)
            for cfg in (n.get("IPAM") or {}).get("Config") or [] if cfg.get("Subnet")]
    return ("Another network already uses those addresses (" + ", ".join(used) +
            "); pick a --subnet that overlaps none of them, or remove the other network if it is the lab's.")


def _busy_port(match: re.Match, c: Context) -> str:
    port = match.groupdict().get("port") or ""
    holders = [] if c.client is None else [
        x["Names"][0].lstrip("/") for x in c.client.api.containers()
        if any(str(p.get("PublicPort")) == port for p in x.get("Ports") or [])]
    who = f"container {', '.join(holders)} holds it" if holders else "a program outside Docker may hold it"
    return f"Host port {port} is busy ({who}): publish on another host port, like -p 8081:80."


def _name_in_use(match: re.Match, c: Context) -> str:
    name = match["name"]
    attrs = c.client.api.inspect_container(name) if c.client is not None else {"Config": {}}
    if labels.is_lab_owned(attrs["Config"].get("Labels")):
        return f"It is the lab's own {name} from before: `rm -f {name}` first, or `%dnet lab NAME` to start afresh."
    return (f"That {name} is yours, not the lab's, so dnlab leaves it alone: "
            "rename or remove it yourself (docker rename), or pick another --name.")


def _networks(c: Context) -> list[dict]:
    return c.client.api.networks() if c.client is not None else []


SWARM_MANAGER_AT = ("use the address `swarm init` printed (its --advertise-addr) with :2377")

RULES: tuple[Rule, ...] = (
    # swarms: the wrong machine, a node already in (or not in) a swarm, a bad join
    Rule(r"not a swarm manager.*Worker nodes", _worker),
    Rule(r"not a swarm manager", _no_swarm),
    Rule(r"already part of a swarm", _in_a_swarm),
    Rule(r"could not choose an IP address to advertise|advertise address must be",
         "Name the address other machines reach it at: swarm init --advertise-addr ADDR "
         "(a lab machine's is the ADDRESS column of dnlab.machines.ls())."),
    Rule(r"not part of a swarm", "There is nothing to leave: `info` shows Swarm: inactive."),
    Rule(r"join token|does not match fingerprint",
         "Use the manager's current token: token = %dnet --on MANAGER swarm join-token -q worker, "
         "then swarm join --token {token.text} ADDR:2377."),
    Rule(r"Timeout was reached before node joined",
         f"The manager did not answer at that address: {SWARM_MANAGER_AT}, and `swarm leave --force` this "
         "machine before you try again (it keeps trying in the background)."),
    Rule(r"rpc error.*(connection refused|no route to host|Unavailable|deadline exceeded)",
         f"Nothing answers as a swarm manager at that address: {SWARM_MANAGER_AT}."),
    Rule(r"Only networks scoped to the swarm can be used",
         "Services join overlay networks: `network create -d overlay NAME` on the manager "
         "(add --attachable so that `run` containers may join it too)."),
    Rule(r"service .* not found|No such service", "`service ls` lists the services that exist."),
    Rule(r"name conflicts with an existing object.*service|service.*name conflicts with an existing object",
         "Pick another --name, or `service rm` the lab's old service first."),
    # networks, ports and names
    Rule(r"overlaps with", _overlap),
    Rule(r"ailed.*?:(?P<port>\d+).*(port is already allocated|address already in use)", _busy_port),
    Rule(r"port is already allocated|address already in use", _busy_port),
    Rule(r'name "/?(?P<name>[^"]+)" is already in use', _name_in_use),
    Rule(r"network.*already exists|already exists.*network", "Pick another name, or `network rm` the lab's old network first."),
    Rule(r"No such container", "`ps -a` lists the containers that exist."),
    Rule(r"network-scoped alias", "Aliases work on user-defined networks: create one with `network create` and use --network."),
    Rule(r"network.*not found|not found.*network", "`network ls` lists the networks that exist."),
    Rule(r"No such image|pull access denied", "`images` lists the images here; `pull IMAGE` where a registry answers."),
    Rule(r"node .* not found", "`node ls` lists the swarm's nodes (by ID or host name); `self` is this one."),
)


def explain(exc: APIError, client: docker.DockerClient | None = None, machine: str | None = None) -> EngineError:
    """An `EngineError` carrying the engine's own explanation and, for the usual mistakes, the fix."""
    text = str(exc.explanation or exc)
    context = Context(client, machine)
    fix = next((answer for rule in RULES if (answer := rule.answer(text, context)) is not None), "")
    return EngineError(text, fix)


def engine_lost(exc: Exception, machine: str | None = None) -> EngineUnavailable:
    """The one-line error for an engine that stopped answering in the middle of a command (the next
    command reconnects); on a lab machine, how to bring it back."""
    forget()
    reason = short_reason(exc)
    if machine:
        return EngineUnavailable(f"{machine}'s engine stopped answering ({reason}).",
                                 "`%dnet machines up` restarts stopped lab machines.")
    return unavailable(reason)


def learner_error(exc: BaseException, client: docker.DockerClient | None = None,
                  machine: str | None = None) -> DnlabError | None:
    """What a learner is told about ``exc``: dnlab's own error as it is, the engine's refusal
    explained, a lost engine said so; None for anything else (a bug, which keeps its traceback)."""
    if isinstance(exc, DnlabError):
        return exc
    if isinstance(exc, APIError):
        try:
            return explain(exc, client, machine)
        except (DockerException, RequestException):  # the engine went away while the fix was looked up
            return EngineError(str(exc.explanation or exc))
    if isinstance(exc, ENGINE_ERRORS):
        return engine_lost(exc, machine)
    return None
