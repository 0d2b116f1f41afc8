"""The engine stops in the middle of a cell: the cell ends within 10 s with one line saying so and
what to do, and the next cell says the same at once. The engine here is one of the test's own (a
Docker-in-Docker engine), so that stopping it disturbs nothing else."""
from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import dnlab
from dnlab import images
from dnlab.engine import client as engine_client
from dnlab.machines import container_name, node_image

from .dind import start_sidecar, wait_for

ENGINE = "dnlab-engine-lost-test"


@pytest.fixture
def own_engine(client, monkeypatch):
    """DOCKER_HOST of a fresh engine of this test's own, with alpine loaded; removed afterwards."""
    api = client.api
    images.prepare(client, [node_image(), "alpine:latest"], progress=False)
    for old in api.containers(all=True, filters={"name": ENGINE}):
        api.remove_container(old["Id"], force=True, v=True)
    socket_dir = Path(tempfile.mkdtemp(prefix="dnlab-engine-lost-"))
    start_sidecar(api, socket_dir, ENGINE)
    url = f"unix://{socket_dir}/docker.sock"
    inner = wait_for(url, api, ENGINE)
    inner.api.load_image(api.get_image("alpine:latest"))
    monkeypatch.setenv("DOCKER_HOST", url)
    engine_client.forget()
    yield url
    api.remove_container(ENGINE, force=True, v=True)
    monkeypatch.undo()
    engine_client.forget()


def killed_during(shell: InteractiveShell, on: str, cell: str, kill) -> tuple[Exception, float]:
    """Run ``cell`` (``%%dnet ON``) in a thread, call ``kill()`` 2 s in; the cell's error, and how
    long after the kill the cell ended."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            shell.run_cell_magic("dnet", on, cell)
        except Exception as exc:  # noqa: BLE001  (what the learner would see)
            outcome["error"] = exc
        outcome["ended"] = time.monotonic()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(2)
    kill()
    stopped = time.monotonic()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the cell hangs after the engine stopped"
    return outcome.get("error"), outcome["ended"] - stopped


def test_a_stopped_engine_ends_the_cell_within_10_s_with_one_line(client, own_engine):
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    dnlab.start_lab("engine-lost-test")
    shell.run_cell_magic("dnet", "", "run -d -t --name sleeper alpine:latest")
    error, seconds = killed_during(shell, "", "exec sleeper sleep 60", lambda: client.api.kill(ENGINE))
    assert seconds < 10, (seconds, error)
    assert isinstance(error, UsageError) and "\n" not in str(error), repr(error)
    assert str(error).startswith("line 1 (`exec sleeper sleep 60`): No Docker engine answers at " + own_engine), error
    assert f"Check that the engine at DOCKER_HOST={own_engine} is up" in str(error)

    started = time.monotonic()
    with pytest.raises(UsageError, match=f"No Docker engine answers at {own_engine}") as next_cell:
        shell.run_cell_magic("dnet", "", "ps")
    assert time.monotonic() - started < 10 and "\n" not in str(next_cell.value)


def test_a_lab_machine_killed_during_a_cell_is_named_with_the_repair(client):
    dnlab.machines.up(1)
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    dnlab.start_lab("engine-lost-test")
    shell.run_cell_magic("dnet", "--on machine1", "run -d -t --name sleeper alpine:latest")
    try:
        error, seconds = killed_during(shell, "--on machine1", "exec sleeper sleep 60",
                                       lambda: client.api.kill(container_name("machine1")))
        message = str(error)
        assert seconds < 10 and isinstance(error, UsageError) and "\n" not in message, (seconds, message)
        assert message.startswith("machine1: line 1 (`exec sleeper sleep 60`): machine1's engine stopped answering")
        assert message.endswith("`%dnet machines up` restarts stopped lab machines."), message
    finally:
        dnlab.machines.down()
