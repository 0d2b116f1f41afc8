"""JupyterLab in a real browser: the README's `./scripts/lab` serving a copy of the notebooks,
driven by Debian's headless Chromium (/usr/bin/chromium, no downloaded browser) through Playwright.

Nothing is written to the repository's notebooks: the server's notebook directory is a temporary
copy (outputs stripped, so whatever the page shows comes from this run). The server's process
group is always stopped, and the labs a test ran are cleaned up with `dnlab.cleanup(lab=...)`.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import dnlab

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("DNLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_SECONDS = 300  # scripts/lab may first have to install the Python environment
VIEWPORT = {"width": 1500, "height": 1000}
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
    """A running `./scripts/lab` server on loopback."""

    base: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen
    labs: set[str] = field(default_factory=set)  # dnlab labs to clean up when the server is gone

    def url(self, path: str) -> str:
        return f"{self.base}/lab/tree/{path}?token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _strip_outputs(notebook: Path) -> None:
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    notebook.write_text(json.dumps(nb, indent=1))


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


def _stop(process: subprocess.Popen) -> None:
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


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory) -> JupyterLab:
    """`./scripts/lab` (the README's command) on a free loopback port, serving a copy of the notebooks."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    root = tmp / "notebooks"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for notebook in root.glob("*.ipynb"):
        _strip_outputs(notebook)
    settings = tmp / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # no "get Jupyter news?" toast over the notebook
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')

    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, DNLAB_REGISTRY="off", JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    if sys.prefix != sys.base_prefix:  # serve from the environment these tests run in
        env["DNLAB_VENV"] = sys.prefix
        env["PATH"] = f"{sys.prefix}/bin{os.pathsep}{env.get('PATH', '')}"
    # scripts/lab passes --notebook-dir=notebooks, and a second --notebook-dir is an error (root_dir takes
    # one value), so the copy is served by pointing the contents and the kernels at it instead.
    args = ["--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ContentsManager.root_dir={root}", f"--MappingKernelManager.root_dir={root}",
            f"--LabApp.user_settings_dir={tmp / 'user-settings'}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
            "--LabApp.news_url=None", "--LabApp.extension_manager=readonly"]
    if os.geteuid() == 0:
        args.append("--allow-root")
    log = tmp / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(REPO / "scripts" / "lab"), *args], cwd=REPO, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    server = JupyterLab(f"http://127.0.0.1:{port}", token, root, log, process)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"./scripts/lab exited ({process.returncode}) before serving:\n{server.log_tail()}")
            try:
                with urllib.request.urlopen(f"{server.base}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {STARTUP_SECONDS} s:\n{server.log_tail()}")
            try:
                process.wait(timeout=0.5)  # a pause between polls that also notices an exit
            except subprocess.TimeoutExpired:
                pass
        yield server
    finally:
        _stop(process)
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
