"""What `%%dnet` accepts means what it means to docker; what it cannot mean that way is refused in one
line that names the word. Each accepted form is checked down to the keyword arguments it gives."""
from __future__ import annotations

import pytest

from dnlab.errors import ParseError
from dnlab.parser import opens_terminal, parse_cell
from dnlab.parser.values import Attachment, attachments, pools


def kwargs(line: str) -> dict:
    [invocation] = parse_cell(line)
    return invocation.kwargs


def refusal(line: str) -> str:
    with pytest.raises(ParseError) as err:
        parse_cell(line)
    message = str(err.value)
    assert message.startswith("line 1: ") and "\n" not in message
    return message


def test_network_given_twice_joins_both_and_the_legacy_flags_go_to_the_first():
    kw = kwargs("run -d --name c --network n1 --net=n2 --ip 10.0.0.5 --network-alias web alpine")
    assert kw["networks"] == [Attachment("n1"), Attachment("n2")]
    first, second = attachments(kw["networks"], kw["aliases"], kw["ipv4_address"], None, None)
    assert (first.name, first.ipv4_address, first.aliases) == ("n1", "10.0.0.5", ("web",))
    assert (second.name, second.ipv4_address, second.aliases) == ("n2", None, ())


def test_the_long_network_form_is_read_as_docker_reads_it():
    # as the docs print it: the escaped quotes reach docker, which reads the value as CSV
    [net] = kwargs('run --network=name=my-net,alias=web1,ip=192.0.2.42,\\"driver-opt=a.b=1,c=0\\" -d busybox')["networks"]
    assert net == Attachment("my-net", ("web1",), "192.0.2.42", driver_opt={"a.b": "1,c=0"})


@pytest.mark.parametrize("line, says", [
    ("run --network n1 --network n1 -d alpine", "--network n1 is given twice"),
    ("run --network host --network n1 -d alpine", "--network host cannot be joined with other networks"),
    ("run --network name=n1,ip=10.0.0.5 --ip 10.0.0.6 -d alpine", "--ip and the long form's own setting"),
    ("run --network name=n1,colour=red -d alpine", "'colour=red'"),
    ("run --ip 10.0.0.5 -d alpine", "only on a user-defined network"),
    ("run -v /etc:/x -d alpine", "mounts a path of the engine's host"),
])
def test_networks_docker_would_refuse_are_refused_first(line, says):
    assert says in refusal(line)


@pytest.mark.parametrize("line, template", [
    ("inspect --format '{{range .NetworkSettings.Networks}} {{.IPAddress}}{{end}}' c",
     "{{range .NetworkSettings.Networks}} {{.IPAddress}}{{end}}"),
    ("inspect --format='{{.Name}} {{.Id}}' c", "{{.Name}} {{.Id}}"),
    ('inspect -f "{{json .Config}} done" c', "{{json .Config}} done"),
    ("ps --format 'table {{.Names}}\\t{{.Status}}'", "table {{.Names}}\\t{{.Status}}"),
])
def test_a_quoted_value_with_spaces_is_its_flags_value(line, template):
    kw = kwargs(line)
    assert kw["format"] == template
    assert kw.get("names", ["c"]) == ["c"]


@pytest.mark.parametrize("operator", ["&&", "||", "|", ";", ">", "<"])
def test_shell_operators_after_exec_are_refused_with_the_sh_c_hint(operator):
    message = refusal(f"exec web1 ping -c 1 db {operator} echo ok")
    assert f"'{operator}' is shell syntax" in message and "exec NAME sh -c '...'" in message


def test_quoted_operators_are_words_of_the_command():
    assert kwargs("exec web1 sh -c 'ping -c 1 db && echo ok | cat > /tmp/x'")["cmd"] == [
        "sh", "-c", "ping -c 1 db && echo ok | cat > /tmp/x"]


@pytest.mark.parametrize("line, says", [
    ("exec web1 ping db", "never ends by itself"),
    ("run --network n busybox ping test", "never ends by itself"),
    ("logs -f web1", "logs -f follows forever"),
    ("stats", "streams forever"),
    ("exec web1 /bin/sh", "exec -it web1 /bin/sh opens one in the notebook"),
])
def test_what_never_ends_is_refused_with_a_hint(line, says):
    assert says in refusal(line)


