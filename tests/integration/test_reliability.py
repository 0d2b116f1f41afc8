"""The course as a classroom runs it: every notebook restart-and-run-all twice in a row with a
learner's own things on the engine (they all survive), and a kernel killed in the middle of a
notebook (the notebook then passes, and nothing of the killed run is left)."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

from dnlab import labels

from .test_sacred import survivors

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


def run_all(path: Path) -> None:
    """Restart and run all: a fresh kernel, every cell in order; a failing cell raises."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()


def test_every_notebook_twice_in_a_row_and_a_learners_things_survive(client, planted):
    for round_ in (1, 2):
        for path in NOTEBOOKS:
            try:
                run_all(path)
            except Exception as exc:  # noqa: BLE001  (name the notebook and the round)
                pytest.fail(f"{path.name}, run {round_}: {str(exc)[-1500:]}")
            survivors(client, planted)


def sessions_of(api, lab: str) -> set[str]:
    """The kernel sessions that own the lab's containers, networks and volumes now."""
    where = labels.lab_filter(lab)
    found = [c["Labels"] for c in api.containers(all=True, filters=where)]
    found += [n.get("Labels") or {} for n in api.networks(filters=where)]
    found += [v.get("Labels") or {} for v in api.volumes(filters=where).get("Volumes") or []]
    return {item[labels.SESSION] for item in found if labels.SESSION in item}


def test_a_kernel_killed_mid_notebook_then_the_notebook_passes_and_nothing_of_the_first_run_is_left(client):
    path = next(p for p in NOTEBOOKS if p.name.startswith("exercise-6.02"))
    cells = [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    kernel, kernel_client = start_new_kernel(kernel_name="python3", cwd=str(path.parent))
    try:
        for source in cells[: len(cells) // 2]:
            reply = kernel_client.execute_interactive(source, timeout=300, output_hook=lambda message: None)
            assert reply["content"]["status"] == "ok", source
        first = sessions_of(client.api, "exercise-6.02")
        assert first, "the first half made nothing to leave behind"
    finally:
        kernel.shutdown_kernel(now=True)  # killed, not shut down: no clean-up of its own runs
    run_all(path)
    assert not sessions_of(client.api, "exercise-6.02") & first
