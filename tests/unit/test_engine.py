"""What dnlab says about engines, without needing one."""
import pytest

from dnlab.engine import client as engine_client
from dnlab.engine.report import capabilities, engine_kind
from dnlab.errors import EngineUnavailable
from IPython.core.error import UsageError

from dnlab.magics import DnetMagics

LINUX = {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "SecurityOptions": ["name=seccomp,profile=default"],
         "Plugins": {"Network": ["bridge", "host", "ipvlan", "macvlan", "null", "overlay"]}}
DESKTOP = {**LINUX, "OperatingSystem": "Docker Desktop"}
ROOTLESS = {**LINUX, "SecurityOptions": ["name=seccomp,profile=default", "name=rootless"]}


@pytest.mark.parametrize("info, kind", [(LINUX, "Linux engine"), (DESKTOP, "Docker Desktop"),
                                        (ROOTLESS, "rootless Linux engine")])
def test_engine_kind(info, kind):
    assert engine_kind(info) == kind


def _by_name(info, ipvs):
    return {c.name: c for c in capabilities(info, ipvs)}


def test_capabilities_are_data_and_say_what_works_where():
    linux, desktop, rootless = _by_name(LINUX, True), _by_name(DESKTOP, None), _by_name(ROOTLESS, True)
    assert linux["host networking"].yes and "engine host's network stack" in linux["host networking"].words
    assert desktop["host networking"].status == "no" and "VM" in desktop["host networking"].words
    assert linux["macvlan"].yes and rootless["macvlan"].status == "no" and "cannot" in rootless["macvlan"].words
    assert desktop["macvlan"].yes, "inside Docker Desktop's VM"
    assert _by_name(LINUX, False)["IPVS (swarm virtual IPs)"].status == "no"
    assert "dnsrr" in _by_name(LINUX, False)["IPVS (swarm virtual IPs)"].words
    assert desktop["IPVS (swarm virtual IPs)"].status == "unknown"


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
    with pytest.raises(UsageError) as err:
        DnetMagics(shell=None).dnet("network ls")
    assert str(err.value).startswith("line 1 (`network ls`): No Docker engine answers")
    assert "\n" not in str(err.value)


def test_on_binder_every_live_cell_says_why(no_engine, monkeypatch):
    monkeypatch.setenv("BINDER_SERVICE_HOST", "x")
    with pytest.raises(UsageError, match="This is Binder: it has no Docker engine"):
        DnetMagics(shell=None).dnet("ps")
