"""AUR404: a function that takes too many parameters."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import FUNCTIONS, ast_index, def_name_range
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity


def _is_overload(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for d in fn.decorator_list:
        name = d.attr if isinstance(d, ast.Attribute) else d.id if isinstance(d, ast.Name) else None
        if name == "overload":
            return True
    return False


def count_parameters(fn: ast.FunctionDef | ast.AsyncFunctionDef, is_method: bool) -> int:
    """Positional-only, regular and keyword-only parameters; not `*args`/`**kwargs`, and not
    the `self`/`cls` of a method."""
    a = fn.args
    names = [p.arg for p in a.posonlyargs + a.args]
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)
    if is_method and not static and names:
        names = names[1:]
    return len(names) + len(a.kwonlyargs)


class TooManyParameters(Rule):
    code = "AUR404"
    name = "too-many-parameters"
    category = Category.MAINTAINABILITY
    severity = Severity.INFO
    summary = "Function takes too many parameters"
    description = (
        "A long parameter list is hard to call correctly and usually means the function does "
        "several things or that some parameters belong together in an object. Counted: "
        "positional-only, regular and keyword-only parameters, without the `self`/`cls` of a "
        "method; `*args` and `**kwargs` are not counted (they are one catch-all each, not "
        "parameters to remember). Limit: option `max_parameters`, default 5. `@overload` "
        "signatures are skipped (the implementation is checked)."
    )
    bad = "def connect(host, port, user, password, timeout, retries, tls):\n    ..."
    good = "def connect(target: Target, options: ConnectOptions):\n    ..."
    noqa = ("PLR0913",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        limit = int(ctx.option(self.code, "max_parameters", 5))
        up = index.parents
        found: list[Finding] = []
        for fn in index.of(*FUNCTIONS):
            if not _is_overload(fn):
                count = count_parameters(fn, isinstance(up.get(fn), ast.ClassDef))
                if count > limit:
                    start, end = def_name_range(ctx, fn)
                    found.append(
                        self.finding(
                            start, end, message=f"`{fn.name}` takes {count} parameters (limit {limit})"
                        )
                    )
        yield from sorted(found, key=lambda f: f.start)
