"""Exercise 6.01 in JupyterLab, in a real browser: open the notebook, run its first cells the way a
learner does (click a cell, Shift+Enter), and see the engine's answers rendered in the page."""
from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = [pytest.mark.engine, pytest.mark.timeout(900)]

NOTEBOOK = "exercise-6.01-hands-on-with-docker-networking.ipynb"
LAB = "exercise-6.01"
TABLE_CELL = "%dnet network ls"
RUN_THROUGH = "%dnet run -d --name webserver1"  # code cells up to this one: the lab, networks, docker0, a server
HAS_TOPOLOGY = importlib.util.find_spec("dnlab.views.topology") is not None

LOAD_MS = 60_000
FIRST_CELL_MS = 240_000  # `%dnet lab` cleans up and makes the images present (built offline if missing)
CELL_MS = 120_000
PRESSES = 3  # Shift+Enter presses before a cell that never starts fails
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
ERROR = r"Traceback|^\w*Error\b"

# Finished: the prompt shows an execution count. Failed: an error in its output, or never ran.
FINISHED = r"""cell => {
  const prompt = ((cell.querySelector('.jp-InputArea-prompt') || {}).textContent || '').trim();
  if (/^\[\d+\]:$/.test(prompt)) return 'done';
  const stderr = [...cell.querySelectorAll('%s')];
  if (stderr.some(e => /%s/m.test(e.textContent))) return 'error';
  if (prompt === '[ ]:') return 'not run (an earlier cell failed?)';
  return false;
}""" % (STDERR.replace("'", "\\'"), ERROR)


@dataclass
class Notebook:
    """The notebook open in the page, and the source of its cells as the file has them."""

    page: Page
    sources: list[str]

    @property
    def cells(self) -> Locator:
        return self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")

    def cell(self, index: int) -> Locator:
        return self.cells.nth(index)

    def index(self, text: str) -> int:
        found = [i for i, source in enumerate(self.sources) if text in source]
        assert found, f"no cell of {NOTEBOOK} contains {text!r}"
        return found[0]

    def run(self, index: int) -> None:
        """Select the cell (a click on its prompt) and press Shift+Enter: it is queued or running.

        Shift+Enter runs the cell only once it is the active one and the notebook has the keyboard (in
        command mode); just after the page loads, JupyterLab may still be moving the focus around, and a
        press can be lost (a fresh-clone run saw one): then the cell still shows ``[ ]:``, and it is
        selected and pressed again (a cell that was queued shows ``[*]:`` at once)."""
        cell = self.cell(index)
        prompt = cell.locator(".jp-InputArea-prompt")
        for attempt in range(PRESSES):
            prompt.click()
            expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"))
            expect(self.page.locator(".jp-NotebookPanel .jp-Notebook")).to_have_class(
                re.compile(r"\bjp-mod-commandMode\b"))
            self.page.wait_for_function("document.querySelector('.jp-NotebookPanel .jp-Notebook')"
                                        ".contains(document.activeElement)")
            self.page.keyboard.press("Shift+Enter")
            try:
                expect(prompt).not_to_have_text("[ ]:", timeout=10_000)
                return
            except AssertionError:
                if attempt == PRESSES - 1:
                    raise

    def wait(self, index: int, timeout_ms: float) -> None:
        """Wait until the cell finished; fail with its output if it raised."""
        cell = self.cell(index)
        what = f"cell {index} (`{(self.sources[index:index + 1] or ['new cell'])[0].strip().splitlines()[-1]}`)"
        state = self.page.wait_for_function(FINISHED, arg=cell.element_handle(), timeout=timeout_ms).json_value()
        output = "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts())
        assert state == "done", f"{what}: {state}\n{output}"
        stderr = cell.locator(STDERR).all_inner_texts()
        assert not any(re.search(ERROR, text, re.M) for text in stderr), f"{what} failed:\n{output}"

    def type_below(self, index: int, source: str) -> Locator:
        """A new code cell below cell ``index`` (``b``, as a learner adds one), ``source`` typed into it
        and run with Shift+Enter; the new cell."""
        self.cell(index).locator(".jp-InputArea-prompt").click()
        self.page.keyboard.press("b")
        cell = self.cell(index + 1)
        expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"))
        cell.locator(".jp-InputArea-editor").click()
        self.page.keyboard.type(source)
        self.page.keyboard.press("Shift+Enter")
        self.sources.insert(index + 1, source)
        return cell

    def screenshot(self, cell: Locator, shown: Locator, path) -> None:
        """Scroll the cell to the top of the notebook, and take the page once ``shown`` is in view."""
        cell.evaluate("element => element.scrollIntoView({block: 'start'})")
        expect(shown).to_be_in_viewport()
        self.page.mouse.move(0, 0)  # no hover highlight on a cell
        self.page.screenshot(path=path)
        print(f"screenshot: {path}")