def test_a_ping_that_ends_or_is_left_running_is_accepted():
    assert kwargs("exec web1 ping -c 3 db")["cmd"] == ["ping", "-c", "3", "db"]
    assert kwargs("exec -d web1 ping db")["detach"]
    assert kwargs("run -d busybox ping test")["command"] == ["ping", "test"]


def test_exec_it_opens_a_terminal_only_for_a_shell():
    shell, ping = kwargs("exec -it web1 /bin/sh"), kwargs("exec -it web1 ping -c 3 db")
    assert opens_terminal(shell["interactive"], shell["tty"], shell["cmd"])
    assert not opens_terminal(ping["interactive"], ping["tty"], ping["cmd"])
    assert "exec -it opens a terminal and -d" in refusal("exec -itd web1 sh")


def test_gateways_ranges_and_aux_addresses_go_to_the_subnet_that_contains_them():
    kw = kwargs("network create --subnet 10.1.0.0/16 --subnet 2001:DB8::/64 --gateway 2001:db8::1 "
                "--gateway 10.1.0.1 --ip-range 10.1.4.0/24 --aux-address router=10.1.0.2 --ipv6 n")
    v4, v6 = pools(kw["subnet"], kw["gateway"], kw["ip_range"], kw["aux_addresses"])
    assert (v4["subnet"], v4["gateway"], v4["iprange"], v4["aux_addresses"]) == (
        "10.1.0.0/16", "10.1.0.1", "10.1.4.0/24", {"router": "10.1.0.2"})
    assert (v6["subnet"], v6["gateway"], v6["iprange"]) == ("2001:DB8::/64", "2001:db8::1", None)
    assert kw["enable_ipv6"]


def test_a_gateway_outside_every_subnet_is_refused():
    assert "--gateway 10.9.0.1 is in no --subnet given" in refusal(
        "network create --subnet 10.1.0.0/16 --gateway 10.9.0.1 n")
    assert "has host bits set" in refusal("network create --subnet 2001:db8::1/64 n")


def test_network_create_takes_the_flags_of_dockers_docs():
    kw = kwargs("network create -d overlay --attachable --internal --ingress --scope swarm -o encrypted "
                "--label tier=web n")
    assert (kw["driver"], kw["attachable"], kw["internal"], kw["ingress"], kw["scope"]) == (
        "overlay", True, True, True, "swarm")
    assert kw["options"] == [("encrypted", "")] and kw["labels"] == [("tier", "web")]


def test_run_takes_the_flags_of_dockers_docs():
    kw = kwargs("run -d -P --expose 7000-7001/udp --add-host db:10.0.0.9 --add-host h=[2001:db8::33] "
                "--mac-address 92:D0:C6:0A:29:33 --network n --ip6 2001:db8::5 --dns 10.0.0.53 -w /srv "
                "-v data:/data:ro --cap-add NET_ADMIN -p 8080-8081:80-81 -p '[::1]:9090:90' alpine sleep 1")
    assert kw["publish_all_ports"] and kw["expose"] == [("7000/udp", "7001/udp")]
    assert kw["extra_hosts"] == [("db", "10.0.0.9"), ("h", "2001:db8::33")]
    assert (kw["mac_address"], kw["ipv6_address"], kw["working_dir"]) == ("92:d0:c6:0a:29:33", "2001:db8::5", "/srv")
    assert kw["volumes"] == [("data", "/data", "ro")] and kw["cap_add"] == ["NET_ADMIN"]
    assert kw["ports"] == [(("80/tcp", 8080), ("81/tcp", 8081)), (("90/tcp", ("::1", 9090)),)]


def test_listing_flags():
    kw = kwargs("ps -a -q --no-trunc --filter name=web --filter network=n1")
    assert (kw["all"], kw["quiet"], kw["no_trunc"]) == (True, True, True)
    assert kw["filters"] == [("name", "web"), ("network", "n1")]
    assert kwargs("network ls -f driver=bridge --format '{{.Name}}'")["filters"] == [("driver", "bridge")]
    assert kwargs("network prune -f --filter until=24h")["filters"] == [("until", "24h")]
    assert "takes label= and until=" in refusal("network prune --filter driver=bridge")
    assert "is not a duration" in refusal("system prune --filter until=soon")


@pytest.mark.parametrize("pasted", ["$ docker network ls", "# docker network ls", "me@laptop:~/lab$ docker network ls",
                                    "Machine1 ~$ docker network ls", "Machine1 ~docker network ls",
                                    "PS C:\\Users\\me> docker network ls"])
