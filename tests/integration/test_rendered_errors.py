"""What a learner SEES when something goes wrong: every provoked mistake, run in a real kernel
through nbclient, renders as at most two lines (the message, naming the line and the problem),
never a traceback, never a path of this machine; successful cells write nothing to stderr
(nbgrader scores a test cell zero when it does); and `%config DnetMagics.short_errors = False`
still gives the full traceback.

Each notebook below is built from a list of cases, executed once for the module, and every case is
checked on its own (the test id names it). The kernels get their engine through the environment:
the local engine, none at all, and one behind a unix-socket proxy of this test's own that the test
stops between two cells.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import dnlab

pytestmark = pytest.mark.engine

LAB = "rendered-errors"
LOCAL_ENGINE = "/var/run/docker.sock"
CELL_TIMEOUT_S = 60


@dataclass(frozen=True)
class Case:
    """One cell. ``kind``: "ok" (must succeed, nothing on stderr), "short" (an error in at most two
    lines, containing every one of ``says``, case-insensitive) or "full" (the full traceback)."""

    name: str
    kind: str
    source: str
    says: tuple[str, ...] = ()
    stop_proxy_first: bool = False  # the lost-engine notebook: the test stops the engine's proxy first


def ok(name: str, source: str) -> Case:
    return Case(name, "ok", source)


def short(name: str, source: str, *says: str) -> Case:
    return Case(name, "short", source, says)


def full(name: str, source: str) -> Case:
    return Case(name, "full", source)


# The local engine; lab machine machine7 is a real host (DNLAB_MACHINES) that does not answer, machine5
# a real host that is this very engine (only a refused `plugin install` ever runs there).
LOCAL = [
    ok("setup", f"%load_ext dnlab\n%dnet lab {LAB}"),
    ok("ok-network-create", "%%dnet\nnetwork create re-net --subnet 10.213.57.0/24"),
    ok("ok-run-user-network", "%%dnet\nrun -d -t --name re-a --network re-net alpine:latest\n"
                              "run -d -t --name re-b --network re-net alpine:latest"),
    ok("ok-run-bridge", "%%dnet\nrun -d -t --name re-c --network bridge alpine:latest"),
    ok("ok-run-published-port", "%%dnet\nrun -d -p 127.0.0.1:18080:80 --name re-web nginx:latest"),
    ok("ok-exec-ping", "%%dnet\nexec re-a ping -c 1 re-b"),
    ok("ok-line-magic", "%dnet ps"),
    ok("ok-exec-it-shell", "%dnet exec -it re-c /bin/sh"),  # no page here: one line, and nothing runs
    ok("ok-exec-it-ran-nothing", "import docker\nassert not docker.from_env().api.inspect_container('re-c')['ExecIDs']"),
    ok("ok-docs-template", "%dnet inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' re-a"),

    # the cell does not parse: nothing runs
    short("parse-unknown-flag-line-2", "%%dnet\nps\nrun --bogus alpine:latest", "line 2", "--bogus"),
    short("parse-bad-subnet", "%%dnet\nnetwork create re-bad --subnet 10.213.58.0/33",
          "line 1", "10.213.58.0/33", "subnet"),
    short("parse-missing-argument", "%%dnet\nnetwork ls\nnetwork create", "line 2", "network create", "name"),
    short("parse-shell-operator", "%%dnet\nexec re-a ping -c 1 re-b && echo ok", "line 1", "&&", "sh -c"),
    short("parse-never-ending-ping", "%dnet exec re-a ping re-b", "line 1", "never ends", "-c 3"),
    short("parse-logs-follow", "%dnet logs -f re-a", "line 1", "logs -f", "notebook cell must end"),
    short("parse-docs-placeholder", "%dnet swarm join --token <TOKEN> 10.0.0.1:2377", "<TOKEN>", "placeholder"),
    short("parse-network-twice", "%dnet run -d --network re-net --network re-net alpine:latest", "given twice"),
    short("template-beyond", "%dnet inspect -f '{{printf \"%s\" .Name}}' re-a", "line 1", "printf", ".attrs"),
    short("template-no-field", "%dnet inspect -f '{{.Nope}}' re-a", "line 1", ".Nope", "fields at that level"),

    # the engine refuses
    short("engine-name-in-use", "%%dnet\nrun -d -t --name re-a alpine:latest", "line 1", "re-a", "in use"),
    short("engine-overlapping-subnet", "%%dnet\nnetwork create re-net2 --subnet 10.213.57.0/24",
          "line 1", "overlap", "re-net"),
    short("engine-busy-host-port", "%%dnet\nrun -d -p 127.0.0.1:18081:80 --name re-port1 nginx:latest\n"
                                   "run -d -p 127.0.0.1:18081:80 --name re-port2 nginx:latest",
          "line 2", "18081", "re-port1"),
    short("engine-no-such-container", "%%dnet\nexec re-nosuch ping -c 1 re-a", "line 1", "re-nosuch", "no such container"),
    short("engine-no-such-network", "%%dnet\nnetwork inspect re-nosuchnet", "line 1", "re-nosuchnet", "not found"),

    # lab machines
    short("machine-unknown", "%%dnet --on machine9\nps", "machine9"),
    short("machine-stopped", "%%dnet --on machine7\nps", "machine7", "answer"),
    short("plugin-privileges-not-granted", "%dnet --on machine5 plugin install dnlab/mesh:latest",
          "machine5", "dnlab/mesh:latest", "privileges", "--grant-all-permissions"),
    short("needs-unknown-feature", "%%dnet --needs teleport\nps", "teleport", "macvlan"),

    # the magic's own words used wrongly
    short("lab-without-name", "%dnet lab", "%dnet lab"),
    short("machines-sideways", "%dnet machines sideways", "%dnet machines", "up", "down"),
    short("topology-extra-word", "%dnet topology extra-word", "topology", "extra-word"),
    short("on-with-panel", "%dnet --on machine1 panel", "--on", "panel"),

    # dnlab's own errors in ordinary Python cells
    short("python-checks-not-on-network", "from dnlab import checks\nchecks.ip('re-a', 're-nosuchnet')",
          "re-a", "re-nosuchnet"),
    # checks.ip of a container that does not exist raises docker.errors.NotFound today, not a DnlabError
    short("python-checks-no-such-container", "from dnlab import checks\nchecks.ip('re-nosuch', 'bridge')",
          "re-nosuch"),
    short("python-machines-unknown", "import dnlab\ndnlab.machines.client_for('machine9')", "machine9"),
    short("python-cleanup-unknown-machine", "import dnlab\ndnlab.cleanup(machine='machine9')", "machine9"),

    # the full traceback, on request, then back to one line
    ok("short-errors-off", "%config DnetMagics.short_errors = False"),
    full("full-engine-refusal", "%%dnet\nexec re-nosuch ping -c 1 re-a"),
    full("full-python-dnlab-error", "import dnlab\ndnlab.machines.client_for('machine9')"),
    ok("short-errors-on", "%config DnetMagics.short_errors = True"),
    short("short-again-engine-refusal", "%%dnet\nexec re-nosuch ping -c 1 re-a", "line 1", "re-nosuch"),
    short("short-again-python", "import dnlab\ndnlab.machines.client_for('machine9')", "machine9"),
    ok("ok-cleanup", f"import dnlab\ndnlab.cleanup(lab={LAB!r})"),
]

# DOCKER_HOST names a socket where nothing listens.
NO_ENGINE = [
    ok("no-engine-setup", "%load_ext dnlab"),
    short("no-engine-cell", "%%dnet\nps", "line 1", "no docker engine answers", "DOCKER_HOST"),
    short("no-engine-lab", f"%dnet lab {LAB}", "no docker engine answers"),
    short("no-engine-python-cleanup", "import dnlab\ndnlab.cleanup()", "no docker engine answers"),
]

# DOCKER_HOST is this test's proxy to the local engine; the proxy stops after the second cell.
LOST_ENGINE = [
    ok("lost-engine-setup", "%load_ext dnlab"),
    ok("lost-engine-first-cell-answers", "%%dnet\nnetwork ls"),
    Case("lost-engine-next-cell", "short", "%%dnet\nps", ("line 1", "engine", "answer"), stop_proxy_first=True),
    short("lost-engine-cell-after", "%%dnet\nnetwork ls", "line 1", "engine", "answer"),
]

NOTEBOOKS = {"local": LOCAL, "no-engine": NO_ENGINE, "lost-engine": LOST_ENGINE}
ALL_CASES = [case for cases in NOTEBOOKS.values() for case in cases]
assert len({case.name for case in ALL_CASES}) == len(ALL_CASES), "case names must be unique"

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
MACHINE_PATHS = re.compile(r"/work/|/root/|/home/|/tmp/|site-packages|\.py\b")


class SocketProxy:
    """A unix socket at ``path`` forwarding every connection to the local engine, until ``stop()``."""

    def __init__(self, path: Path, target: str = LOCAL_ENGINE) -> None:
        self.path, self.target = path, target
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen(16)
        self.server.settimeout(0.2)
        self.stopped = threading.Event()
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                downstream, _ = self.server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            downstream.settimeout(None)
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.target)
            with self.lock:
                self.connections += [downstream, upstream]
            for source, sink in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def stop(self) -> None:
        """The engine stops answering: no new connections, and the open ones are cut."""
        self.stopped.set()
        self.thread.join(timeout=5)
        self.server.close()
        self.path.unlink(missing_ok=True)
        with self.lock:
            for connection in self.connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()


def run_notebook(cases: list[Case], env: dict[str, str], proxy: SocketProxy | None = None) -> nbformat.NotebookNode:
    """Execute the cases' cells one at a time in a fresh python3 kernel started with ``env``."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(case.source) for case in cases]
    runner = NotebookClient(notebook, kernel_name="python3", allow_errors=True, timeout=CELL_TIMEOUT_S)
    runner.reset_execution_trackers()
    with runner.setup_kernel(env=env):
        for index, (case, cell) in enumerate(zip(cases, notebook.cells)):
            if case.stop_proxy_first and proxy is not None:
                proxy.stop()
            runner.execute_cell(cell, index)
    return notebook


