"""`exec -it` as a real terminal, against the real engine: the Shell widget driven as its page drives it
(over the engine's unix socket, and over tcp://), and `attach_tty` in a pseudo-terminal."""
from __future__ import annotations

import fcntl
import os
import pty
import select
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from typing import Any

import pytest

import dnlab
from dnlab.commands.shell import open_exec
from dnlab.errors import DnlabError
from dnlab.settings import settings
from dnlab.views.terminal import Shell

pytestmark = [pytest.mark.engine, pytest.mark.timeout(180)]

LAB = "test-shell"
NAME = "shell-it"
WAIT_S = 30


@pytest.fixture
def container(client) -> str:
    """A long-running alpine in lab ``test-shell``; its IP address."""
    dnlab.start_lab(LAB)
    api = dnlab.current().api
    api.start(api.create_container("alpine:latest", ["sleep", "600"], name=NAME)["Id"])
    yield api.inspect_container(NAME)["NetworkSettings"]["IPAddress"]
    dnlab.cleanup(lab=LAB)


def _forward(server: socket.socket, path: str) -> None:
    """Accept on ``server`` and pipe each connection to the unix socket ``path``, both ways."""
    def pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(1 << 16):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    while True:
        try:
            caller, _ = server.accept()
        except OSError:  # closed: the test is over
            return
        engine = socket.socket(socket.AF_UNIX)
        engine.connect(path)
        for ends in ((caller, engine), (engine, caller)):
            threading.Thread(target=pipe, args=ends, daemon=True).start()


@pytest.fixture(params=["unix", "tcp"])
def engine_over(request, monkeypatch) -> str:
    """The engine as the lab reaches it: its own unix socket, or DOCKER_HOST=tcp://127.0.0.1:PORT (a
    forwarder to that socket, as docker-py talks to a lab machine's engine)."""
    url = settings().engine_url
    if url.startswith(f"{request.param}://"):
        yield url
        return
    if request.param == "unix":
        pytest.skip(f"the engine is at {url}")
    server = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=_forward, args=(server, url.removeprefix("unix://")), daemon=True).start()
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{server.getsockname()[1]}")
    yield settings().engine_url
    server.close()


class Page:
    """What the page of a Shell sends (through ipywidgets' own handling of messages) and receives."""

    def __init__(self, shell: Shell, monkeypatch) -> None:
        self.shell, self.received = shell, []
        monkeypatch.setattr(shell, "send", lambda content, buffers=None: self.received.append(content))

    def sends(self, **content: Any) -> None:
        self.shell._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})

    def wait_for(self, kind: str) -> dict:
        deadline = time.monotonic() + WAIT_S
        while not (found := [m for m in self.received if m["type"] == kind]):
            assert time.monotonic() < deadline, f"no {kind!r} message in {WAIT_S} s: {self.received}"
            time.sleep(0.05)
        return found[0]

    @property
    def text(self) -> str:
        return "".join(m["data"] for m in self.received if m["type"] == "output")


def test_the_shell_runs_only_when_its_page_starts_it(container: str, engine_over: str, monkeypatch) -> None:
    lab = dnlab.current()
    shell = open_exec(lab, NAME, ["/bin/sh"], None, None)
    assert not lab.client.api.inspect_container(NAME)["ExecIDs"]  # constructing it ran nothing
    text = repr(shell)
    assert text == shell._repr_mimebundle_()[0]["text/plain"] and "\n" not in text
    assert text.startswith(f"exec -it {NAME} /bin/sh: ") and "(nothing ran)" in text
    assert "application/vnd.jupyter.widget-view+json" in shell._repr_mimebundle_()[0]

    page = Page(shell, monkeypatch)
    page.sends(type="start", rows=24, cols=100)
    assert len(lab.client.api.inspect_container(NAME)["ExecIDs"]) == 1
    page.sends(type="input", data="stty size; ip a\n")
    page.sends(type="input", data="exit\n")
    assert page.wait_for("exit")["code"] == 0, page.text
    assert "24 100" in page.text and "eth0" in page.text and f"inet {container}/" in page.text, page.text


def test_a_container_that_is_not_running_is_one_line(container: str, monkeypatch) -> None:
    """In the cell when it has stopped already; on the page when it stops before the page starts it."""
    lab = dnlab.current()
    shell = open_exec(lab, NAME, ["/bin/sh"], None, None)
    lab.client.api.stop(NAME, timeout=0)
    page = Page(shell, monkeypatch)
    page.sends(type="start", rows=24, cols=100)
    message = page.wait_for("error")["message"]
    assert message.startswith(f"container {NAME} is exited") and "\n" not in message, message
    with pytest.raises(DnlabError, match=f"container {NAME} is exited.*`start {NAME}`"):
        open_exec(lab, NAME, ["/bin/sh"], None, None)
    assert not lab.client.api.inspect_container(NAME)["ExecIDs"]


def _read(leader: int, seen: bytearray, until: bytes | None = None) -> None:
    """Add what the terminal shows to ``seen``, until it shows ``until`` (None: until the child closes it)."""
    deadline = time.monotonic() + WAIT_S
    while until is None or until not in seen:
        assert time.monotonic() < deadline, f"{until!r} not shown in {WAIT_S} s: {bytes(seen)!r}"
        if select.select([leader], [], [], 0.2)[0]:
            try:
                seen += os.read(leader, 1 << 16)
            except OSError:  # EIO: the child has closed the terminal
                return


def test_python_m_dnlab_exec_it_bridges_a_terminal(container: str) -> None:
    """`python -m dnlab exec -it NAME /bin/sh`, as the notebook's one line says, in a pseudo-terminal of
    30 x 120: the shell sees that size, answers, and the command's exit code is the shell's."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    child = subprocess.Popen([sys.executable, "-m", "dnlab", "exec", "-it", NAME, "/bin/sh"],
                             stdin=follower, stdout=follower, stderr=follower, start_new_session=True)
    os.close(follower)
    seen = bytearray()
    try:
        _read(leader, seen, until=b"# ")  # the prompt: attach_tty has put the terminal in raw mode
        os.write(leader, b"stty size; ip a; exit 3\r")
        _read(leader, seen)
        assert child.wait(timeout=WAIT_S) == 3, bytes(seen)
    finally:
        child.kill()
        os.close(leader)
    text = seen.decode(errors="replace")
    assert "30 120" in text and f"inet {container}/" in text, text


def test_python_m_dnlab_exec_prints_the_output(container: str) -> None:
    done = subprocess.run([sys.executable, "-m", "dnlab", "exec", NAME, "cat", "/etc/hostname"],
                          capture_output=True, text=True, timeout=WAIT_S)
    assert done.returncode == 0 and len(done.stdout.strip()) == 12, done