@pytest.fixture(scope="module")
def notebook(page: Page, jupyterlab) -> Notebook:
    """Exercise 6.01 open in JupyterLab, kernel idle (a copy of the file: the repository's is never saved)."""
    cells = json.loads((jupyterlab.root / NOTEBOOK).read_text())["cells"]
    opened = Notebook(page, ["".join(c["source"]) for c in cells])
    page.goto(jupyterlab.url(NOTEBOOK))
    expect(opened.cells).to_have_count(len(cells), timeout=LOAD_MS)
    indicator = page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator")
    expect(indicator).to_have_attribute("data-status", "idle", timeout=LOAD_MS)
    return opened


@pytest.fixture(scope="module")
def ran(notebook: Notebook, jupyterlab) -> int:
    """Every code cell up to the one that starts webserver1, run and finished; that cell's index."""
    last = notebook.index(RUN_THROUGH)
    code = [i for i in range(last + 1) if "jp-CodeCell" in (notebook.cell(i).get_attribute("class") or "")]
    jupyterlab.labs.add(LAB)  # the kernel creates things labelled for the lab: cleaned up after the server stops
    for i in code:
        notebook.run(i)
    for n, i in enumerate(code):
        notebook.wait(i, FIRST_CELL_MS if n == 0 else CELL_MS)
    return last


def test_network_ls_shows_the_default_networks_as_a_table(notebook: Notebook, ran: int, artifact) -> None:
    cell = notebook.cell(notebook.index(TABLE_CELL))
    expect(cell.locator(".jp-InputArea-editor")).to_contain_text(TABLE_CELL)  # the page's cell is the file's
    table = cell.locator(".jp-OutputArea-output table")
    expect(table).to_be_visible()
    names = {text.strip() for text in table.locator("td").all_inner_texts()}
    assert {"bridge", "host", "none"} <= names, names
    notebook.screenshot(cell, table, artifact("jupyterlab-6.01.png"))


@pytest.mark.skipif(not HAS_TOPOLOGY, reason="dnlab.views.topology does not exist yet (%dnet topology)")
def test_topology_is_an_inline_svg(notebook: Notebook, ran: int, artifact) -> None:
    """`%dnet topology` typed into a new cell below those run: an inline <svg class="dnlab-topology">."""
    cell = notebook.type_below(ran, "%dnet topology")
    notebook.wait(ran + 1, CELL_MS)

    notebook.screenshot(cell, cell.locator(".jp-OutputArea-output").first, artifact("jupyterlab-6.01-topology.png"))
    svg = cell.locator(".jp-OutputArea-output svg.dnlab-topology")
    if not svg.count() and cell.locator('.jp-OutputArea-output img[src^="data:image/svg+xml"]').count():
        pytest.fail("the topology came as image/svg+xml, which JupyterLab shows as an <img>, not inline: "
                    "put the <svg> in the text/html output for an inline <svg class=\"dnlab-topology\">")
    expect(svg).to_be_visible()
    expect(svg).to_be_in_viewport()


def test_a_mistake_shows_as_one_line_in_the_page(notebook: Notebook, ran: int, artifact) -> None:
    """A bad line typed into a new cell: the page shows its one line (line, word, fix), no traceback."""
    cell = notebook.type_below(ran, "%%dnet\nnetwork create mistaken --subnet 10.213.0.300/24")
    expect(cell.locator(".jp-InputArea-prompt")).to_have_text(re.compile(r"^\[\d+\]:$"), timeout=CELL_MS)
    output = cell.locator(".jp-OutputArea-output")
    expect(output.first).to_contain_text("line 1", timeout=CELL_MS)
    notebook.screenshot(cell, output.first, artifact("jupyterlab-one-line-error.png"))
    lines = [line for text in output.all_inner_texts() for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "10.213.0.300/24" in lines[0] and "Traceback" not in lines[0] and ".py" not in lines[0], lines


def test_the_printed_address_opens_00_start_here(page: Page, jupyterlab, artifact) -> None:
    """The URL of scripts/lab's `dnlab: open URL` line, as a learner pastes it: JupyterLab, the token taken,
    00-start-here the notebook in front (other tabs this run opened may be restored behind it)."""
    page.goto(jupyterlab.printed)
    current = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
    expect(current).to_contain_text("00-start-here.ipynb", timeout=LOAD_MS)
    expect(page.locator(".jp-NotebookPanel:visible .jp-Cell").first).to_be_visible(timeout=LOAD_MS)
    page.mouse.move(0, 0)
    page.screenshot(path=artifact("jupyterlab-start-here.png"))
