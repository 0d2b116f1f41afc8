"""Tab completion in %%dnet cells without an engine: command words and flags from the command table."""
import pytest
from IPython.core.completer import CompletionContext, provisionalcompleter
from IPython.core.interactiveshell import InteractiveShell

from dnlab.completion import MATCHER_ID, dnet_matcher
from dnlab.engine import client


def completions(text: str, offset: int | None = None, origin: str | None = MATCHER_ID) -> list[str]:
    """What the shell offers at ``offset`` (the end by default): dnlab's completions, or all with origin=None."""
    with provisionalcompleter():
        found = InteractiveShell.instance().Completer.completions(text, len(text) if offset is None else offset)
        return [c.text for c in found if origin is None or c._origin == origin]


@pytest.fixture
def complete(tmp_path, monkeypatch):
    """A real shell with dnlab loaded and no engine."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    client.forget()
    InteractiveShell.instance().extension_manager.load_extension("dnlab")
    yield completions
    client.forget()


def test_first_words_are_the_commands(complete):
    found = complete("%%dnet\n")
    assert {"run", "network", "ps", "inspect", "exec", "container", "image"} <= set(found)
    assert found == sorted(set(found))
    assert complete("%%dnet\nr") == ["rm", "run"]
    assert complete("%%dnet\ndocker ne") == ["network"]


def test_second_words_follow_a_noun(complete):
    assert set(complete("%%dnet\nnetwork ")) == {"ls", "list", "create", "inspect", "rm", "remove",
                                                  "connect", "disconnect", "prune"}
    assert complete("%%dnet\ndocker network c") == ["connect", "create"]
    assert "ls" in complete("%%dnet\ncontainer ")
    assert complete("%%dnet\nnetwork bogus ") == []


def test_flags_come_from_the_command_table(complete):
    assert complete("%%dnet\nrun -d --ne") == ["--network", "--network-alias"]
    assert complete("%%dnet\nps --") == ["--all", "--filter", "--format", "--help", "--no-trunc", "--quiet"]
    assert "--subnet" in complete("%%dnet\nnetwork create --")
    assert "--subnet" not in complete("%%dnet\nnetwork connect --")
    assert complete("%%dnet\nexec -") == ["--detach", "--env", "--help", "--interactive", "--tty", "--workdir",
                                          "-d", "-e", "-i", "-t", "-w"]


def test_words_after_the_image_belong_to_the_container_not_to_run(complete):
    assert complete("%%dnet\nrun -d alpine:latest ping --") == []
    assert complete("%%dnet\nexec box ls -") == []


def test_without_an_engine_names_are_simply_not_offered(complete):
    assert complete("%%dnet\nrun -d --network ") == []
    assert complete("%%dnet\nnetwork inspect ") == []


def test_the_line_under_the_cursor_is_completed(complete):
    cell = "%%dnet\nnetwork create n1\nrun -d --ne\nps -a"
    assert complete(cell, cell.index("--ne") + 4) == ["--network", "--network-alias"]
    assert complete(cell, cell.index("ps") + 1) == ["panel", "plugin", "port", "ps", "pull"]
    continued = "%%dnet\nrun -d \\\n  --na"
    assert complete(continued) == ["--name"]


def test_the_line_magic_completes_too(complete):
    assert complete("%dnet netw") == ["network"]
    assert complete("x = 1\n%dnet network ins") == ["inspect"]


def test_comments_are_left_alone_and_the_magic_line_offers_its_options(complete):
    assert complete("%%dnet\n# run -") == []
    assert complete("%%dnet\nrun -d # --ne") == []
    assert "%%dnet" in complete("%%dn", origin=None)  # IPython still completes the magic's name
    assert complete("%%dnet --ne") == ["--needs"]  # the magic line completes its own options


@pytest.mark.parametrize("text", ["x = 1\nnetw", "%%bash\nnetwork ", "%%dnetx\nrun -", "print('%%dnet')\nr"])
def test_nothing_is_offered_outside_dnet(complete, text):
    lines = text.split("\n")
    context = CompletionContext(token="", full_text=text, cursor_position=len(lines[-1]),
                                cursor_line=len(lines) - 1, limit=None)
    result = dnet_matcher(context)
    assert list(result["completions"]) == [] and not result.get("suppress")
    assert complete(text) == []


def test_loading_twice_registers_one_matcher(complete):
    shell = InteractiveShell.instance()
    shell.extension_manager.reload_extension("dnlab")
    ids = [getattr(m, "matcher_identifier", None) for m in shell.Completer.custom_matchers]
    assert ids.count(MATCHER_ID) == 1


def test_swarm_commands_and_their_choices(complete):
    assert set(complete("%%dnet\nservice ")) == {"create", "inspect", "logs", "ls", "list", "ps", "rm", "remove",
                                                 "scale", "update"}
    assert complete("%%dnet\nswarm join-token ") == ["manager", "worker"]
    assert complete("%%dnet\nservice create --endpoint-mode ") == ["dnsrr", "vip"]
    assert complete("%%dnet\nservice create --endpoint-mode d") == ["dnsrr"]


def test_a_line_magic_on_a_machine_completes_its_command(complete):
    assert complete("%dnet --on machine1 swarm j") == ["join", "join-token"]
    assert complete("%%dnet --on machine1\nswarm l") == ["leave"]


def test_the_magics_own_options_complete_from_the_table(complete, tmp_path, monkeypatch):
    """``--on`` offers the lab machines there are (no engine asked), in both spellings; ``--needs`` its features."""
    for machine in ("machine1", "machine2"):
        (tmp_path / machine).mkdir()
        (tmp_path / machine / "docker.sock").touch()
    monkeypatch.setenv("DNLAB_MACHINES_DIR", str(tmp_path))
    monkeypatch.setenv("DNLAB_MACHINES", "vm1=ssh://me@vm1")
    assert complete("%dnet --on ") == ["machine1", "machine2", "vm1"]
    assert complete("%dnet --on=ma") == ["--on=machine1", "--on=machine2"]
    assert complete("%%dnet --needs ") == ["ipvs", "macvlan"]
    assert complete("%dnet --") == ["--needs", "--on"]
    assert complete("%dnet --on=machine1 network cr") == ["create"]
    assert complete("%dnet mach") == ["machines"] and complete("%dnet machines ") == ["down", "list", "ls", "up"]
