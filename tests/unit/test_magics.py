"""The magic parses a whole cell before it runs any line."""
import pytest
from IPython.core.error import UsageError

from dnlab import magics


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


def test_cell_magic_takes_no_options(dnet):
    magic, _ = dnet
    with pytest.raises(UsageError, match="takes one option, --needs FEATURE"):
        magic.dnet("--verbose", "ps")


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
