"""AUR402: a local variable that is assigned but never read."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import Any

from aurelis.analysis.astutil import FUNCTIONS, ast_index, line_end, node_range
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Finding, Fix, Rule, Severity, Tag

# calls that read locals by name: a function using them is left alone
_INTROSPECTION = {"locals", "vars", "eval", "exec"}
_BLOCK_FIELDS = ("body", "orelse", "finalbody")


def _pure(node: ast.AST) -> bool:
    """An expression whose evaluation has no side effects worth keeping."""
    if isinstance(node, (ast.Constant, ast.Name, ast.Lambda)):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_pure(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is None or isinstance(k, ast.Constant) for k in node.keys) and all(
            _pure(v) for v in node.values
        )
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.operand, ast.Constant)
    if isinstance(node, ast.BinOp):
        return isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant)
    return False


def _read_below(fn: ast.AST, loads: Iterable[ast.AST], parents: dict[ast.AST, ast.AST]) -> bool:
    """A read (or del) of the name anywhere inside ``fn``, nested functions included:
    a closure reading the name uses it."""
    for load in loads:
        node: ast.AST | None = load
        while node is not None:
            if node is fn:
                return True
            node = parents.get(node)
    return False


class UnusedVariable(Rule):
    code = "AUR402"
    name = "unused-variable"
    category = Category.MAINTAINABILITY
    severity = Severity.WARNING
    enabled_by_default = False
    summary = "Local variable is assigned but never used"
    description = (
        "A local that is written and never read is dead code, or a sign that the wrong name is "
        "used further down. Not flagged: `_`-prefixed names, tuple-unpacking targets (unless the "
        "option `include_unpacking` is true), `global`/`nonlocal` names, loop and `with` targets, "
        "names read by a nested function, and functions that call `locals()`/`vars()`/`eval`/`exec`. "
        "An augmented assignment (`n += 1`) does not count as a use. The fix removes the "
        "assignment only when the name has that one binding and its value has no side effects."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 38% actionable, 25% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. Many are calls kept for their side effect (`dummy = f()`) or demo locals shown in tracebacks. "
        "Select it by code to use it."
    )
    bad = "def area(w, h):\n    unit = 'cm'\n    return w * h"
    good = "def area(w, h):\n    return w * h"
    fixable = True
    noqa = ("F841",)
    tags = frozenset({Tag.UNNECESSARY})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        include_unpacking = bool(ctx.option(self.code, "include_unpacking", False))
        # candidate bindings per function: plain, annotated and augmented assignments
        bindings: dict[tuple[int, str], list[tuple[ast.Name, ast.stmt]]] = {}
        functions: dict[int, ast.AST] = {}
        direct: set[int] = set()
        for stmt in index.of(ast.Assign, ast.AnnAssign, ast.AugAssign):
            scope = index.scope_of(stmt)
            if not isinstance(scope, FUNCTIONS):
                continue
            if isinstance(stmt, ast.Assign):
                targets = list(stmt.targets)
            elif stmt.value is not None or isinstance(stmt, ast.AugAssign):
                targets = [stmt.target]
            else:
                continue
            for t in targets:
                names = (
                    [t]
                    if isinstance(t, ast.Name)
                    else [n for n in ast.walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
                    if include_unpacking and isinstance(t, (ast.Tuple, ast.List))
                    else []
                )
                for n in names:
                    direct.add(id(n))
                    if not n.id.startswith("_"):
                        bindings.setdefault((id(scope), n.id), []).append((n, stmt))
                        functions[id(scope)] = scope
        if not bindings:
            return
        # names each function must leave alone: global/nonlocal, bound some other way, or read via locals()
        blocked: set[tuple[int, str]] = set()
        hands_off: set[int] = set()
        for node in index.of(ast.Global, ast.Nonlocal):
            blocked.update((id(index.scope_of(node)), name) for name in node.names)
            if isinstance(node, ast.Nonlocal):  # the enclosing functions' variable is shared, hence used
                up = index.parents.get(node)
                while up is not None:
                    blocked.update((id(up), name) for name in node.names)
                    up = index.parents.get(up)
        for call in index.of(ast.Call):
            if isinstance(call.func, ast.Name) and call.func.id in _INTROSPECTION:
                hands_off.add(id(index.scope_of(call)))
        loads: dict[str, list[ast.AST]] = {}
        for n in index.of(ast.Name):
            if isinstance(n.ctx, ast.Store):
                if id(n) not in direct:
                    blocked.add((id(index.scope_of(n)), n.id))
            else:
                loads.setdefault(n.id, []).append(n)
        removable = {
            id(stmt)
            for items in bindings.values()
            if len(items) == 1
            for _, stmt in items
            if self._removable(ctx, stmt)
        }
        found: list[Finding] = []
        for (fn_id, name), items in bindings.items():
            fn = functions[fn_id]
            if (
                fn_id in hands_off
                or (fn_id, name) in blocked
                or _read_below(fn, loads.get(name, ()), index.parents)
            ):
                continue
            for target, bound in items:
                fix = None
                if len(items) == 1 and id(bound) in removable:
                    fix = self._fix(ctx, name, bound, index.parents, removable)
                start, end = node_range(ctx, target)
                found.append(
                    self.finding(
                        start, end, message=f"Local variable `{name}` is assigned but never used", fix=fix
                    )
                )
        yield from sorted(found, key=lambda f: f.start)

    @staticmethod
    def _removable(ctx: RuleContext, stmt: ast.stmt) -> bool:
        if not (
            isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
        ):
            return False
        if not _pure(stmt.value):
            return False
        start, end = node_range(ctx, stmt)
        line_start = ctx.source.rfind(b"\n", 0, start) + 1
        rest = ctx.source[end : line_end(ctx.source, end)].strip()
        # alone on its line(s): nothing before it, at most a comment after it
        return not ctx.source[line_start:start].strip() and (not rest or rest.startswith(b"#"))

    def _fix(
        self, ctx: RuleContext, name: str, stmt: ast.stmt, up: dict[Any, Any], removable: set[int]
    ) -> Fix:
        parent = up[stmt]
        block = next(getattr(parent, f) for f in _BLOCK_FIELDS if stmt in getattr(parent, f, ()))
        start, end = node_range(ctx, stmt)
        if all(id(s) in removable for s in block) and stmt is block[-1]:
            # the block would be left empty: keep it valid
            return Fix(
                f"Replace the assignment to `{name}` with `pass`",
                (Edit(start, line_end(ctx.source, end), "pass"),),
            )
        line_start = ctx.source.rfind(b"\n", 0, start) + 1
        nl = ctx.source.find(b"\n", end)
        stop = len(ctx.source) if nl < 0 else nl + 1
        return Fix(f"Remove the assignment to `{name}`", (Edit(line_start, stop, ""),))
