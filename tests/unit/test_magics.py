"""The magic parses a whole cell before it runs any line."""
import pytest
from IPython.core.error import UsageError

from dnlab import magics
from dnlab.errors import MagicMisuse
from dnlab.parser import magic_options


@pytest.fixture
def dnet(monkeypatch):
    calls = []
    monkeypatch.setattr(magics, "execute", lambda lab, inv: calls.append(inv.line.text))
    return magics.DnetMagics(shell=None), calls


def test_a_cell_with_a_bad_line_runs_nothing(dnet):
    magic, calls = dnet
    with pytest.raises(UsageError, match="line 3"):
        magic.dnet("", "network create n1\nrun -d --name a alpine:latest\nrun --bogus alpine:latest")
    assert calls == []


def test_a_good_cell_runs_every_line_in_order(dnet):
    magic, calls = dnet
    magic.dnet("", "docker network create n1\n\n# a comment\nrun -d --name a alpine:latest")
    assert calls == ["docker network create n1", "run -d --name a alpine:latest"]


def test_help_needs_no_engine(dnet):
    magic, calls = dnet
    assert "network create" in repr(magic.dnet("--help"))
    assert "--subnet" in repr(magic.dnet("network create --help"))
    assert calls == []


def test_cell_magic_takes_only_on_and_needs(dnet):
    magic, _ = dnet
    with pytest.raises(UsageError, match="takes only --on MACHINE and --needs FEATURE, not '--verbose'"):
        magic.dnet("--verbose", "ps")
    with pytest.raises(UsageError, match="not 'ps'"):
        magic.dnet("--on machine1 ps", "ps")


@pytest.mark.parametrize("text, on, needs, rest", [
    ("", None, None, ""),
    ("--on machine1", "machine1", None, ""),
    ("--on=machine2 --needs macvlan", "machine2", "macvlan", ""),
    ("  --needs macvlan   --on machine1 ", "machine1", "macvlan", ""),
    ("--on machine1 swarm join --token T 10.0.0.2:2377", "machine1", None, "swarm join --token T 10.0.0.2:2377"),
    ("--online", None, None, "--online"),
])
def test_magic_options_in_either_order(text, on, needs, rest):
    options, left = magic_options(text, cell=True)
    assert (options.on, options.needs, left) == (on, needs, rest)


@pytest.mark.parametrize("text, message", [
    ("--on", "--on needs a value"),
    ("--on --needs macvlan", "--on needs a value"),
    ("--on a --on b", "--on is given twice"),
    ("--needs teleport", "--needs teleport: dnlab knows no such feature. Known: macvlan, ipvs."),
])
def test_bad_magic_options_are_one_line_errors(text, message, dnet):
    magic, calls = dnet
    with pytest.raises(MagicMisuse, match=message):
        magic_options(text, cell=True)
    with pytest.raises(UsageError, match=message):  # as the learner sees it: a plain UsageError
        magic.dnet(text, "ps")
    assert calls == []


def test_line_magic_on_a_machine_runs_the_command_there(dnet, monkeypatch):
    import dnlab
    from dnlab.lab import Lab

    ran = []
    magic, _ = dnet
    monkeypatch.setattr(magics, "on_machine", lambda machine: Lab("t").on(machine))
    monkeypatch.setattr(magics, "execute", lambda lab, inv: ran.append((lab.machine, inv.kwargs)))
    magic.dnet("--on machine2 swarm join --token SWMTKN-1-abc 10.210.0.2")
    assert ran == [("machine2", {"join_token": "SWMTKN-1-abc", "advertise_addr": None, "listen_addr": None,
                                 "remote_addr": "10.210.0.2"})]
    magic.dnet("--on machine1 exec c sh -c 'echo a  b'")
    assert ran[-1][1]["cmd"] == ["sh", "-c", "echo a  b"]
    assert dnlab.current().machine is None  # --on never changes the current lab
    with pytest.raises(UsageError, match="--needs FEATURE belongs on a %%dnet cell"):
        magic.dnet("--needs macvlan ps")
    with pytest.raises(UsageError, match="leave --on out"):
        magic.dnet("--on machine1 topology")


def test_cell_on_a_machine_names_it_in_each_header(dnet, monkeypatch):
    from dnlab.lab import Lab

    shown, ran = [], []
    magic, _ = dnet
    monkeypatch.setattr(magics, "on_machine", lambda machine: Lab("t").on(machine))
    monkeypatch.setattr(magics, "execute", lambda lab, inv: ran.append(lab.machine))
    monkeypatch.setattr(magics, "display", shown.append)
    magic.dnet("--on machine1", "swarm init\nnode ls")
    assert [repr(h) for h in shown] == ["machine1 $ docker swarm init", "machine1 $ docker node ls"]
    assert ran == ["machine1", "machine1"]


def test_an_unknown_lab_machine_is_a_one_line_error(monkeypatch, tmp_path):
    monkeypatch.setenv("DNLAB_MACHINES_DIR", str(tmp_path))
    monkeypatch.delenv("DNLAB_MACHINES", raising=False)
    magic = magics.DnetMagics(shell=None)
    with pytest.raises(UsageError, match="^there is no lab machine machine1. Start the machines: %dnet machines up 2$"):
        magic.dnet("--on machine1 node ls")


def test_help_mentions_on():
    text = repr(magics.DnetMagics(shell=None).dnet("--help"))
    assert "--on machine1" in text and "swarm init" in text and "service create" in text


def test_config_switches_full_tracebacks_on(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    from dnlab.engine import client
    from dnlab.errors import EngineUnavailable

    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    client.forget()
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    shell.run_line_magic("config", "DnetMagics.short_errors = False")
    try:
        with pytest.raises(EngineUnavailable):
            shell.run_line_magic("dnet", "ps")
    finally:
        shell.run_line_magic("config", "DnetMagics.short_errors = True")
        client.forget()


def test_a_refusal_is_the_engines_words_and_a_lost_engine_says_so(monkeypatch):
    from docker.errors import NotFound
    from requests.exceptions import ConnectionError as Refused

    from dnlab.lab import Lab

    magic = magics.DnetMagics(shell=None)
    monkeypatch.setattr(magics, "on_machine", lambda machine: Lab("t").on(machine))

    def refused(lab, invocation):
        raise NotFound("404 Client Error", explanation="network weavenet1 not found")

    monkeypatch.setattr(magics, "execute", refused)
    with pytest.raises(UsageError, match=r"^line 1 \(`network ls`\): network weavenet1 not found `network ls` lists"):
        magic.dnet("network ls")

    def lost(lab, invocation):
        raise Refused("('Connection aborted.', FileNotFoundError(2, 'No such file or directory'))")

    monkeypatch.setattr(magics, "execute", lost)
    with pytest.raises(UsageError, match=r"^machine1: line 1 \(`ps`\): machine1's engine stopped answering .*machines up"):
        magic.dnet("--on machine1 ps")
