"""Only the LSP layer may import pygls or lsprotocol (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import aurelis

PACKAGE = Path(aurelis.__file__).parent
PROTOCOL = ("pygls", "lsprotocol")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_lsp_layer_imports_protocol_libraries():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "lsp":
            continue
        for name in imported_modules(path):
            if name.split(".")[0] in PROTOCOL:
                offenders.append(f"{rel}: {name}")
    assert offenders == []


def test_the_check_sees_the_lsp_layer():
    # guard against the walk silently finding nothing
    assert any(n.startswith("pygls") for n in imported_modules(PACKAGE / "lsp" / "server.py"))


def test_the_priority_package_needs_only_the_standard_library():
    # every layer imports the foreground gate, so it must not pull anything in
    offenders = [
        f"{path.name}: {name}"
        for path in (PACKAGE / "priority").rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] not in sys.stdlib_module_names and not name.startswith("aurelis.priority")
    ]
    assert offenders == []
