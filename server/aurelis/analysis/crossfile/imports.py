"""What one Python module binds at module level and what it takes from other modules:
the rows of the workspace import graph (see ``project_imports.py``).

Module references are kept as written, ``(level, dotted)`` (``level`` > 0 for a
relative import); the project resolves them to files, since only it knows the
packages. ``m.attr`` counts as taking ``attr`` from module ``m`` when ``m`` is
bound by an import in the file (``import a.b``, ``import a.b as m``,
``from pkg import m``); a name that is not a module simply resolves to nothing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

ModuleRef = tuple[int, str]  # (relative level, dotted name as written)


@dataclass(frozen=True, slots=True)
class ImportFacts:
    bound: frozenset[str]  # names bound at module level (defs, assignments, imports, globals)
    exported: frozenset[str]  # strings of the module-level __all__
    dynamic: bool  # a star import or a module-level __getattr__: any name may resolve
    from_imports: tuple[tuple[ModuleRef, str], ...]  # `from M import name`
    star_imports: tuple[ModuleRef, ...]  # `from M import *`
    attr_uses: tuple[tuple[ModuleRef, str], ...]  # `m.name` with m bound to module M
    # first line of each use: left out of equality, so an edit that only moves lines keeps the graph
    lines: dict[tuple[ModuleRef, str], int] = field(default_factory=dict, compare=False, hash=False)


_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)


def _targets(node: ast.AST, out: set[str]) -> None:
    if isinstance(node, ast.Name):
        out.add(node.id)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for elt in node.elts:
            _targets(elt, out)
    elif isinstance(node, ast.Starred):
        _targets(node.value, out)


def _bind_stmt(stmt: ast.stmt, out: set[str]) -> bool:
    """Adds what ``stmt`` binds at its level; True when it star-imports."""
    star = False
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.add(stmt.name)
    elif isinstance(stmt, ast.Assign):
        for t in stmt.targets:
            _targets(t, out)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        _targets(stmt.target, out)
    elif isinstance(stmt, ast.Import):
        for a in stmt.names:
            out.add(a.asname or a.name.split(".", 1)[0])
    elif isinstance(stmt, ast.ImportFrom):
        for a in stmt.names:
            if a.name == "*":
                star = True
            else:
                out.add(a.asname or a.name)
    elif isinstance(stmt, (ast.For, ast.AsyncFor)):
        _targets(stmt.target, out)
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        for item in stmt.items:
            if item.optional_vars is not None:
                _targets(item.optional_vars, out)
    elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
        handlers: list[ast.ExceptHandler] = getattr(stmt, "handlers", [])
        for h in handlers:
            if h.name:
                out.add(h.name)
    return star


def _blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    blocks = [getattr(stmt, f, None) for f in ("body", "orelse", "finalbody")]
    blocks += [h.body for h in getattr(stmt, "handlers", []) or []]
    blocks += [c.body for c in getattr(stmt, "cases", []) or []]
    return [b for b in blocks if isinstance(b, list)]


def module_bindings(tree: ast.Module, source: bytes | None = None) -> tuple[set[str], bool]:
    """Names bound at module level (through if/try/with/for blocks, and `global` in functions),
    and whether a star import makes the set open-ended. ``source``: skip the walk for `global`
    when the text has none (a walk of a large data module costs seconds)."""
    out: set[str] = set()
    star = False
    stack = [tree.body]
    while stack:
        for stmt in stack.pop():
            star |= _bind_stmt(stmt, out)
            if isinstance(stmt, (*_COMPOUND, ast.Match)) or type(stmt).__name__ == "TryStar":
                stack.extend(_blocks(stmt))
    if source is None or b"global" in source:
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                out.update(node.names)
    return out, star


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones included (imports are statements: no expression is visited)."""
    stack = [body]
    while stack:
        for stmt in stack.pop():
            yield stmt
            stack.extend(_blocks(stmt))


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _all_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for stmt in tree.body:
        targets: list[ast.expr] = []
        value = None
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            targets, value = [stmt.target], stmt.value
        elif (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute)
            and isinstance(stmt.value.func.value, ast.Name)
            and stmt.value.func.value.id == "__all__"
        ):
            targets, value = [stmt.value.func.value], stmt.value
        if value is not None and any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            names.update(
                n.value for n in ast.walk(value) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            )
    return names


def import_facts(tree: ast.Module, source: bytes | None = None) -> ImportFacts:
    """``source`` (the parsed text) lets the expensive walks be skipped when it cannot matter."""
    bound, star = module_bindings(tree, source)
    dynamic = star or any(
        isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__getattr__" for s in tree.body
    )
    from_imports: list[tuple[ModuleRef, str]] = []
    lines: dict[tuple[ModuleRef, str], int] = {}
    stars: list[ModuleRef] = []
    aliases: dict[str, list[ModuleRef]] = {}  # a name bound to a module somewhere in the file
    attrs: list[tuple[ModuleRef, str]] = []
    for node in _statements(tree.body):
        if isinstance(node, ast.ImportFrom):
            ref = (node.level, node.module or "")
            for a in node.names:
                if a.name == "*":
                    stars.append(ref)
                    continue
                from_imports.append((ref, a.name))
                lines.setdefault((ref, a.name), node.lineno)
                sub = f"{ref[1]}.{a.name}" if ref[1] else a.name
                aliases.setdefault(a.asname or a.name, []).append((node.level, sub))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    aliases.setdefault(a.asname, []).append((0, a.name))
                else:
                    head = a.name.split(".", 1)[0]
                    aliases.setdefault(head, []).append((0, head))
    attribute_nodes: list[ast.Attribute] = []
    if aliases and (
        source is None
        or re.search(rb"\b(?:%s)\s*\." % b"|".join(re.escape(a.encode()) for a in aliases), source)
    ):
        attribute_nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
    for attribute in attribute_nodes:
        base = _dotted(attribute.value)
        if base is None:
            continue
        head, _, rest = base.partition(".")
        for level, module in aliases.get(head, ()):
            use = ((level, f"{module}.{rest}" if rest else module), attribute.attr)
            attrs.append(use)
            lines[use] = min(lines.get(use, node.lineno), node.lineno)
    return ImportFacts(
        bound=frozenset(bound),
        exported=frozenset(_all_names(tree)),
        dynamic=dynamic,
        from_imports=tuple(dict.fromkeys(from_imports)),
        star_imports=tuple(dict.fromkeys(stars)),
        attr_uses=tuple(dict.fromkeys(attrs)),
        lines=lines,
    )


def parse_facts(source: bytes) -> ImportFacts | None:
    """``import_facts`` of a source; None when it does not parse."""
    try:
        return import_facts(ast.parse(source), source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
