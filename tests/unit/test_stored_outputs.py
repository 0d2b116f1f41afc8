"""The outputs stored with the notebooks are what Binder and GitHub show: they must not name a path of
the machine that ran them (its checkout, home, temporary files, site-packages, Python frames), and
every stored error is the short form a learner sees in a real kernel (at most two lines, no
traceback). Course text such as a container's /etc/hosts is fine: only the machine's own paths count."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
MACHINE_PATH = re.compile(
    r"/work/|/root/|/home/|/tmp/|site-packages"
    r"|File \"[^\"\n]*\.py\""    # a Python frame: File "/x/y.py", line 3
    r"|\b[\w.-]+\.py:\d+"         # an IPython frame: File /x/y.py:123, in f
)
TRACEBACK = "Traceback (most recent call last)"


def stored_texts(cell) -> list[tuple[str, str]]:
    """(what, text) of every stored output of ``cell``: stream text, error evalue and traceback,
    text/plain and text/html of results and displays; ANSI colours stripped."""
    found = []
    for output in cell.get("outputs", []):
        kind = output["output_type"]
        if kind == "stream":
            found.append((f"stream {output['name']}", output["text"]))
        elif kind == "error":
            found.append(("error evalue", output.get("evalue", "")))
            found.append(("error traceback", "\n".join(output.get("traceback", []))))
        else:
            for mime in ("text/plain", "text/html"):
                value = output.get("data", {}).get(mime)
                if value is not None:
                    found.append((f"{kind} {mime}", value if isinstance(value, str) else "".join(value)))
    return [(what, ANSI.sub("", text)) for what, text in found]


def excerpt(text: str, match: re.Match) -> str:
    return text[max(0, match.start() - 40):match.end() + 40].replace("\n", "\\n")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_no_stored_output_names_a_path_of_the_machine_that_ran_it(path):
    notebook = nbformat.read(path, as_version=4)
    found = []
    for index, cell in enumerate(notebook.cells):
        for what, text in stored_texts(cell):
            found += [f"cell {index} ({what}): {match.group(0)!r} in ...{excerpt(text, match)}..."
                      for match in MACHINE_PATH.finditer(text)]
    assert not found, f"{path.name}: {len(found)} machine paths stored:\n" + "\n".join(found[:20])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_stored_error_is_the_short_form(path):
    notebook = nbformat.read(path, as_version=4)
    long = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                lines = [line for entry in output.get("traceback", [])
                         for line in ANSI.sub("", entry).splitlines() if line.strip()]
                if len(lines) > 2 or any("Traceback" in line for line in lines):
                    long.append(f"cell {index}: {output.get('ename')} in {len(lines)} lines, ending: {lines[-1][:200]}")
            elif output["output_type"] == "stream" and TRACEBACK in output["text"]:
                long.append(f"cell {index}: a traceback printed to {output['name']}")
    assert not long, f"{path.name}: stored errors that are not one line:\n" + "\n".join(long)
