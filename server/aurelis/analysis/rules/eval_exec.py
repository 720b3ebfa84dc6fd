"""AUR201: `eval` / `exec` on input that is not a literal string."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import ast_index, is_str_literal, node_range
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
        "`json.loads` or an explicit dispatch table instead. A literal string argument is not flagged."
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
        shadowed = {n.name for n in index.of(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)}  # type: ignore[attr-defined]
        shadowed |= {n.id for n in index.of(ast.Name) if isinstance(n.ctx, ast.Store)}  # type: ignore[attr-defined]
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
            start, end = node_range(ctx, node)
            found.append(
                self.finding(
                    start, end, message=f"`{which}` on non-literal input; whoever controls it runs code"
                )
            )
        yield from sorted(found, key=lambda f: f.start)
