"""The notebooks use only dnlab's curated public API: ``dnlab.__all__`` and its sub-packages' ``__all__``."""
import re
from pathlib import Path

import nbformat
import pytest

import dnlab

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
DOTTED = re.compile(r"\bdnlab((?:\.\w+)+)")
FROM = re.compile(r"^\s*from (dnlab(?:\.\w+)*) import ([\w, ]+)", re.M)
SUBPACKAGE = re.compile(r"\b(checks|machines|plugins|links)\.(\w+)")


def uses(source: str) -> set[tuple[str, str]]:
    """(module, name) pairs that a cell reaches in dnlab."""
    found = set()
    for chain in DOTTED.findall(source):
        parts = ["dnlab", *chain.strip(".").split(".")]
        found.add((parts[0], parts[1]))
        if len(parts) > 2 and parts[1] in dnlab.__all__ and hasattr(getattr(dnlab, parts[1]), "__all__"):
            found.add((f"dnlab.{parts[1]}", parts[2]))
    for module, names in FROM.findall(source):
        found |= {(module, name.strip()) for name in names.split(",")}
    found |= {(f"dnlab.{part}", name) for part, name in SUBPACKAGE.findall(source)}
    return found


def public(module: str) -> set[str]:
    """``__all__`` of ``dnlab`` or of what ``dnlab.NAME`` is (``dnlab.links`` is ``dnlab.host.links``)."""
    found = dnlab
    for part in module.split(".")[1:]:
        found = getattr(found, part, None)
    return set(getattr(found, "__all__", ()))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_use_only_the_public_api(path):
    cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    private = sorted(f"{module}.{name}" for source in cells for module, name in uses(source)
                     if module.startswith("dnlab") and name not in public(module) | {"__version__"})
    assert not private, f"{path.name} reaches past the public API: {private}"


def test_the_check_sees_a_private_path():
    assert ("dnlab.machines", "nodes") in uses("addr = dnlab.machines.nodes.underlay_ip('machine1')")
    assert "nodes" not in public("dnlab.machines")
