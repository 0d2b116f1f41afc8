"""`./scripts/lab`, the README's first command, as a newcomer runs it, in a temporary copy of the course:
as root (how `dnlab engine start` can install an engine) and as a learner in the docker group. No
browser: the address it prints, with its token, is where the server answers.

The learner's account is ``dnlabtest`` (made with `useradd -m -G docker` if missing, and left in place).
It uses these tests' environment (or DNLAB_TEST_USER_VENV) where it can run it; where that lives where
it cannot go (a Python under /root, as with pyenv), `./scripts/lab` makes the learner's own `.venv` in
their clone, from the system's python3, as on a newcomer's machine.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.learners import LEARNER, course_copy, learner, own_environment

from .conftest import JupyterLab, lab_environment, start_lab, stop

pytestmark = [pytest.mark.engine, pytest.mark.timeout(600)]

LANDING = "/lab/tree/00-start-here.ipynb"


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def check_serving(server: JupyterLab, as_root: bool) -> None:
    """One `dnlab: open URL` line, for this machine only, landing on 00-start-here; the token opens it."""
    log = server.log.read_text(errors="replace")
    assert log.count("dnlab: open ") == 1, log
    url = urlsplit(server.printed)
    assert (url.hostname, url.path) == ("127.0.0.1", LANDING), server.printed
    assert server.token, f"no token in {server.printed}"
    assert status(f"{server.base}/api/status?token={server.token}") == 200
    assert status(f"{server.base}/api/status") == 403  # the token is what lets one in
    assert status(server.printed) == 200
    assert status(f"{server.base}/api/contents/00-start-here.ipynb?token={server.token}") == 200
    command = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().split(b"\0")
    assert (b"--allow-root" in command) == as_root, command


def test_as_root(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("not root: the non-root case below is this machine's")
    course = course_copy(tmp_path / "course")
    server = start_lab(course, lab_environment(tmp_path, home=os.environ.get("HOME") or "/root"),
                       tmp_path / "lab.log")
    try:
        check_serving(server, as_root=True)
    finally:
        stop(server.process)


@pytest.mark.installs  # where the tests' environment is out of the learner's reach, it makes its own
def test_as_a_learner_in_the_docker_group() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to make and become the learner account `dnlabtest`")
    account = learner()
    venv = own_environment(account)
    state = Path(tempfile.mkdtemp(prefix="dnlab-lab-"))  # not under pytest's root-only tmp directory
    try:
        course = course_copy(state / "course", venv)
        env = lab_environment(state, home=account.pw_dir, venv=venv)
        env.update(USER=LEARNER, LOGNAME=LEARNER, PATH="/usr/local/bin:/usr/bin:/bin")
        for path in [state, *state.rglob("*")]:  # the learner's own clone
            os.lchown(path, account.pw_uid, account.pw_gid)
        server = start_lab(course, env, state / "lab.log", user=LEARNER)
        try:
            check_serving(server, as_root=False)
        finally:
            stop(server.process)
    finally:
        shutil.rmtree(state, ignore_errors=True)
