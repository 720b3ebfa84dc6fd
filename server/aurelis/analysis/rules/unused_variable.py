"""AUR402: a local variable that is assigned but never read."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import FUNCTIONS, iter_scope, line_end, node_range, parents
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
        return all(k is None or isinstance(k, ast.Constant) for k in node.keys) and all(_pure(v) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.operand, ast.Constant)
    if isinstance(node, ast.BinOp):
        return isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant)
    return False


class UnusedVariable(Rule):
    code = "AUR402"
    name = "unused-variable"
    category = Category.MAINTAINABILITY
    severity = Severity.WARNING
    summary = "Local variable is assigned but never used"
    description = (
        "A local that is written and never read is dead code, or a sign that the wrong name is "
        "used further down. Not flagged: `_`-prefixed names, tuple-unpacking targets (unless the "
        "option `include_unpacking` is true), `global`/`nonlocal` names, loop and `with` targets, "
        "names read by a nested function, and functions that call `locals()`/`vars()`/`eval`/`exec`. "
        "An augmented assignment (`n += 1`) does not count as a use. The fix removes the "
        "assignment only when the name has that one binding and its value has no side effects."
    )
    bad = "def area(w, h):\n    unit = 'cm'\n    return w * h"
    good = "def area(w, h):\n    return w * h"
    fixable = True
    noqa = ("F841",)
    tags = frozenset({Tag.UNNECESSARY})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        tree = ctx.python_ast
        if tree is None:
            return
        include_unpacking = bool(ctx.option(self.code, "include_unpacking", False))
        up = parents(tree)
        found: list[Finding] = []
        for fn in ast.walk(tree):
            if isinstance(fn, FUNCTIONS):
                found.extend(self._function(ctx, fn, up, include_unpacking))
        yield from sorted(found, key=lambda f: f.start)

    def _function(self, ctx: RuleContext, fn: ast.AST, up: dict, include_unpacking: bool) -> Iterator[Finding]:
        own = list(iter_scope(fn))
        if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _INTROSPECTION for n in own):
            return
        declared = {name for n in own if isinstance(n, (ast.Global, ast.Nonlocal)) for name in n.names}
        # reads anywhere below, nested scopes included: a closure reading the name uses it
        reads = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)}
        bindings: dict[str, list[tuple[ast.Name, ast.stmt]]] = {}
        for stmt in own:
            targets: list[ast.AST] = []
            if isinstance(stmt, ast.Assign):
                targets = list(stmt.targets)
            elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and (
                    stmt.value is not None or isinstance(stmt, ast.AugAssign)):
                targets = [stmt.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    bindings.setdefault(t.id, []).append((t, stmt))
                elif include_unpacking and isinstance(t, (ast.Tuple, ast.List)):
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                            bindings.setdefault(n.id, []).append((n, stmt))
        # any binding we did not look at (for-target, with-as, walrus, unpacking...) marks the name as managed elsewhere
        other = {n.id for n in own if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
                 and not any(n is t for t, _ in bindings.get(n.id, ()))}
        removable = {id(stmt) for items in bindings.values() if len(items) == 1
                     for t, stmt in items if self._removable(ctx, stmt)}
        for name, items in bindings.items():
            if name.startswith("_") or name in declared or name in reads or name in other:
                continue
            for target, stmt in items:
                fix = None
                if len(items) == 1 and id(stmt) in removable:
                    fix = self._fix(ctx, name, stmt, up, removable)
                start, end = node_range(ctx, target)
                yield self.finding(start, end, message=f"Local variable `{name}` is assigned but never used", fix=fix)

    @staticmethod
    def _removable(ctx: RuleContext, stmt: ast.stmt) -> bool:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            return False
        if not _pure(stmt.value):
            return False
        start, end = node_range(ctx, stmt)
        line_start = ctx.source.rfind(b"\n", 0, start) + 1
        rest = ctx.source[end : line_end(ctx.source, end)].strip()
        # alone on its line(s): nothing before it, at most a comment after it
        return not ctx.source[line_start:start].strip() and (not rest or rest.startswith(b"#"))

    def _fix(self, ctx: RuleContext, name: str, stmt: ast.stmt, up: dict, removable: set[int]) -> Fix:
        parent = up[stmt]
        block = next(getattr(parent, f) for f in _BLOCK_FIELDS if stmt in getattr(parent, f, ()))
        start, end = node_range(ctx, stmt)
        if all(id(s) in removable for s in block) and stmt is block[-1]:
            # the block would be left empty: keep it valid
            return Fix(f"Replace the assignment to `{name}` with `pass`", (Edit(start, line_end(ctx.source, end), "pass"),))
        line_start = ctx.source.rfind(b"\n", 0, start) + 1
        nl = ctx.source.find(b"\n", end)
        stop = len(ctx.source) if nl < 0 else nl + 1
        return Fix(f"Remove the assignment to `{name}`", (Edit(line_start, stop, ""),))
