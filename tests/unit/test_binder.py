"""Binder has no engine: every code cell of every notebook says so in one line, and nothing else.
Run here as on Binder: binder/postBuild's kernel start-up, Binder's environment variable, and a
DOCKER_HOST where nothing answers."""
from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from dnlab.magics import BINDER_NOTICE

ROOT = Path(__file__).parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def texts(cell) -> list[str]:
    found = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            found.append(output["text"].strip())
        elif output["output_type"] == "error":
            found.append(f"{output['ename']}: {output['evalue']}".strip())
        else:
            found.append(str(output.get("data", {}).get("text/plain", "")).strip())
    return found


@pytest.fixture(scope="module")
def binder_ipython(tmp_path_factory):
    """An IPython directory set up by binder/postBuild, as repo2docker runs it."""
    ipythondir = tmp_path_factory.mktemp("ipython")
    subprocess.run(["bash", str(ROOT / "binder" / "postBuild")], cwd=ROOT, check=True,
                   env={"PATH": "/usr/bin:/bin", "HOME": str(ipythondir), "IPYTHONDIR": str(ipythondir)})
    return ipythondir


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_on_binder_every_cell_says_in_one_line_why_it_cannot_run(path, binder_ipython, monkeypatch):
    monkeypatch.setenv("IPYTHONDIR", str(binder_ipython))
    monkeypatch.setenv("BINDER_SERVICE_HOST", "10.0.0.1")
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/binder-has-no-engine.sock")
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=60, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in (cell for cell in notebook.cells if cell.cell_type == "code"):
        shown = [text for text in texts(cell) if text]  # a print may reach the notebook as two stream messages
        assert shown == [BINDER_NOTICE], (cell.source[:80], shown)
    assert "\n" not in BINDER_NOTICE
