"""The command table, tested once for every command and every flag it lists."""
import inspect

import pytest

from dnlab.commands import ROUTES
from dnlab.parser import COMMANDS, FORMS, parse_cell

SAMPLE_VALUES = {"subnet": "10.9.0.0/24", "gateway": "10.9.0.1", "ip_range": "10.9.0.0/25",
                 "options": "parent=x", "ipv4_address": "10.9.0.5", "links": "a:b", "ports": "8080:80",
                 "environment": "A=1", "tail": "5", "timeout": "3", "dns": "10.9.0.53",
                 "replicas": "2", "endpoint_mode": "dnsrr", "env": "A=1", "constraints": "node.role==worker",
                 "join_token": "SWMTKN-1-x", "networks": "overlaynet", "advertise_addr": "10.210.0.2",
                 "alias": "mesh", "ipv6_address": "fd00::5", "mac_address": "02:42:ac:11:00:05",
                 "expose": "80", "extra_hosts": "db:10.9.0.9", "working_dir": "/tmp", "volumes": "data:/data",
                 "cap_add": "NET_ADMIN", "labels": "tier=web", "filters": "label=tier", "format": "{{.Name}}",
                 "aux_addresses": "router=10.9.0.9", "scope": "local", "driver_opt": "a=b",
                 "publish_add": "8080:80", "publish_rm": "80", "update_delay": "10s", "data_path_port": "7777",
                 "default_addr_pool": "10.20.0.0/16", "subnet_size": "24"}
SAMPLE_ARGS = {"image": "alpine:latest", "command": "", "cmd": "true", "names": "x", "name": "x",
               "network": "n", "container": "c", "reference": "alpine:latest", "args": "sleep 60",
               "remote_addr": "10.210.0.2:2377", "count": "2", "role": "worker", "service": "web", "directory": "plugin-dir", "port": "80",
               "services": "web=2"}


def sample_line(command, extra: str = "") -> str:
    args = " ".join(SAMPLE_ARGS[a.dest] for a in command.args)
    with_gateway = " --subnet 10.9.0.0/24" if extra.startswith(("--gateway", "--ip-range", "--aux-address")) else ""
    if command.key in ("container.run", "container.create") and extra.startswith(("--ip", "--network-alias")):
        with_gateway = " --network net1"  # --ip, --ip6 and --network-alias belong to a user-defined network
    if command.key == "container.start" and extra.startswith(("-i", "--interactive")):
        with_gateway = " -a"  # start -i goes with -a
    required = "".join(f" {o.flags[-1]} {SAMPLE_VALUES[o.dest]}" for o in command.options
                       if o.required and not any(extra.startswith(f) for f in o.flags))
    return f"{command.forms[0]} {extra}{with_gateway}{required} {args}".strip()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.key)
def test_each_command_routes_to_a_function_taking_exactly_its_keywords(command):
    params = list(inspect.signature(ROUTES[command.key]).parameters)
    assert params[0] == "lab"
    assert set(params[1:]) == {o.dest for o in command.options} | {a.dest for a in command.args}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.key)
def test_every_form_of_a_command_parses_to_it(command):
    for form in command.forms:
        [inv] = parse_cell(sample_line(command).replace(command.forms[0], form, 1))
        assert inv.command is command


@pytest.mark.parametrize("command, opt", [(c, o) for c in COMMANDS for o in c.options if o.dest != "follow"],
                         ids=lambda x: getattr(x, "key", None) or x.flags[-1])
def test_every_flag_spelling_becomes_its_keyword(command, opt):
    for flag in opt.flags:
        value = "" if opt.kind == "switch" else SAMPLE_VALUES.get(opt.dest, "v")
        [inv] = parse_cell(sample_line(command, f"{flag} {value}".strip()))
        got = inv.kwargs[opt.dest]
        assert got not in (None, False, []), f"{flag} did not reach {opt.dest}"


def test_forms_are_unique_and_cover_the_management_commands():
    assert len(FORMS) == sum(len(c.forms) for c in COMMANDS)
    for short, long in [("run", "container run"), ("inspect", "container inspect"),
                        ("ps", "container ls"), ("images", "image ls")]:
        assert FORMS[tuple(short.split())] is FORMS[tuple(long.split())]


def test_required_flags_and_choices_are_checked_before_anything_runs():
    from dnlab.errors import ParseError

    with pytest.raises(ParseError, match="`docker swarm join` needs --token TOKEN"):
        parse_cell("swarm join 10.210.0.2")
    with pytest.raises(ParseError, match="invalid choice: 'boss'"):
        parse_cell("swarm join-token boss")
    with pytest.raises(ParseError, match="--endpoint-mode: invalid choice: 'rr'"):
        parse_cell("service create --endpoint-mode rr alpine:latest")


def test_service_create_keeps_the_command_after_the_image():
    [inv] = parse_cell("service create -t --replicas 2 --name web --network net1 --network net2 "
                       "--endpoint-mode dnsrr --constraint node.role==worker -e A=1 alpine:latest sleep 3600 -d")
    kw = inv.kwargs
    assert (kw["tty"], kw["detach"], kw["replicas"], kw["name"]) == (True, False, 2, "web")
    assert kw["networks"] == ["net1", "net2"] and kw["endpoint_mode"] == "dnsrr"
    assert kw["constraints"] == ["node.role==worker"] and kw["env"] == ["A=1"]
    assert (kw["image"], kw["args"]) == ("alpine:latest", ["sleep", "3600", "-d"])


def test_combined_short_flags():
    [inv] = parse_cell("run -itd --name c alpine:latest")
    assert (inv.kwargs["stdin_open"], inv.kwargs["tty"], inv.kwargs["detach"]) == (True, True, True)


def test_words_after_the_image_belong_to_the_containers_command():
    [inv] = parse_cell("run --rm alpine:latest ping -c 1 --name x")
    assert inv.kwargs["command"] == ["ping", "-c", "1", "--name", "x"]
    assert inv.kwargs["name"] is None


def test_help_for_a_command_and_for_all():
    from dnlab.parser import help_text

    [inv] = parse_cell("network create --help")
    assert inv.help
    assert "--subnet" in help_text(inv.command)
    assert all(c.usage_name in help_text() for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.key)
def test_every_commands_function_says_which_command_it_is(command):
    """A docker command's function says which one it is like; the magic's own verbs name themselves."""
    spoken = "`%dnet " if command.whole_lab else "Like `docker "
    assert ROUTES[command.key].__doc__.startswith(spoken + command.forms[0].split()[0])
