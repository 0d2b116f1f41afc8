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
    old_spellings: tuple[str, ...] = ()  # deprecated flags the CLI still takes (`--net`): parsed, never offered


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
FILTER = Opt(("-f", "--filter"), "filters", "only what matches KEY=VALUE (name=, label=, driver= ...)", kind="many",
             type=values.label_filter)
FILTER_LONG = Opt(("--filter",), "filters", "only what matches KEY=VALUE (label=, until=)", kind="many",
                  type=values.label_filter)
QUIET = switch(("-q", "--quiet"), "quiet", "only IDs")
NO_TRUNC = switch(("--no-trunc",), "no_trunc", "full IDs")
FORMAT = Opt(("--format",), "format", "a Go template, like '{{.Name}}' ('table ...' for columns; json, range, index)")
FORMAT_F = Opt(("-f", "--format"), "format", "a Go template, like '{{json .NetworkSettings.Networks}}'")
LABELS = Opt(("-l", "--label"), "labels", "a label KEY=VALUE of your own (dnlab adds its own too)", kind="many",
             type=values.key_value)
CONTAINER_OPTIONS = (  # docker run and docker create
    switch(("-i", "--interactive"), "stdin_open", "keep STDIN open"),
    switch(("-t", "--tty"), "tty", "allocate a terminal"),
    Opt(("--name",), "name", "container name"),
    Opt(("--network",), "networks", "network to join: NAME, bridge, host, none, container:NAME, or "
        "name=NET,alias=A,ip=ADDR; give it again to join more", kind="many", type=values.network_attachment,
        completes=("network", "container:"), old_spellings=("--net",)),
    Opt(("--network-alias",), "aliases", "DNS alias on the first network", kind="many"),
    Opt(("--ip",), "ipv4_address", "IPv4 address on the first network", type=values.ip_address),
    Opt(("--ip6",), "ipv6_address", "IPv6 address on the first network", type=values.ip_address),
    Opt(("--mac-address",), "mac_address", "MAC address on the first network", type=values.mac_address),
    Opt(("--link",), "links", "legacy link NAME[:ALIAS] (an /etc/hosts entry)", kind="many",
        type=values.link, completes=CONTAINER),
    Opt(("-p", "--publish"), "ports", "publish [IP:]HOST:CONTAINER[/PROTO], ranges too", kind="many",
        type=values.port_mapping),
    switch(("-P", "--publish-all"), "publish_all_ports", "publish every exposed port on a random host port"),
    Opt(("--expose",), "expose", "expose a port (or a range) without publishing it", kind="many",
        type=values.exposed),
    Opt(("--add-host",), "extra_hosts", "an /etc/hosts entry HOST:IP", kind="many", type=values.host_entry),
    Opt(("--dns",), "dns", "DNS server (dnlab's default: none beyond the lab; see README)", kind="many",
        type=values.ip_address),
    Opt(("-e", "--env"), "environment", "environment variable KEY=VALUE", kind="many"),
    Opt(("-h", "--hostname"), "hostname", "host name inside the container"),
    Opt(("-w", "--workdir"), "working_dir", "working directory inside the container"),
    Opt(("-v", "--volume"), "volumes", "a named volume NAME:/path[:ro] (dnlab makes it, labelled)", kind="many",
        type=values.named_volume),
    Opt(("--cap-add",), "cap_add", "a Linux capability, like NET_ADMIN", kind="many"),
    LABELS,
    switch(("--rm",), "auto_remove", "remove the container when it exits"),
)
CONTAINER_ARGS = (Arg("image", "image reference", completes=("image",)), Arg("command", "command and arguments", "..."))

