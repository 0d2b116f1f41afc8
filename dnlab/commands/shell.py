"""`docker exec -it`: a shell in one of the lab's containers, on the notebook's page or in this terminal.

Either way the exec is made by ``starter``'s ``start(rows, cols)``, with docker-py's low-level API, over
whatever connection the lab has (the local engine's unix socket, a lab machine's tcp://).
"""
from __future__ import annotations

import os
import select
import shlex
import signal
import socket
import ssl
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import docker
from docker.errors import APIError, DockerException
from requests.exceptions import RequestException

from dnlab.errors import DnlabError
from dnlab.lab import Lab

if TYPE_CHECKING:
    from dnlab.views.terminal import Session, Shell

EXIT_WAIT_S = 5
"""How long the engine may take to notice that a process whose socket closed has ended."""


@dataclass
class ExecSession:
    """A started exec with a TTY: its hijacked socket, and the engine, for its size and exit code."""

    api: docker.APIClient
    exec_id: str
    sock: socket.socket
    early: bytes = b""

    def resize(self, rows: int, cols: int) -> None:
        try:
            self.api.exec_resize(self.exec_id, height=rows, width=cols)
        except APIError:  # it has just ended: there is no terminal left to size
            pass

    def exit_code(self) -> int | None:
        deadline = time.monotonic() + EXIT_WAIT_S
        try:
            while (state := self.api.exec_inspect(self.exec_id))["Running"] and time.monotonic() < deadline:
                time.sleep(0.05)
        except (DockerException, RequestException):  # the engine went away
            return None
        return None if state["Running"] else state["ExitCode"]


def starter(lab: Lab, container: str, cmd: list[str], environment: list[str] | None,
            workdir: str | None) -> Callable[[int, int], ExecSession]:
    """Checks now that ``container`` is the lab's own and running; the exec is made only when the
    ``start(rows, cols)`` this returns is called."""
    _running(lab, container)

    def start(rows: int, cols: int) -> ExecSession:
        _running(lab, container)  # it may have stopped since
        api = lab.client.api
        exec_id = api.exec_create(container, cmd, stdin=True, tty=True, environment=environment,
                                  workdir=workdir)["Id"]
        session = ExecSession(api, exec_id, *_hijacked(api.exec_start(exec_id, socket=True, tty=True)))
        session.resize(rows, cols)
        return session

    return start


def open_exec(lab: Lab, container: str, cmd: list[str], environment: list[str] | None,
              workdir: str | None) -> Shell:
    """`exec -it CONTAINER CMD` in a notebook: a terminal in the cell's output, whose exec starts when
    the page shows it (never under nbval, or in a kernel without a page)."""
    from dnlab.views.terminal import Shell  # lazy: anywidget is slow to import, and only exec -it needs it

    title = _title(lab.machine, container, cmd, environment, workdir)
    return Shell(title, starter(lab, container, cmd, environment, workdir))


@dataclass
class AttachSession:
    """`docker attach`: the socket of a container's main process, which must have a TTY (``run -it``)."""

    api: docker.APIClient
    container: str
    sock: socket.socket
    early: bytes = b""

    def resize(self, rows: int, cols: int) -> None:
        try:
            self.api.resize(self.container, height=rows, width=cols)
        except APIError:  # it has just stopped
            pass

    def exit_code(self) -> int | None:
        """Its exit code once it stopped; None while it runs on (detached with Ctrl-P Ctrl-Q)."""
        try:
            state = self.api.inspect_container(self.container)["State"]
        except (DockerException, RequestException):
            return None
        return None if state["Running"] else state["ExitCode"]


