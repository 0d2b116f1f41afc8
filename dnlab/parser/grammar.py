"""The one table of what ``%%dnet`` understands: commands, their CLI forms, and flag -> keyword.

Each option's ``dest`` is the keyword argument the command's function receives,
named as docker-py names it wherever docker-py has that argument. The parser,
``--help`` and the tests all read this table; nothing else lists flags.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from dnlab.parser import values


@dataclass(frozen=True)
class Opt:
    """A flag: its CLI spellings, the keyword it becomes, and how its value is read."""

    flags: tuple[str, ...]
    dest: str
    help: str
    kind: str = "value"  # "switch": no value; "value": one; "many": may repeat
    type: Callable[[str], Any] | None = None
    completes: tuple[str, ...] = ()  # what the value names, for tab completion (see `Arg`)
    choices: tuple[str, ...] = ()  # the only values it takes (also offered by tab completion)
    required: bool = False  # the CLI refuses the command without it (`swarm join --token`)
    metavar: str = ""  # the value's name in help (default: the flag, upper-cased)


@dataclass(frozen=True)
class Arg:
    """A positional argument; ``nargs`` as argparse has it."""

    dest: str
    help: str
    nargs: str | None = None
    # For tab completion: the engine objects this may name, "container", "network" or "image";
    # "container:" names a container written as container:NAME.
    completes: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()  # the only values it takes (also offered by tab completion)
    type: Callable[[str], Any] | None = None


@dataclass(frozen=True)
class Command:
    """One docker CLI command: ``key`` names its function (``noun.verb`` in ``dnlab.commands``)."""

    key: str
    forms: tuple[str, ...]
    help: str
    options: tuple[Opt, ...] = ()
    args: tuple[Arg, ...] = ()
    whole_lab: bool = False
    """One of ``%dnet``'s own verbs (``lab``, ``machines``, ``topology``, ``panel``): it works on the
    lab as a whole, so it takes no ``--on``."""

    @property
    def usage_name(self) -> str:
        return self.forms[0]


def switch(flags: tuple[str, ...], dest: str, help: str) -> Opt:
    return Opt(flags, dest, help, kind="switch")


def one_of(flags: tuple[str, ...], dest: str, help: str, choices: tuple[str, ...]) -> Opt:
    return Opt(flags, dest, f"{help}: {' or '.join(choices)}", choices=choices)


FORCE = switch(("-f", "--force"), "force", "do not ask (dnlab never asks); for rm: remove running containers too")
CONTAINER, NETWORK, PLUGIN = ("container",), ("network",), ("plugin",)
DRIVER_OPTS = Opt(("-o", "--opt"), "options", "driver option KEY=VALUE", kind="many", type=values.key_value)

COMMANDS: tuple[Command, ...] = (
    Command("network.ls", ("network ls", "network list"), "Like `docker network ls`: list networks."),
    Command("network.create", ("network create",), "Like `docker network create`: create a network.", (
        Opt(("-d", "--driver"), "driver", "network driver (bridge, macvlan, overlay, a plugin's name, ...)"),
        Opt(("--subnet",), "subnet", "subnet in CIDR form", kind="many", type=values.subnet),
        Opt(("--gateway",), "gateway", "gateway of the subnet", kind="many", type=values.ip_address),
        Opt(("--ip-range",), "ip_range", "allocate container IPs from this range", kind="many",
            type=values.subnet),
        DRIVER_OPTS,
        switch(("--internal",), "internal", "no access to networks outside this one"),
        switch(("--attachable",), "attachable", "let standalone containers join (overlay)"),
    ), (Arg("name", "network name"),)),
    Command("network.inspect", ("network inspect",), "Like `docker network inspect`: one table per network.",
            args=(Arg("names", "network names or IDs", "+", completes=NETWORK),)),
    Command("network.rm", ("network rm", "network remove"), "Like `docker network rm`.",
            args=(Arg("names", "network names or IDs", "+", completes=NETWORK),)),
    Command("network.connect", ("network connect",), "Like `docker network connect`.", (
        Opt(("--alias",), "aliases", "DNS alias on this network", kind="many"),
        Opt(("--ip",), "ipv4_address", "IPv4 address on this network", type=values.ip_address),
    ), (Arg("network", "network name", completes=NETWORK),
        Arg("container", "container name", completes=CONTAINER))),
    Command("network.disconnect", ("network disconnect",), "Like `docker network disconnect`.",
            (FORCE,), (Arg("network", "network name", completes=NETWORK),
                       Arg("container", "container name", completes=CONTAINER))),
    Command("network.prune", ("network prune",),
            "Like `docker network prune`, but only the lab's networks that no container uses.", (FORCE,)),
    Command("container.run", ("run", "container run"), "Like `docker run`: create and start a container.", (
        switch(("-d", "--detach"), "detach", "run in the background and print its ID"),
        switch(("-i", "--interactive"), "stdin_open", "keep STDIN open"),
        switch(("-t", "--tty"), "tty", "allocate a terminal"),
        Opt(("--name",), "name", "container name"),
        Opt(("--network",), "network", "network to join (bridge, host, none, NAME, container:NAME)",
            completes=("network", "container:")),
        Opt(("--network-alias",), "aliases", "DNS alias on that network", kind="many"),
        Opt(("--ip",), "ipv4_address", "IPv4 address on that network", type=values.ip_address),
        Opt(("--link",), "links", "legacy link NAME[:ALIAS] (an /etc/hosts entry)", kind="many",
            type=values.link, completes=CONTAINER),
        Opt(("-p", "--publish"), "ports", "publish HOST:CONTAINER port", kind="many", type=values.port_mapping),
        Opt(("-e", "--env"), "environment", "environment variable KEY=VALUE", kind="many"),
        Opt(("--dns",), "dns", "DNS server (dnlab's default: none beyond the lab; see README)", kind="many",
            type=values.ip_address),
        switch(("--rm",), "auto_remove", "remove the container when it exits"),
        Opt(("-h", "--hostname"), "hostname", "host name inside the container"),
    ), (Arg("image", "image reference", completes=("image",)),
        Arg("command", "command and arguments", "...")),),
    Command("container.exec", ("exec", "container exec"),
            "Like `docker exec`: run a command in a running container and show its output.", (
        switch(("-i", "--interactive"), "interactive", "accepted; a notebook has no terminal"),
        switch(("-t", "--tty"), "tty", "accepted; a notebook has no terminal"),
        Opt(("-e", "--env"), "environment", "environment variable KEY=VALUE", kind="many"),
        Opt(("-w", "--workdir"), "workdir", "working directory"),
    ), (Arg("container", "container name", completes=CONTAINER), Arg("cmd", "command and arguments", "..."))),
    Command("container.ls", ("ps", "container ls", "container list", "container ps"),
            "Like `docker ps`: list containers.",
            (switch(("-a", "--all"), "all", "show stopped containers too"),)),
    Command("container.inspect", ("inspect", "container inspect"),
            "Like `docker inspect`: a table of each container's (or network's) networks.",
            args=(Arg("names", "container (or network) names or IDs", "+",
                      completes=("container", "network")),)),
    Command("container.logs", ("logs", "container logs"), "Like `docker logs`.",
            (Opt(("-n", "--tail"), "tail", "only the last N lines", type=values.positive_int),),
            (Arg("container", "container name", completes=CONTAINER),)),
    Command("container.start", ("start", "container start"), "Like `docker start`.",
            args=(Arg("names", "container names", "+", completes=CONTAINER),)),
    Command("container.stop", ("stop", "container stop"), "Like `docker stop`.",
            (Opt(("-t", "--time"), "timeout", "seconds to wait before killing it", type=values.positive_int),),
            (Arg("names", "container names", "+", completes=CONTAINER),)),
    Command("container.rm", ("rm", "container rm", "container remove"), "Like `docker rm`.",
            (FORCE,), (Arg("names", "container names", "+", completes=CONTAINER),)),
    Command("image.pull", ("pull", "image pull"),
            "Like `docker pull`; offline, a course image is built locally instead.",
            args=(Arg("reference", "image reference"),)),
    Command("image.ls", ("images", "image ls", "image list"), "Like `docker images`: list images."),
    Command("system.prune", ("system prune",),  # scoped by the lab label (dnlab.lab.prune_by_label)
            "Like `docker system prune`, filtered by the lab's label: only what dnlab created is removed.", (
        FORCE,
        switch(("-a", "--all"), "all", "also remove images dnlab built or pulled that nothing uses"),
    )),
    Command("system.info", ("info", "system info"),
            "Like `docker info`: the engine's swarm state (`.df`), and all of it (`.attrs`)."),
    # Swarm mode. Membership (init, join, leave) only ever changes on a lab machine: %%dnet --on machine1
    Command("swarm.init", ("swarm init",), "Like `docker swarm init`: make a lab machine a swarm manager.", (
        Opt(("--advertise-addr",), "advertise_addr", "the address other nodes reach this manager at"),
    )),
    Command("swarm.join", ("swarm join",), "Like `docker swarm join`: a lab machine joins a swarm.", (
        Opt(("--token",), "join_token", "the token `swarm join-token worker` printed on the manager",
            required=True),
    ), (Arg("remote_addr", "the manager's address, ADDR or ADDR:2377"),)),
    Command("swarm.leave", ("swarm leave",), "Like `docker swarm leave`: a lab machine leaves its swarm.", (
        switch(("-f", "--force"), "force", "leave even as a manager (the last manager's swarm is lost)"),
    )),
    Command("swarm.join_token", ("swarm join-token",),
            "Like `docker swarm join-token`: the command (-q: the token) that joins a node to this swarm.", (
        switch(("-q", "--quiet"), "quiet", "only the token"),
    ), (Arg("role", "the role the joining node gets", choices=("worker", "manager")),)),
    Command("node.ls", ("node ls", "node list"), "Like `docker node ls`: the swarm's nodes (* marks this one)."),
    Command("service.create", ("service create",),
            "Like `docker service create`: a replicated service; waits until its tasks run (not with -d).", (
        switch(("-d", "--detach"), "detach", "do not wait for the service to converge; print its ID"),
        switch(("-t", "--tty"), "tty", "allocate a terminal (keeps a shell such as alpine's running)"),
        Opt(("--name",), "name", "service name"),
        Opt(("--replicas",), "replicas", "number of tasks (default 1)", type=values.positive_int),
        Opt(("--network",), "networks", "network to attach (an overlay network)", kind="many"),
        one_of(("--endpoint-mode",), "endpoint_mode", "how the service's name resolves", ("vip", "dnsrr")),
        Opt(("--constraint",), "constraints", "placement constraint, like node.role==worker", kind="many"),
        Opt(("-e", "--env"), "env", "environment variable KEY=VALUE", kind="many"),
    ), (Arg("image", "image reference"), Arg("args", "command and arguments", "..."))),
    Command("service.ls", ("service ls", "service list"), "Like `docker service ls`."),
    Command("service.ps", ("service ps",), "Like `docker service ps`: the service's tasks, where and how they run.",
            args=(Arg("service", "service name or ID"),)),
    Command("service.inspect", ("service inspect",),
            "Like `docker service inspect`: endpoint mode, networks and virtual IPs (`.attrs`: all of it).",
            args=(Arg("names", "service names or IDs", "+"),)),
    Command("service.logs", ("service logs",), "Like `docker service logs`: every task's output.",
            (Opt(("-n", "--tail"), "tail", "only the last N lines of each task", type=values.positive_int),),
            (Arg("service", "service name or ID"),)),
    Command("service.rm", ("service rm", "service remove"), "Like `docker service rm`: only the lab's services.",
            args=(Arg("names", "service names or IDs", "+"),)),
    # Plugins carry no labels: dnlab installs and changes them only on lab machines (--on machine1)
    Command("plugin.ls", ("plugin ls", "plugin list"), "Like `docker plugin ls`: the engine's plugins."),
    Command("plugin.inspect", ("plugin inspect",),
            "Like `docker plugin inspect`: what a plugin implements and may do (`.attrs`: all of it).",
            args=(Arg("names", "plugin names", "+", completes=PLUGIN),)),
    Command("plugin.install", ("plugin install",),
            "Like `docker plugin install`: pull and enable a plugin; offline, dnlab's own is made here.", (
        switch(("--grant-all-permissions",), "grant_all_permissions",
               "grant what the plugin asks for (the CLI would ask [y/N])"),
        Opt(("--alias",), "alias", "local name for the plugin"),
        switch(("--disable",), "disable", "do not enable it after installing"),
    ), (Arg("reference", "plugin reference, like weaveworks/net-plugin:latest_release"),)),
    Command("plugin.create", ("plugin create",),
            "Like `docker plugin create`: a plugin from a directory with config.json and rootfs/.",
            args=(Arg("name", "plugin name"), Arg("directory", "the plugin's directory"))),
    Command("plugin.enable", ("plugin enable",), "Like `docker plugin enable`: start a plugin.",
            args=(Arg("name", "plugin name", completes=PLUGIN),)),
    Command("plugin.disable", ("plugin disable",), "Like `docker plugin disable`: stop a plugin.",
            (switch(("-f", "--force"), "force", "even while networks use it"),),
            (Arg("name", "plugin name", completes=PLUGIN),)),
    Command("plugin.rm", ("plugin rm", "plugin remove"), "Like `docker plugin rm`: remove disabled plugins.",
            (switch(("-f", "--force"), "force", "remove enabled plugins too"),),
            (Arg("names", "plugin names", "+", completes=PLUGIN),)),
    # %dnet's own verbs: the lab as a whole
    Command("course.lab", ("lab",), "Start a lab: remove what an earlier run of it left, prepare the images.",
            args=(Arg("name", "the lab's name, like exercise-6.01"),), whole_lab=True),
    Command("course.topology", ("topology",), "A picture of the lab: networks, containers, lab machines.",
            whole_lab=True),
    Command("course.panel", ("panel",), "A live panel of the lab, with a clean-up button that asks first.",
            whole_lab=True),
    Command("machines.up", ("machines up",), "Start (or repair) lab machines: Docker hosts for the swarm exercises.",
            args=(Arg("count", "how many machines (default 2)", "?", type=values.count),), whole_lab=True),
    Command("machines.ls", ("machines ls", "machines list"), "List the lab machines.",
            whole_lab=True),
    Command("machines.down", ("machines down",), "Remove every lab machine, its storage and the underlay.",
            whole_lab=True),
)

MAGIC_OPTIONS: tuple[Opt, ...] = (
    Opt(("--on",), "on", "run the commands on a lab machine: %%dnet --on machine1", completes=("machine",),
        metavar="MACHINE"),
    Opt(("--needs",), "needs", "skip the cell unless the engine has FEATURE (macvlan or ipvs)",
        choices=("macvlan", "ipvs"), metavar="FEATURE"),
)
"""What ``%%dnet`` (or the start of a ``%dnet`` line) takes before the commands."""

FORMS: dict[tuple[str, ...], Command] = {
    tuple(form.split()): command for command in COMMANDS for form in command.forms
}
