"""AUR201: `eval` / `exec` on input that is not a literal string."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import AstIndex, ast_index, is_str_literal, node_range
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity

_BUILTINS = {"eval", "exec"}


class EvalExec(Rule):
    code = "AUR201"
    name = "eval-exec"
    category = Category.SECURITY
    severity = Severity.WARNING
    summary = "`eval`/`exec` on non-literal input"
    description = (
        "`eval` and `exec` run arbitrary code: when the text comes from a variable, a file or a "
        "request, whoever controls it controls the process. Parse data with `ast.literal_eval`, "
        "`json.loads` or an explicit dispatch table instead. A literal string argument is not flagged, "
        "nor is a code object the program compiled itself: a name bound by `compile(...)` in the same "
        "function, or a parameter annotated `CodeType` (template engines and code generators run their "
        "own output; the text that went into `compile` is what to check)."
    )
    bad = "value = eval(request.args['expr'])"
    good = "import ast\nvalue = ast.literal_eval(request.args['expr'])"
    noqa = ("S307", "S102")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        calls = [
            c
            for c in index.of(ast.Call)
            if isinstance(c, ast.Call)
            and (
                (isinstance(c.func, ast.Name) and c.func.id in _BUILTINS)
                or (isinstance(c.func, ast.Attribute) and c.func.attr in _BUILTINS)
            )
        ]
        if not calls:
            return
        imports = index.imports
        # a module that defines or imports its own `eval` means something else by it
        shadowed = {n.name for n in index.of(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)}
        shadowed |= {n.id for n in index.of(ast.Name) if isinstance(n.ctx, ast.Store)}
        shadowed |= {name for name, origin in imports.names.items() if not origin.startswith("builtins.")}
        found = []
        for node in calls:
            func = node.func
            if isinstance(func, ast.Name) and func.id in _BUILTINS and func.id not in shadowed:
                which = func.id
            elif imports.qualname(func) in ("builtins.eval", "builtins.exec"):
                which = imports.qualname(func).rsplit(".", 1)[1]  # type: ignore[union-attr]
            else:
                continue
            if not node.args or is_str_literal(node.args[0]) or isinstance(node.args[0], ast.Starred):
                continue
            if _compiled(node.args[0], index, _scope(node, index)):
                continue
            start, end = node_range(ctx, node)
            found.append(
                self.finding(
                    start, end, message=f"`{which}` on non-literal input; whoever controls it runs code"
                )
            )
        yield from sorted(found, key=lambda f: f.start)


def _scope(node: ast.AST, index: AstIndex) -> ast.AST | None:
    """The function (or module) whose body holds ``node``."""
    up = index.parents.get(node)
    while up is not None and not isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        up = index.parents.get(up)
    return up


def _compiled(arg: ast.expr, index: AstIndex, scope: ast.AST | None) -> bool:
    """``arg`` is a code object: bound by ``compile(...)`` (or ``CodeType(...)``, and its
    ``.replace(...)``) in the same function, or a parameter of it annotated ``CodeType``."""
    if not isinstance(arg, ast.Name):
        return False
    for a in index.of(ast.arg):
        parent = index.parents.get(a)
        grand = index.parents.get(parent) if parent is not None else None
        if _scope(a, index) is not scope and grand is not scope:
            continue
        ann = a.annotation
        if a.arg == arg.id and ann is not None:
            name = ann.attr if isinstance(ann, ast.Attribute) else getattr(ann, "id", "")
            if name == "CodeType" or (isinstance(ann, ast.Constant) and "CodeType" in str(ann.value)):
                return True
    compiled: set[str] = set()
    for assign in index.of(ast.Assign):  # in source order: `code = compile(...)`, then `code.replace(...)`
        if _scope(assign, index) is not scope:
            continue
        value = assign.value
        if not isinstance(value, ast.Call):
            continue
        func = value.func
        makes_code = (isinstance(func, ast.Name) and func.id in ("compile", "CodeType")) or (
            isinstance(func, ast.Attribute)
            and func.attr == "replace"
            and isinstance(func.value, ast.Name)
            and func.value.id in compiled  # CodeType.replace keeps it a code object
        )
        if makes_code:
            compiled.update(t.id for t in assign.targets if isinstance(t, ast.Name))
    return arg.id in compiled
