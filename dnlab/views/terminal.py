"""An interactive terminal in the notebook: xterm.js (vendored in ``static/``) wired to a process's TTY.

Nothing runs until a page shows the widget: its front end sends ``start`` with the terminal's size, and
only then is the process started. Under nbval, or in any kernel without a front end, the widget is its
one line of text/plain, which says so.
"""
from __future__ import annotations

import codecs
import json
import socket
import threading
from pathlib import Path
from typing import Any, Callable, Protocol

import anywidget
import traitlets

from dnlab.engine.explain import learner_error

STATIC = Path(__file__).parent / "static"


def _module() -> str:
    """The widget's ES module: the vendored xterm.js and fit addon as strings, then ``shell.js``."""
    sources = {"XTERM_SOURCE": "xterm.mjs", "FIT_SOURCE": "addon-fit.mjs"}
    return "".join(f"const {name} = {json.dumps((STATIC / file).read_text())};\n"
                   for name, file in sources.items()) + (STATIC / "shell.js").read_text()


class Session(Protocol):
    """A process with a terminal, once started."""

    sock: socket.socket
    """Keystrokes are written to it and output read from it (blocking, no timeout); EOF: it ended."""
    early: bytes
    """Output that arrived before ``sock`` was handed over (with the engine's reply)."""

    def resize(self, rows: int, cols: int) -> None:
        """Tell the process's terminal its new size."""

    def exit_code(self) -> int | None:
        """Once ``sock`` reached EOF: the process's exit code (None: nobody can tell any more)."""


class Shell(anywidget.AnyWidget):
    """A terminal on the page; ``start(rows, cols)`` is called when, and only when, a page shows it."""

    _esm = _module()
    _css = (STATIC / "xterm.css").read_text() + (STATIC / "shell.css").read_text()
    title = traitlets.Unicode().tag(sync=True)

    def __init__(self, title: str, start: Callable[[int, int], Session]) -> None:
        super().__init__(title=title)
        self._start = start
        self._session: Session | None = None
        self.on_msg(self._received)

    def __repr__(self) -> str:
        return (f"{self.title}: an interactive shell opens here when this notebook runs in JupyterLab "
                f"(nothing ran); from a terminal: python -m dnlab {self.title}")

    def _received(self, _: Any, content: dict[str, Any], _buffers: list[bytes]) -> None:
        """A message from the page: start (once, whichever view asks first), input or resize."""
        kind, session = content.get("type"), self._session
        if kind == "start" and session is None:
            self._begin(int(content["rows"]), int(content["cols"]))
        elif kind == "input" and session is not None:
            try:
                session.sock.sendall(content["data"].encode())
            except OSError:  # the process ended as the key was typed; the page hears "exit" next
                pass
        elif kind == "resize" and session is not None:
            session.resize(int(content["rows"]), int(content["cols"]))

    def _begin(self, rows: int, cols: int) -> None:
        try:
            self._session = self._start(rows, cols)
        except Exception as exc:
            error = learner_error(exc)
            self.send({"type": "error", "message": str(error or f"{type(exc).__name__}: {exc}")})
            if error is None:
                raise  # a bug: its traceback goes to the server's log
            return
        threading.Thread(target=self._pump, args=(self._session,), name=f"dnlab {self.title}", daemon=True).start()

    def _pump(self, session: Session) -> None:
        """Send the process's output to the page until EOF, then its exit code."""
        decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        try:
            chunk = session.early or session.sock.recv(1 << 16)
            while chunk:
                self.send({"type": "output", "data": decode(chunk)})
                chunk = session.sock.recv(1 << 16)
        except OSError:  # the widget was closed
            pass
        finally:
            session.sock.close()
        self.send({"type": "exit", "code": session.exit_code()})

    def close(self) -> None:
        """Closing the widget hangs up its connection; the process, like one the docker CLI leaves
        behind, runs on until it ends or its container stops."""
        if self._session is not None:
            try:
                self._session.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        super().close()