COMMANDS: tuple[Command, ...] = (
    Command("network.ls", ("network ls", "network list"), "Like `docker network ls`: list networks.",
            (FILTER, QUIET, NO_TRUNC, FORMAT)),
    Command("network.create", ("network create",), "Like `docker network create`: create a network.", (
        Opt(("-d", "--driver"), "driver", "network driver (bridge, macvlan, overlay, a plugin's name, ...)"),
        Opt(("--subnet",), "subnet", "subnet in CIDR form", kind="many", type=values.subnet),
        Opt(("--gateway",), "gateway", "gateway of the subnet that contains it", kind="many", type=values.ip_address),
        Opt(("--ip-range",), "ip_range", "allocate container IPs from this range (of the subnet that contains it)",
            kind="many", type=values.subnet),
        Opt(("--aux-address",), "aux_addresses", "an address the network must not give out, NAME=IP", kind="many",
            type=values.key_value),
        switch(("--ipv6",), "enable_ipv6", "IPv6 too"),
        DRIVER_OPTS,
        switch(("--internal",), "internal", "no access to networks outside this one"),
        switch(("--attachable",), "attachable", "let standalone containers join (overlay)"),
        switch(("--ingress",), "ingress", "the swarm's routing-mesh network (overlay)"),
        Opt(("--scope",), "scope", "local or swarm", choices=("local", "swarm", "global")),
        LABELS,
    ), (Arg("name", "network name"),)),
    Command("network.inspect", ("network inspect",), "Like `docker network inspect`: one table per network.",
            (switch(("-v", "--verbose"), "verbose", "on a swarm: the services and tasks too"), FORMAT_F),
            (Arg("names", "network names or IDs", "+", completes=NETWORK),)),
    Command("network.rm", ("network rm", "network remove"), "Like `docker network rm`.",
            args=(Arg("names", "network names or IDs", "+", completes=NETWORK),)),
    Command("network.connect", ("network connect",), "Like `docker network connect`.", (
        Opt(("--alias",), "aliases", "DNS alias on this network", kind="many"),
        Opt(("--ip",), "ipv4_address", "IPv4 address on this network", type=values.ip_address),
        Opt(("--ip6",), "ipv6_address", "IPv6 address on this network", type=values.ip_address),
        Opt(("--link",), "links", "legacy link NAME[:ALIAS] on this network", kind="many", type=values.link,
            completes=CONTAINER),
        Opt(("--driver-opt",), "driver_opt", "driver option KEY=VALUE for this endpoint", kind="many",
            type=values.key_value),
    ), (Arg("network", "network name", completes=NETWORK),
        Arg("container", "container name", completes=CONTAINER))),
    Command("network.disconnect", ("network disconnect",), "Like `docker network disconnect`.",
            (FORCE,), (Arg("network", "network name", completes=NETWORK),
                       Arg("container", "container name", completes=CONTAINER))),
    Command("network.prune", ("network prune",),
            "Like `docker network prune`, but only the lab's networks that no container uses.", (FORCE, FILTER_LONG)),
    Command("container.run", ("run", "container run"), "Like `docker run`: create and start a container.",
            (switch(("-d", "--detach"), "detach", "run in the background and print its ID"), *CONTAINER_OPTIONS),
            CONTAINER_ARGS),
    Command("container.create", ("create", "container create"),
            "Like `docker create`: a container made and not started (`start NAME` starts it).",
            CONTAINER_OPTIONS, CONTAINER_ARGS),
    Command("container.exec", ("exec", "container exec"),
            "Like `docker exec`: run a command in a running container; with -it, a terminal in the notebook.", (
        switch(("-i", "--interactive"), "interactive", "with -t: an interactive terminal in the notebook"),
        switch(("-t", "--tty"), "tty", "with -i: an interactive terminal in the notebook"),
        switch(("-d", "--detach"), "detach", "start the command and go on, without its output"),
        Opt(("-e", "--env"), "environment", "environment variable KEY=VALUE", kind="many"),
        Opt(("-w", "--workdir"), "workdir", "working directory"),
    ), (Arg("container", "container name", completes=CONTAINER), Arg("cmd", "command and arguments", "..."))),
    Command("container.ls", ("ps", "container ls", "container list", "container ps"),
            "Like `docker ps`: list containers.",
            (switch(("-a", "--all"), "all", "show stopped containers too"), FILTER, QUIET, NO_TRUNC, FORMAT)),
    Command("container.inspect", ("inspect", "container inspect"),
            "Like `docker inspect`: a table of each container's (or network's) networks.",
            (FORMAT_F,), (Arg("names", "container (or network) names or IDs", "+",
                              completes=("container", "network")),)),
    Command("container.port", ("port", "container port"), "Like `docker port`: the container's published ports.",
            args=(Arg("container", "container name", completes=CONTAINER),
                  Arg("port", "only this port, like 80 or 80/tcp", "?"))),
    Command("container.logs", ("logs", "container logs"), "Like `docker logs`.", (
        Opt(("-n", "--tail"), "tail", "only the last N lines", type=values.positive_int),
        switch(("-t", "--timestamps"), "timestamps", "each line's time"),
        switch(("-f", "--follow"), "follow", "refused: it never ends, and a notebook cell must"),
    ), (Arg("container", "container name", completes=CONTAINER),)),
    Command("container.attach", ("attach", "container attach"),
            "Like `docker attach`: a terminal on the container's main process, in the notebook "
            "(Ctrl-P Ctrl-Q detaches and leaves it running).",
            args=(Arg("container", "container name", completes=CONTAINER),)),
    Command("container.start", ("start", "container start"), "Like `docker start`.", (
        switch(("-a", "--attach"), "attach", "wait for it to end and show its output (with -i: a terminal)"),
        switch(("-i", "--interactive"), "interactive", "with -a: a terminal on it, in the notebook"),
    ), (Arg("names", "container names", "+", completes=CONTAINER),)),
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
        FILTER_LONG,
    )),
    Command("system.info", ("info", "system info"),
            "Like `docker info`: the engine's swarm state (`.df`), and all of it (`.attrs`)."),
    Command("system.version", ("version", "--version", "-v"),
            "Like `docker version`: the engine's version and API, and this client's (docker-py, not the CLI).",
            (Opt(("-f", "--format"), "format", "a Go template, like '{{.Server.Version}}'"),)),
    # Swarm mode. Membership (init, join, leave) only ever changes on a lab machine: %%dnet --on machine1
    Command("swarm.init", ("swarm init",), "Like `docker swarm init`: make a lab machine a swarm manager.", (
        Opt(("--advertise-addr",), "advertise_addr", "the address other nodes reach this manager at"),
        Opt(("--listen-addr",), "listen_addr", "where it listens for other nodes, ADDR[:PORT] (default 0.0.0.0:2377)"),
        Opt(("--data-path-port",), "data_path_port", "the UDP port of overlay (VXLAN) traffic, 1024-49151 "
            "(default 4789)", type=values.data_path_port, metavar="PORT"),
        Opt(("--default-addr-pool",), "default_addr_pool", "a pool the overlay networks' subnets come from, in CIDR "
            "form (default 10.0.0.0/8); give it again for more", kind="many", type=values.subnet, metavar="CIDR"),
        Opt(("--default-addr-pool-mask-length",), "subnet_size", "the prefix length of each overlay network's "
            "subnet from the pools (default 24)", type=values.mask_length, metavar="LENGTH"),
    )),
    Command("swarm.join", ("swarm join",), "Like `docker swarm join`: a lab machine joins a swarm.", (
        Opt(("--token",), "join_token", "the token `swarm join-token worker` printed on the manager",
            required=True),
        Opt(("--advertise-addr",), "advertise_addr", "the address other nodes reach this one at"),
        Opt(("--listen-addr",), "listen_addr", "where it listens for other nodes, ADDR[:PORT] (default 0.0.0.0:2377)"),
    ), (Arg("remote_addr", "the manager's address, ADDR or ADDR:2377"),)),
    Command("swarm.leave", ("swarm leave",), "Like `docker swarm leave`: a lab machine leaves its swarm.", (
        switch(("-f", "--force"), "force", "leave even as a manager (the last manager's swarm is lost)"),
    )),
    Command("swarm.join_token", ("swarm join-token",),
            "Like `docker swarm join-token`: the command (-q: the token) that joins a node to this swarm.", (
        switch(("-q", "--quiet"), "quiet", "only the token"),
    ), (Arg("role", "the role the joining node gets", choices=("worker", "manager")),)),
    Command("node.ls", ("node ls", "node list"), "Like `docker node ls`: the swarm's nodes (* marks this one).", (
        Opt(("-f", "--filter"), "filters", "only the nodes that match KEY=VALUE (role=manager, name=, label=, "
            "membership=)", kind="many", type=values.label_filter),
        QUIET,
        Opt(("--format",), "format", "a Go template, like '{{.Hostname}}' ('table ...' for columns)"),
    )),
    Command("node.inspect", ("node inspect",),
            "Like `docker node inspect`: role, availability, state, address, engine version, labels (`.attrs`: all).",
            (switch(("--pretty",), "pretty", "print it as the CLI's --pretty does"),
             Opt(("-f", "--format"), "format", "pretty (as --pretty), or a Go template, like "
                 "'{{.ManagerStatus.Leader}}'")),
            (Arg("names", "node IDs or host names, or self (this node)", "+"),)),
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
        Opt(("-p", "--publish"), "ports", "publish a port on every node (the routing mesh): PUBLISHED:TARGET[/PROTO], "
            "or published=8080,target=80[,protocol=udp][,mode=host]", kind="many", type=values.service_port),
    ), (Arg("image", "image reference"), Arg("args", "command and arguments", "..."))),
    Command("service.update", ("service update",),
            "Like `docker service update`: change a lab service; waits until its tasks run again (not with -d).", (
        switch(("-d", "--detach"), "detach", "do not wait for the service to converge"),
        Opt(("--image",), "image", "the image its tasks run"),
        Opt(("--replicas",), "replicas", "number of tasks", type=values.positive_int),
        Opt(("--env-add",), "env_add", "add or change an environment variable KEY=VALUE", kind="many"),
        Opt(("--network-add",), "network_add", "attach an (overlay) network: NAME, or name=NAME,alias=A",
            kind="many", type=values.service_network),
        Opt(("--network-rm",), "network_rm", "detach a network", kind="many"),
        Opt(("--publish-add",), "publish_add", "publish a port: PUBLISHED:TARGET[/PROTO] or published=P,target=T,...",
            kind="many", type=values.service_port),
        Opt(("--publish-rm",), "publish_rm", "unpublish a port by its target: TARGET[/PROTO] or target=T,...",
            kind="many", type=values.service_port),
        Opt(("--update-delay",), "update_delay", "the wait between updating one task and the next, like 10s",
            type=values.go_duration, metavar="DURATION"),
    ), (Arg("service", "service name or ID"),)),
    Command("service.scale", ("service scale",),
            "Like `docker service scale`: set the number of tasks of lab services; waits until they run (not with -d).",
            (switch(("-d", "--detach"), "detach", "do not wait for the services to converge"),),
            (Arg("services", "SERVICE=REPLICAS, like web=3", "+", type=values.scale_spec),)),
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

STREAMS_FOREVER = ("streams forever, and a notebook cell must end: run the command you are watching, then "
                   "`ps -a`, `network inspect NET` or `exec NAME top -bn1` shows the result once")
REFUSED: dict[tuple[str, ...], str] = {
    ("stats",): f"`docker stats` {STREAMS_FOREVER}",
    ("container", "stats"): f"`docker stats` {STREAMS_FOREVER}",
    ("events",): f"`docker events` {STREAMS_FOREVER}",
    ("system", "events"): f"`docker events` {STREAMS_FOREVER}",
    ("compose",): "dnlab runs the docker CLI's own commands, not Compose: write each `docker run` and "
                  "`docker network create` the compose file stands for, one per line",
    ("build",): "the course builds its images itself (`dnlab images`); %%dnet has no `docker build`",
    ("login",): "the course needs no registry account (its images build offline); %%dnet has no `docker login`",
}
"""Commands a learner meets in Docker's docs that ``%%dnet`` does not run, each with what to do instead."""