@pytest.fixture(scope="module")
def rendered(client):
    """Every case's executed cell (its outputs), by case name; the socket URLs the kernels were given
    (a message may name the learner's own DOCKER_HOST); the engine's plugins before and after."""
    api = client.api
    plugins_before = sorted(p["Name"] for p in api.plugins())
    sockets = Path(tempfile.mkdtemp(prefix="dnlab-re-"))
    stopped = f"unix://{sockets}/stopped.sock"
    no_engine = f"unix://{sockets}/no-engine.sock"
    proxied = f"unix://{sockets}/proxy.sock"
    base = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DNLAB_MACHINES")}
    base["DNLAB_REGISTRY"] = "off"
    proxy = SocketProxy(sockets / "proxy.sock")
    cells: dict[str, dict] = {}
    try:
        environments = {
            "local": {**base, "DNLAB_MACHINES": f"machine7={stopped},machine5=unix://{LOCAL_ENGINE}"},
            "no-engine": {**base, "DOCKER_HOST": no_engine},
            "lost-engine": {**base, "DOCKER_HOST": proxied},
        }
        for key, cases in NOTEBOOKS.items():
            notebook = run_notebook(cases, environments[key], proxy if key == "lost-engine" else None)
            cells.update({case.name: cell for case, cell in zip(cases, notebook.cells)})
    finally:
        proxy.stop()
        dnlab.cleanup(lab=LAB)
        shutil.rmtree(sockets, ignore_errors=True)
    plugins_after = sorted(p["Name"] for p in api.plugins())
    return {"cells": cells, "allowed": [stopped, no_engine, proxied],
            "plugins": (plugins_before, plugins_after)}


