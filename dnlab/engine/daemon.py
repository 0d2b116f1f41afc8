"""Start and stop a local Docker engine on Debian or Ubuntu, as root.

Like `systemctl start docker` on a machine that has no systemd: install Debian's
``docker.io`` when ``dockerd`` is missing, start it with a log file and a pid file,
wait until it answers, and stop only the engine that dnlab itself started.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from dnlab.engine.client import connect, engine_url, forget
from dnlab.errors import DnlabError, EngineUnavailable
from dnlab.settings import settings

READY_TIMEOUT_S = 60
# No routing from containers to the outside world: the course never needs it,
# and nothing it runs may leave the machine.
DOCKERD_ARGS = ["--ip-forward=false"]


@dataclass
class EngineStart:
    """What `dnlab engine start` did."""

    action: str  # "already running", "started" or "installed and started"
    url: str
    log: Path | None = None

    def __str__(self) -> str:
        where = f" (log: {self.log})" if self.log else ""
        return f"Docker engine {self.action} at {self.url}{where}"


def pid_file() -> Path:
    return settings().engine_dir / "dockerd.pid"


def log_file() -> Path:
    return settings().engine_dir / "dockerd.log"


def start() -> EngineStart:
    """Make sure an engine answers; start (and install) one if none does and we may."""
    forget()
    try:
        connect()
        return EngineStart("already running", engine_url())
    except EngineUnavailable as missing:
        reason = missing
    if settings().docker_host:
        raise reason
    _require_root_on_debian(reason)
    installed = _install_docker_io() if shutil.which("dockerd") is None else False
    settings().engine_dir.mkdir(parents=True, exist_ok=True)
    with open(log_file(), "ab") as log:
        proc = subprocess.Popen(["dockerd", *DOCKERD_ARGS], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    pid_file().write_text(str(proc.pid))
    _wait_until_ready(proc)
    return EngineStart("installed and started" if installed else "started", engine_url(), log_file())


def stop() -> str:
    """Stop the engine that `dnlab engine start` started; never one that dnlab did not start."""
    path = pid_file()
    if not path.exists():
        return "dnlab did not start the engine here, so it leaves it alone."
    pid = int(path.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        path.unlink()
        return f"The engine dnlab started (pid {pid}) had already stopped."
    for _ in range(200):
        if not _alive(pid):
            break
        time.sleep(0.1)
    path.unlink(missing_ok=True)
    forget()
    return f"Stopped the Docker engine dnlab started (pid {pid})."


def _require_root_on_debian(reason: EngineUnavailable) -> None:
    if os.geteuid() != 0 and Path("/etc/debian_version").exists():
        dnlab = Path(sys.prefix) / "bin" / "dnlab"
        raise EngineUnavailable(reason.message, f"Starting the engine needs root: run once, as root, `{dnlab} engine start`"
                                " (or `sudo systemctl start docker` where Docker is installed).")
    if os.geteuid() != 0 or not Path("/etc/debian_version").exists():
        raise EngineUnavailable(
            reason.message,
            "dnlab starts an engine itself only as root on Debian/Ubuntu; here, install Docker "
            "(Docker Desktop, or your distribution's docker package) and start it.")


def _install_docker_io() -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "docker.io"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
            raise DnlabError(f"`{' '.join(cmd)}` failed: {' '.join(tail)}",
                             "Install Debian's docker.io package by hand and run `dnlab engine start` again.")
    return True


def _wait_until_ready(proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DnlabError(f"dockerd exited with code {proc.returncode} while starting.",
                             f"Its log says why: {log_file()}")
        forget()
        try:
            connect()
            return
        except EngineUnavailable:
            time.sleep(0.2)
    raise DnlabError(f"dockerd did not answer within {READY_TIMEOUT_S} s.", f"See its log: {log_file()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie child of ours counts as gone
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True
