"""JupyterLab in a real browser: the README's `./scripts/lab`, exactly as a learner types it, run in a
temporary copy of the course and driven by Debian's headless Chromium (/usr/bin/chromium, no downloaded
browser) through Playwright.

Nothing is written to the repository: the copy holds the files of this working tree that git does not
ignore, its notebooks' outputs stripped (so whatever the page shows comes from this run), and it uses the
environment these tests run in through DNLAB_VENV (scripts/setup.sh). What a learner's shell might set
is the only difference: JupyterLab's directories point into the run's temporary directory, and no flag is
added. The address comes from the line scripts/lab prints. The server's process group is always stopped,
and the labs a test ran are cleaned up with `dnlab.cleanup(lab=...)`.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import dnlab
from tests.learners import VENV, course_copy

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("DNLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # the browser resolves no name but this machine's own: nothing of its leaves the machine
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
STARTUP_SECONDS = 300  # scripts/lab may first have to install the Python environment
VIEWPORT = {"width": 1500, "height": 1000}
OPEN_LINE = re.compile(r"^dnlab: open (?P<url>https?://\S+)$", re.M)  # what scripts/lab prints
os.environ.setdefault("DNLAB_REGISTRY", "off")  # tests never contact a registry

_written: list[Path] = []  # screenshots, listed at the end of the run


@pytest.fixture
def artifact():
    """``artifact(name)``: where a test's screenshot goes (tests/browser/artifacts/, gitignored)."""
    def path_for(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        _written.append(ARTIFACTS / name)
        return ARTIFACTS / name
    return path_for


def pytest_terminal_summary(terminalreporter) -> None:
    shots = [p for p in _written if p.exists()]
    if shots:
        terminalreporter.section("browser screenshots")
        for path in shots:
            terminalreporter.write_line(str(path))


@dataclass
class JupyterLab:
    """A running `./scripts/lab` server, found at the address it printed."""

    printed: str  # the URL of scripts/lab's "dnlab: open URL" line
    base: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen
    labs: set[str] = field(default_factory=set)  # dnlab labs to clean up when the server is gone

    def url(self, path: str) -> str:
        return f"{self.base}/lab/tree/{path}?token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log, lines)


def _descendants(pid: int) -> list[int]:
    """The processes below ``pid`` (kernels run in sessions of their own, outside its group)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group (the server shuts its kernels down), then SIGKILL what is left."""
    below = _descendants(process.pid)
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    for pid in below:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def lab_environment(state: Path, home: str, venv: Path | None = VENV) -> dict[str, str]:
    """A learner's shell (the environment not activated, no display) plus, under ``state``, JupyterLab's
    runtime, config, settings and workspace directories: the server's state stays in the run's temporary
    directory, and the page shows no "get Jupyter news?" toast over the notebook."""
    path = [d for d in os.environ.get("PATH", os.defpath).split(os.pathsep)
            if not (VENV and Path(d) == VENV / "bin")]
    kept = {k: v for k, v in os.environ.items()
            if k.startswith(("DNLAB_", "DOCKER_")) or k in ("LANG", "LC_ALL", "TZ", "TMPDIR")}
    env = {**kept, "PATH": os.pathsep.join(path), "HOME": home, "DNLAB_REGISTRY": "off",
           "JUPYTER_RUNTIME_DIR": str(state / "runtime"), "JUPYTER_CONFIG_DIR": str(state / "config"),
           "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces")}
    env.pop("DNLAB_VENV", None)
    if venv:
        env["DNLAB_VENV"] = str(venv)
    notification = state / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    # And should the page ask anyway, the server fetches no news and asks PyPI about no extension.
    (state / "config").mkdir(exist_ok=True)
    (state / "config" / "jupyter_server_config.json").write_text(
        json.dumps({"LabApp": {"news_url": None, "extension_manager": "readonly"}}))
    return env


def start_lab(course: Path, env: dict[str, str], log: Path, user: str | None = None) -> JupyterLab:
    """`./scripts/lab` in ``course`` (as ``user``, with its groups, if given), in a session of its own;
    the server at the address of the "dnlab: open URL" line it prints, once that answers with the token."""
    as_user = {}
    if user:
        import pwd

        account = pwd.getpwnam(user)
        as_user = {"user": account.pw_uid, "group": account.pw_gid,
                   "extra_groups": os.getgrouplist(user, account.pw_gid)}
    with open(log, "wb") as out:
        process = subprocess.Popen(["./scripts/lab"], cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True, **as_user)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not (found := OPEN_LINE.search(log.read_text(errors="replace"))):
            if process.poll() is not None:
                pytest.fail(f"./scripts/lab exited ({process.returncode}) before it printed "
                            f"`dnlab: open URL`:\n{_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"./scripts/lab printed no `dnlab: open URL` within {STARTUP_SECONDS} s:\n{_tail(log)}")
            try:
                process.wait(timeout=0.5)  # a pause between looks that also notices an exit
            except subprocess.TimeoutExpired:
                pass
        url = urlsplit(found["url"])
        token = parse_qs(url.query).get("token", [""])[0]
        server = JupyterLab(found["url"], f"{url.scheme}://{url.netloc}", token, course / "notebooks", log, process)
        deadline = time.monotonic() + 30  # it printed once the server listens: this is quick
        while True:
            try:
                with urllib.request.urlopen(f"{server.base}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        return server
            except (urllib.error.URLError, OSError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nothing answers at {found['url']}:\n{_tail(log)}")
            time.sleep(0.3)
    except BaseException:
        stop(process)
        raise


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory) -> JupyterLab:
    """The README's `./scripts/lab`, nothing added, in a temporary copy of the course."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    course = course_copy(tmp / "course")
    env = lab_environment(tmp, home=os.environ.get("HOME") or str(Path.home()))
    server = start_lab(course, env, tmp / "server.log")
    try:
        yield server
    finally:
        stop(server.process)
        for lab in sorted(server.labs):
            dnlab.cleanup(lab=lab)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """A page in headless Chromium from Debian, with a fresh profile."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/test installs Debian's `chromium` as root; "
                    "or point DNLAB_CHROMIUM at one)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport=VIEWPORT)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
