"""The import rules of ARCHITECTURE.md: every row of its layer table, and no import cycles.

Every import counts: at module level, inside functions and under ``TYPE_CHECKING``
(an annotation-only import is still a dependency, and the next refactor turns it
into a runtime one).
"""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import aurelis

PACKAGE = Path(aurelis.__file__).parent
ARCHITECTURE = Path(__file__).resolve().parents[1] / "ARCHITECTURE.md"
PROTOCOL = ("pygls", "lsprotocol")


# -- reading imports ---------------------------------------------------------------------------
def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path, package: str, modules: frozenset[str] = frozenset()) -> set[str]:
    """Absolute dotted names imported by ``path``. ``from a import b`` gives ``a.b`` when that
    is one of ``modules`` (importing a submodule is not a dependency on its package's
    ``__init__``), else ``a`` and ``a.b``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for a in node.names:
                name = f"{module}.{a.name}"
                names.update([name] if name in modules else [module, name])
    return names


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports."""
    paths = {module_name(root, p): p for p in root.rglob("*.py")}
    modules = frozenset(paths)
    graph: dict[str, set[str]] = {}
    for mod, path in paths.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        graph[mod] = {n for n in imported_names(path, package, modules) if n in paths and n != mod}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


# -- the table -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    layers: tuple[str, ...]  # `lsp/` -> "lsp", `engine.py` -> "engine"
    aurelis: frozenset[str] | None  # layers it may import; None: every layer
    external: tuple[str, ...] | None  # third-party patterns allowed; None: any
    protocol_allowed: bool


def layer_of(module: str) -> str:
    return module.split(".")[1] if "." in module else "__init__"


def _layer_names(cell: str) -> list[str]:
    return [t.rstrip("/").removesuffix(".py") for t in re.findall(r"`([^`]+)`", cell)]


def table_rows(text: str) -> list[Row]:
    section = text.split("## Layers and who may import whom", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        package, _knows, ours, theirs = cells
        aurelis_cell = None if "everything" in ours else frozenset(_layer_names(ours))
        if theirs.startswith("anything"):
            external, protocol_allowed = None, "but the protocol" not in theirs
        else:
            external = tuple(re.findall(r"`([^`]+)`", theirs))
            protocol_allowed = any(p in external for p in PROTOCOL)
        rows.append(Row(tuple(_layer_names(package)), aurelis_cell, external, protocol_allowed))
    return rows


def violations(root: Path, rows: list[Row]) -> list[str]:
    by_layer = {layer: row for row in rows for layer in row.layers}
    layers = {p.stem for p in root.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()}
    out = []
    for path in sorted(root.rglob("*.py")):
        mod = module_name(root, path)
        layer = layer_of(mod)
        if layer == "__init__":
            continue  # the package docstring and version
        row = by_layer.get(layer)
        if row is None:
            out.append(f"{mod}: its package `{layer}` has no row in the table")
            continue
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for name in imported_names(path, package):
            top = name.split(".")[0]
            if top == root.name:
                target = layer_of(name) if layer_of(name) in layers else "__init__"  # `aurelis.__version__`
                if target in (layer, "__init__") or row.aurelis is None or target in row.aurelis:
                    continue
                out.append(f"{mod} imports {root.name}.{target}: `{layer}` may not import `{target}`")
            elif top in sys.stdlib_module_names or top == "__future__":
                continue
            elif top in PROTOCOL and not row.protocol_allowed:
                out.append(f"{mod} imports {top}: only the LSP layer imports the protocol")
            elif row.external is not None and not any(fnmatch.fnmatch(top, p) for p in row.external):
                out.append(f"{mod} imports {top}: `{layer}` may import only {', '.join(row.external)}")
    return sorted(set(out))


def test_every_row_of_the_architecture_table_holds():
    rows = table_rows(ARCHITECTURE.read_text(encoding="utf-8"))
    assert violations(PACKAGE, rows) == []


def test_the_table_has_a_row_for_every_package():
    rows = table_rows(ARCHITECTURE.read_text(encoding="utf-8"))
    listed = {layer for row in rows for layer in row.layers}
    present = {layer_of(module_name(PACKAGE, p)) for p in PACKAGE.rglob("*.py")} - {"__init__"}
    assert present == listed
    # guard against the parser silently reading nothing: the table's rows as written
    by_layer = {layer: row for row in rows for layer in row.layers}
    assert by_layer["priority"].aurelis == frozenset() and by_layer["priority"].external == ()
    assert by_layer["lsp"].aurelis is None and by_layer["lsp"].protocol_allowed
    assert not by_layer["engine"].protocol_allowed and "index" in (by_layer["engine"].aurelis or ())


def test_no_module_takes_part_in_an_import_cycle():
    graph = import_graph(PACKAGE)
    assert len(graph) > 100  # the walk found the package
    assert cycles(graph) == []


# -- the checks catch what they are for ------------------------------------------------------------
def _write(root: Path, files: dict[str, str]) -> Path:
    pkg = root / "demo"
    for rel, text in files.items():
        path = pkg / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return pkg


def test_a_circle_through_type_checking_and_a_lazy_import_is_found(tmp_path: Path):
    pkg = _write(
        tmp_path,
        {
            "__init__.py": "",
            "engine.py": "def make():\n    from demo.index.manager import Manager\n    return Manager()\n",
            "index/__init__.py": "",
            "index/manager.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from demo.engine import E\n",
            "index/leaf.py": "from . import manager\n",
        },
    )
    assert cycles(import_graph(pkg)) == [["demo.engine", "demo.index.manager"]]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"engine.py": "", "workspace/a.py": "from demo.engine import Engine\n"},
            "`workspace` may not import `engine`",
        ),
        ({"index/a.py": "import pygls.server\n"}, "only the LSP layer imports the protocol"),
        ({"config/a.py": "import httpx\n"}, "`config` may import only pydantic"),
        ({"tools/a.py": "x = 1\n"}, "`tools` has no row"),
    ],
)
def test_a_row_violation_is_reported(tmp_path: Path, files: dict[str, str], expected: str):
    rows = table_rows(ARCHITECTURE.read_text(encoding="utf-8"))
    pkg = _write(tmp_path, {"__init__.py": "", **files})
    found = violations(pkg, rows)
    assert len(found) == 1 and expected in found[0], found


def test_the_priority_package_needs_only_the_standard_library():
    # every layer imports the foreground gate, so it must not pull anything in
    offenders = [
        f"{path.name}: {name}"
        for path in (PACKAGE / "priority").rglob("*.py")
        for name in imported_names(path, "aurelis.priority")
        if name.split(".")[0] not in sys.stdlib_module_names and not name.startswith("aurelis.priority")
    ]
    assert offenders == []
