"""dnlab keeps one layer order: a part imports only parts in lower layers, and itself."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

import pytest

# Bottom to top. Parts in one tuple are siblings and must not import each other. A part is the first
# component below the package (dnlab/engine/client.py is dnlab.engine). README's "Layout" section
# states the same order: change both together. dnlab/__init__.py (the public API) may import anything.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "labels", "settings"),
    ("engine", "parser"),
    ("images",),
    ("lab",),
    ("host",),
    ("cleanup",),
    ("machines",),
    ("checks", "views", "plugins"),
    ("commands",),
    ("doctor", "completion"),
    ("magics", "cli"),
    ("__main__",),
)
# Programs run inside a plugin's rootfs, not in dnlab: they import nothing from dnlab at all.
STANDALONE: tuple[str, ...] = ("plugins/mesh/driver.py",)
PACKAGE_DIR = Path(__file__).resolve().parents[2] / "dnlab"


class Findings(NamedTuple):
    """What the checker found, one readable line per problem."""
    layering: list[str]  # upward, sibling or unplaced-part imports
    unmarked: list[str]  # function-level package imports without a "lazy" comment
    unknown: list[str]  # module files in no listed part
    standalone: list[str]  # package imports in a standalone program


def _imports(nodes: Iterable[ast.AST], in_function: bool = False
             ) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement anywhere below nodes, with whether it sits inside a function."""
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, in_function
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in (getattr(node.test, "id", 0),
                                                              getattr(node.test, "attr", 0)):
            # exempt: the body of `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`) never runs; its else does
            yield from _imports(node.orelse, in_function)
        else:
            inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from _imports(ast.iter_child_nodes(node), inner)


def _targets(node: ast.Import | ast.ImportFrom, home: str, package_dir: Path, package: str) -> list[str]:
    """The package modules a statement in package `home` imports, relative imports resolved;
    `from pkg import Name` of a non-module yields `pkg`, the public API itself."""
    if isinstance(node, ast.Import):
        found = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            anchor = home.split(".")[: len(home.split(".")) - node.level + 1]
            base = ".".join(anchor + ([node.module] if node.module else []))
        if base == package:
            found = [f"{package}.{a.name}" if (package_dir / a.name).is_dir()
                     or (package_dir / f"{a.name}.py").is_file() else package for a in node.names]
        else:
            found = [base]
    return [t for t in found if t == package or t.startswith(package + ".")]


def check(package_dir: Path, package: str, layers: tuple[tuple[str, ...], ...],
          standalone: tuple[str, ...] = ()) -> Findings:
    """Scan every module of the package in package_dir against layers (bottom to top)."""
    layer_of = {part: n for n, line in enumerate(layers, 1) for part in line}
    found = Findings([], [], [], [])
    for path in sorted(package_dir.rglob("*.py")):
        rel = path.relative_to(package_dir)
        shown, home = f"{package}/{rel.as_posix()}", ".".join([package, *rel.parent.parts])
        part = rel.parts[0].removesuffix(".py")
        if rel.as_posix() != "__init__.py" and part not in layer_of:
            found.unknown.append(f"{shown} belongs to {package}.{part}, which is not in the layer list")
        lines = path.read_text().splitlines()
        for node, in_function in _imports(ast.parse("\n".join(lines), str(path)).body):
            for target in _targets(node, home, package_dir, package):
                where = f"{shown}:{node.lineno} imports {target}"
                comments = [ln.partition("#")[2].lower() for ln in lines[node.lineno - 1:node.end_lineno]]
                if in_function and not any("lazy" in c for c in comments):
                    found.unmarked.append(f"{where} inside a function with no '# lazy: why' comment")
                if alone := rel.as_posix() in standalone:
                    found.standalone.append(f"{where}, but it is a standalone program")
                if alone or part not in layer_of:
                    continue  # the public API __init__ is exempt; unknown parts are reported above
                what = f"{shown}:{node.lineno} imports {'.'.join(target.split('.')[:2])}"  # the part
                to = target.partition(".")[2].partition(".")[0]
                here = f"from {package}.{part} (layer {layer_of[part]})"
                if not to:
                    found.layering.append(f"{what} (the public API) {here}")
                elif to not in layer_of:
                    found.layering.append(f"{what} (not in the layer list) {here}")
                elif to != part and layer_of[to] >= layer_of[part]:
                    found.layering.append(f"{what} (layer {layer_of[to]}) {here}")
    return found


@pytest.mark.parametrize("kind, why", [
    ("layering", "imports upward, between siblings, or of a part not placed in LAYERS"),
    ("unknown", "modules in no part of LAYERS"),
    ("unmarked", "function-level imports of dnlab without a 'lazy' comment (dodging a cycle?)"),
    ("standalone", "standalone programs (the mesh driver) importing dnlab"),
], ids=["layering", "unknown", "unmarked", "standalone"])
def test_dnlab_keeps_the_layer_order(kind: str, why: str) -> None:
    """Fails listing every problem of one kind, one per line."""
    if problems := getattr(check(PACKAGE_DIR, "dnlab", LAYERS, STANDALONE), kind):
        pytest.fail(f"{why} ({len(problems)}):\n" + "\n".join(problems), pytrace=False)


def test_the_checker_reports_each_kind_of_violation(tmp_path: Path) -> None:
    """A synthetic package with one violation of each kind gets exactly those reported."""
    files = {
        "__init__.py": "from fakepkg import views, Thing\n",  # the public API: exempt
        "errors.py": "import json\nimport fakepkg.engine.client\n",  # upward
        "labels.py": "from . import errors\n",  # sibling
        "engine/__init__.py": "from .client import connect\nfrom fakepkg.engine import client\n",
        "engine/client.py": ("from typing import TYPE_CHECKING\nfrom .. import errors\n"
                             "if TYPE_CHECKING:\n    from fakepkg import views\n"
                             "def connect() -> None:\n    import json\n"
                             "    from fakepkg.labels import x  # lazy: slow to import\n"
                             "    from ..errors import (E,\n        F)\n"),
        "views.py": "import fakepkg.newpart\nfrom fakepkg import Thing\n",
        "newpart.py": "", "tools/run.py": "from fakepkg import errors\n",
    }
    for name, text in files.items():
        (path := tmp_path / "fakepkg" / name).parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    found = check(tmp_path / "fakepkg", "fakepkg", (("errors", "labels"), ("engine",), ("views",)),
                  ("tools/run.py",))
    assert found == Findings(layering=[
        "fakepkg/errors.py:2 imports fakepkg.engine (layer 2) from fakepkg.errors (layer 1)",
        "fakepkg/labels.py:1 imports fakepkg.errors (layer 1) from fakepkg.labels (layer 1)",
        "fakepkg/views.py:1 imports fakepkg.newpart (not in the layer list) from fakepkg.views (layer 3)",
        "fakepkg/views.py:2 imports fakepkg (the public API) from fakepkg.views (layer 3)"],
        unmarked=["fakepkg/engine/client.py:8 imports fakepkg.errors inside a function with no "
                  "'# lazy: why' comment"],
        unknown=[
        "fakepkg/newpart.py belongs to fakepkg.newpart, which is not in the layer list",
        "fakepkg/tools/run.py belongs to fakepkg.tools, which is not in the layer list"],
        standalone=["fakepkg/tools/run.py:1 imports fakepkg.errors, but it is a standalone program"])