def test_a_pasted_prompt_is_read_as_the_command_after_it(pasted):
    [invocation] = parse_cell(pasted)
    assert invocation.command.key == "network.ls"


def test_a_comment_is_still_a_comment():
    assert parse_cell("# the bridge network\nnetwork ls")[0].line.number == 2


@pytest.mark.parametrize("line, says", [
    ("network connect --nope c1:a net c2", "`docker network connect` has no flag --nope in dnlab"),
    ("ps nostalgic_morse", "'nostalgic_morse' is one argument too many for `docker ps`"),
    ("swarm init --advertise-addr=<IP-ADDRESS-OF-MANAGER>", "'<IP-ADDRESS-OF-MANAGER>' is the docs' placeholder"),
    ("compose up", "not Compose"),
])
def test_a_refusal_names_the_word_it_refuses(line, says):
    assert says in refusal(line)


def test_other_commands_of_the_docs():
    assert kwargs("port web 80/tcp") == {"container": "web", "port": "80/tcp"}
    assert kwargs("attach alpine1") == {"container": "alpine1"}
    assert kwargs("container attach alpine1") == {"container": "alpine1"}
    assert kwargs("network inspect --verbose -f '{{json .Services}}' ov")["verbose"]
    assert kwargs("create --name c2 --network n1 alpine sleep 5")["name"] == "c2"
    assert parse_cell("--version")[0].command.key == parse_cell("version")[0].command.key == "system.version"
    assert kwargs("exec -d -w /tmp -e A=1 web sleep 3") == {
        "container": "web", "cmd": ["sleep", "3"], "interactive": False, "tty": False, "detach": True,
        "environment": ["A=1"], "workdir": "/tmp"}
    assert "start -a takes one container" in refusal("start -a c1 c2")


def test_a_command_that_does_not_end_is_waited_for_only_so_long():
    import time

    from dnlab.commands.container import _bounded
    from dnlab.errors import DnlabError

    assert _bounded(lambda: "done", 1, "exec c true") == "done"
    with pytest.raises(DnlabError, match=r"`exec c sleep 9` has not ended after 0 s, so dnlab stopped waiting"):
        _bounded(lambda: time.sleep(2), 0.2, "exec c sleep 9")
    with pytest.raises(ZeroDivisionError):
        _bounded(lambda: 1 / 0, 1, "exec c false")


def test_listing_templates_print_as_the_cli_does():
    from dnlab.views.formats import render_each

    rows = [{"ID": "0123456789ab", "Names": "web1", "RunningFor": "2 minutes ago"}]
    assert render_each("table {{.ID}}\\t{{.Names}}\\t{{.RunningFor}}", rows).text.splitlines() == [
        "CONTAINER ID   NAMES   CREATED", "0123456789ab   web1    2 minutes ago"]
    assert render_each("{{.Names}}\\t{{.ID}}", rows, listing=True).text == "web1\t0123456789ab"
    assert render_each("{{.Names}}\\t{{.ID}}", rows).text == "web1\\t0123456789ab"  # inspect keeps them


def test_a_line_magic_expands_python_names_but_not_go_templates():
    from types import SimpleNamespace

    from dnlab.magics import expand_variables

    shell = SimpleNamespace(user_ns={"task": "web.1.abc", "net": "n1"})
    assert expand_variables(shell, "exec {task} ping -c 1 $net") == "exec web.1.abc ping -c 1 n1"
    assert expand_variables(shell, "inspect -f '{{range $k, $v := .M}}{{$k}}{{end}}' {task}") == (
        "inspect -f '{{range $k, $v := .M}}{{$k}}{{end}}' web.1.abc")
    assert expand_variables(shell, "exec {nosuch} true") == "exec {nosuch} true"


def test_names_local_to_the_learners_function_are_expanded_too(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    from dnlab.magics import DnetMagics

    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    seen: list[str] = []
    monkeypatch.setattr(DnetMagics, "_line", lambda self, line: seen.append(line))
    shell.run_cell("machine = 'outer'\ndef ls_on(machine):\n    %dnet --on {machine} network ls -f '{{.Name}}'\n"
                   "ls_on('machine2')\n%dnet --on {machine} ps")
    assert seen == ["--on machine2 network ls -f '{{.Name}}'", "--on outer ps"]