def attach_starter(lab: Lab, container: str) -> Callable[[int, int], AttachSession]:
    """Checks now that ``container`` is the lab's own, running, and has a TTY; attaches only when the
    ``start(rows, cols)`` this returns is called."""
    _attachable(lab, container)

    def start(rows: int, cols: int) -> AttachSession:
        _attachable(lab, container)
        api = lab.client.api
        answer = api.attach_socket(container, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
        session = AttachSession(api, container, *_hijacked(answer))
        session.resize(rows, cols)
        session.sock.sendall(b"\x0c")  # Ctrl-L: a shell redraws its prompt, which was printed before we came
        return session

    return start


def open_attach(lab: Lab, container: str) -> Shell:
    """`attach CONTAINER` in a notebook: a terminal on its main process (Ctrl-P Ctrl-Q detaches)."""
    from dnlab.views.terminal import Shell  # lazy: anywidget is slow to import, and only attach needs it

    on = ["--on", lab.machine] if lab.machine else []
    return Shell(shlex.join(["attach", *on, container]), attach_starter(lab, container))


def attach_tty(start: Callable[[int, int], Session]) -> int:
    """`exec -it` in this terminal: raw mode, keystrokes to the process, its output here, the window's
    size kept in step; its exit code (1 when the engine can no longer say)."""
    import termios  # here: POSIX terminals only, and the notebook's path works on Windows too
    import tty

    keys, out = sys.stdin.fileno(), sys.stdout.buffer
    if not (os.isatty(keys) and out.isatty()):
        raise DnlabError("exec -it needs a terminal, and this input or output is not one.",
                         "Run it in a terminal, or leave out -it to print the command's output.")
    session = start(*_size())
    saved = termios.tcgetattr(keys)
    previous = signal.signal(signal.SIGWINCH, lambda *_: session.resize(*_size()))
    tty.setraw(keys)
    try:
        out.write(session.early)
        out.flush()
        while True:
            ready, _, _ = select.select([session.sock, keys], [], [])
            if keys in ready:
                if not (typed := os.read(keys, 4096)):  # the terminal hung up
                    break
                session.sock.sendall(typed)
            if session.sock in ready:
                if not (output := _received(session.sock)):  # the process ended
                    break
                out.write(output)
                out.flush()
    finally:
        termios.tcsetattr(keys, termios.TCSADRAIN, saved)
        signal.signal(signal.SIGWINCH, previous)
        session.sock.close()
    code = session.exit_code()
    return 1 if code is None else code


def _running(lab: Lab, container: str) -> None:
    state = lab.own_container(container)["State"]
    if not state["Running"]:
        raise DnlabError(f"container {container} is {state['Status']}, so there is nothing to exec into.",
                         f"`start {container}` starts it again.")


def _attachable(lab: Lab, container: str) -> None:
    _running(lab, container)
    if not lab.client.api.inspect_container(container)["Config"]["Tty"]:
        raise DnlabError(f"{container} has no terminal to attach to (it was started without -t).",
                         f"`exec -it {container} sh` opens a shell in it instead, and `logs {container}` "
                         "shows its output.")


def _hijacked(answer: Any) -> tuple[socket.socket, bytes]:
    """The socket under docker-py's answer to ``exec_start(socket=True)``, blocking with no timeout (a
    shell may sit idle for hours), and the output its HTTP reader had already read past the headers."""
    sock = getattr(answer, "_sock", answer)  # a SocketIO's socket; over TLS docker-py hands out the socket
    sock.settimeout(0)
    try:
        early = answer._response.raw._fp.fp.read1(1 << 16) or b""
    except (BlockingIOError, ssl.SSLWantReadError):
        early = b""
    sock.settimeout(None)
    return sock, early


def _received(sock: socket.socket) -> bytes:
    """What arrived; over TLS, with what it had already decrypted (which ``select`` cannot see)."""
    data = sock.recv(1 << 16)
    while data and isinstance(sock, ssl.SSLSocket) and sock.pending():
        data += sock.recv(sock.pending())
    return data


def _size() -> tuple[int, int]:
    size = os.get_terminal_size(sys.stdout.fileno())
    return size.lines, size.columns


def _title(machine: str | None, container: str, cmd: list[str], environment: list[str] | None,
           workdir: str | None) -> str:
    """The command as ``python -m dnlab`` takes it: ``exec [--on MACHINE] -it [-e ..] [-w ..] NAME CMD``."""
    flags = [word for setting in environment or [] for word in ("-e", setting)] + (["-w", workdir] if workdir else [])
    on = ["--on", machine] if machine else []
    return shlex.join(["exec", *on, "-it", *flags, container, *cmd])
