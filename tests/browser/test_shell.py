"""`exec -it` in JupyterLab, in a real browser: a terminal in the cell's output, typed into like any
terminal, answering from inside the container."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_jupyterlab import CELL_MS, FIRST_CELL_MS, LOAD_MS, Notebook

pytestmark = [pytest.mark.engine, pytest.mark.timeout(900)]

LAB = "browser-shell"
FILE = "shell.ipynb"
SETUP = ["%load_ext dnlab\nimport dnlab\n%dnet lab " + LAB,
         "%dnet run -d --name shell1 alpine:latest sleep 600",
         "%dnet run -dit --name shell2 alpine:latest sh"]
EXEC = "%dnet exec -it shell1 /bin/sh"  # as the book types it
ATTACH = "%dnet attach shell2"  # as Docker's bridge tutorial types it
ANSWER_MS = 30_000


@pytest.fixture(scope="module")
def notebook(page: Page, jupyterlab) -> Notebook:
    """A notebook of the SETUP cells, open in JupyterLab, run and finished."""
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}
             for source in SETUP]
    kernel = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}}
    (jupyterlab.root / FILE).write_text(json.dumps({"cells": cells, "metadata": kernel, "nbformat": 4,
                                                    "nbformat_minor": 5}))
    opened = Notebook(page, list(SETUP))
    page.goto(jupyterlab.url(FILE))
    expect(opened.cells).to_have_count(len(cells), timeout=LOAD_MS)
    indicator = page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator")
    expect(indicator).to_have_attribute("data-status", "idle", timeout=LOAD_MS)
    jupyterlab.labs.add(LAB)  # cleaned up once the server has stopped
    for i in range(len(cells)):
        opened.run(i)
        opened.wait(i, FIRST_CELL_MS if i == 0 else CELL_MS)
    return opened


def test_exec_it_is_a_terminal_into_the_container(notebook: Notebook, artifact) -> None:
    """The terminal appears in the output; `ip a` typed into it shows the container's eth0 and address
    (and the keys went to the shell, not to JupyterLab: `a` adds no cell); `exit` ends it."""
    _typed_into_a_terminal(notebook, EXEC, artifact("jupyterlab-shell.png"))


def test_attach_is_a_terminal_on_the_containers_own_shell(notebook: Notebook, artifact) -> None:
    """`attach` opens the same terminal on the container's main process, a shell started with -it."""
    _typed_into_a_terminal(notebook, ATTACH, artifact("jupyterlab-attach.png"))


def _typed_into_a_terminal(notebook: Notebook, source: str, screenshot) -> None:
    below = notebook.cells.count() - 1
    cell = notebook.type_below(below, source)
    notebook.wait(below + 1, CELL_MS)
    terminal = cell.locator(".jp-OutputArea-output .dnlab-shell .xterm")
    expect(terminal).to_be_visible(timeout=ANSWER_MS)
    rows = terminal.locator(".xterm-rows")
    expect(rows).to_contain_text("#", timeout=ANSWER_MS)  # the shell's prompt: it started
    cells = notebook.cells.count()
    terminal.click()
    notebook.page.keyboard.type("ip a")
    notebook.page.keyboard.press("Enter")
    expect(rows).to_contain_text("eth0", timeout=ANSWER_MS)
    expect(rows).to_contain_text(re.compile(r"inet\s+172\."), timeout=ANSWER_MS)
    expect(notebook.cells).to_have_count(cells)
    notebook.screenshot(cell, terminal, screenshot)
    notebook.page.keyboard.type("exit")
    notebook.page.keyboard.press("Enter")
    expect(rows).to_contain_text(re.compile(r"\[process exited with code\s0\]"), timeout=ANSWER_MS)
