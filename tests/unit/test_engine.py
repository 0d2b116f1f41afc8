"""What dnlab says about engines, without needing one."""
import pytest

from dnlab.engine import client as engine_client
from dnlab.engine.report import capabilities, engine_kind
from dnlab.errors import EngineUnavailable
from dnlab.magics import DnetError, DnetMagics

LINUX = {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "SecurityOptions": ["name=seccomp,profile=default"],
         "Plugins": {"Network": ["bridge", "host", "ipvlan", "macvlan", "null", "overlay"]}}
DESKTOP = {**LINUX, "OperatingSystem": "Docker Desktop"}
ROOTLESS = {**LINUX, "SecurityOptions": ["name=seccomp,profile=default", "name=rootless"]}


@pytest.mark.parametrize("info, kind", [(LINUX, "Linux engine"), (DESKTOP, "Docker Desktop"),
                                        (ROOTLESS, "rootless Linux engine")])
def test_engine_kind(info, kind):
    assert engine_kind(info) == kind


def test_capabilities_say_what_works_where():
    assert "engine host's network stack" in capabilities(LINUX, True)["host networking"]
    assert "VM" in capabilities(DESKTOP, None)["host networking"]
    assert capabilities(LINUX, True)["macvlan"].startswith("available")
    assert "cannot" in capabilities(ROOTLESS, True)["macvlan"]
    assert capabilities(DESKTOP, True)["macvlan"].startswith("available"), "inside Docker Desktop's VM"
    assert "dnsrr" in capabilities(LINUX, False)["IPVS (swarm virtual IPs)"]


@pytest.fixture
def no_engine(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/nothing-listens-here.sock")
    engine_client.forget()
    yield
    engine_client.forget()


def test_a_missing_engine_is_explained_with_the_fix(no_engine):
    with pytest.raises(EngineUnavailable) as err:
        engine_client.connect()
    assert "No Docker engine answers at unix://" in str(err.value)
    assert "DOCKER_HOST" in err.value.fix


def test_the_magic_says_it_in_one_line(no_engine):
    with pytest.raises(DnetError) as err:
        DnetMagics(shell=None).dnet("network ls")
    assert str(err.value).startswith("line 1 (`network ls`): No Docker engine answers")
    assert "\n" not in str(err.value)


def test_on_binder_every_live_cell_says_why(no_engine, monkeypatch):
    monkeypatch.setenv("BINDER_SERVICE_HOST", "x")
    with pytest.raises(DnetError, match="This is Binder: it has no Docker engine"):
        DnetMagics(shell=None).dnet("ps")