def shown(cell) -> tuple[list[str], list[str], list[str]]:
    """What the learner sees of a cell's trouble: the error outputs' traceback lines and the stderr
    stream's lines (ANSI colours stripped, blank lines dropped), and the error outputs' names."""
    error_lines, stderr_lines, names = [], [], []
    for output in cell.outputs:
        if output.output_type == "error":
            names.append(output.ename)
            for entry in output.traceback:
                error_lines += ANSI.sub("", entry).splitlines()
        elif output.output_type == "stream" and output.name == "stderr":
            stderr_lines += ANSI.sub("", output.text).splitlines()
    keep = lambda lines: [line for line in lines if line.strip()]  # noqa: E731
    return keep(error_lines), keep(stderr_lines), names


def test_exec_it_without_a_page_says_in_one_line_how_to_open_the_shell(rendered):
    outputs = rendered["cells"]["ok-exec-it-shell"].outputs
    [shown] = [o for o in outputs if o.output_type == "execute_result"]
    assert shown.data["text/plain"] == ("exec -it re-c /bin/sh: an interactive shell opens here when this notebook "
                                        "runs in JupyterLab (nothing ran); from a terminal: "
                                        "python -m dnlab exec -it re-c /bin/sh")
    assert "application/vnd.jupyter.widget-view+json" in shown.data


def test_a_line_magics_go_template_reaches_the_template_as_written(rendered):
    """IPython would expand ``{{...}}`` in a line magic to ``{...}``; the template must see its braces."""
    [shown] = [o for o in rendered["cells"]["ok-docs-template"].outputs if o.output_type == "execute_result"]
    assert re.fullmatch(r"10\.213\.57\.\d+", shown.data["text/plain"]), shown.data["text/plain"]


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.name)
def test_what_the_learner_sees(rendered, case):
    cell = rendered["cells"][case.name]
    error_lines, stderr_lines, names = shown(cell)
    lines = error_lines + stderr_lines
    seen = "\n".join(lines)
    brief = seen if len(lines) <= 6 else "\n".join([*lines[:2], f"... ({len(lines) - 4} more lines)", *lines[-2:]])
    count = len(lines)
    if case.kind == "ok":
        assert not stderr_lines and not names, f"{case.name}: a successful cell wrote to stderr or failed:\n{brief}"
        return
    stdout = "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
    assert lines, f"{case.name}: the cell showed no error at all (stdout: {stdout[:300]!r})"
    if case.kind == "full":
        assert len(lines) > 2 and "Traceback" in seen, f"{case.name}: short_errors=False, yet no traceback:\n{seen}"
        return
    assert count <= 2, f"{case.name}: {count} lines ({', '.join(names) or 'stderr'}):\n{brief}"
    assert "Traceback" not in seen, f"{case.name}: a traceback:\n{brief}"
    missing = [word for word in case.says if word.lower() not in seen.lower()]
    assert not missing, f"{case.name}: the message does not say {missing}:\n{brief}"
    paths_checked = seen
    for url in rendered["allowed"]:  # the DOCKER_HOST the learner set may be named
        paths_checked = paths_checked.replace(url, "DOCKER_HOST")
    leaked = MACHINE_PATHS.findall(paths_checked)
    assert not leaked, f"{case.name}: names paths of this machine {leaked}:\n{brief}"


def test_the_refused_plugin_install_changed_no_plugin(rendered):
    before, after = rendered["plugins"]
    assert before == after
