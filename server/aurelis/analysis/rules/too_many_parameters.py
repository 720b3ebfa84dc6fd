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


def count_parameters(
    fn: ast.FunctionDef | ast.AsyncFunctionDef, is_method: bool, keyword_only: bool = False
) -> int:
    """Positional-only and regular parameters (and keyword-only ones when ``keyword_only``);
    not `*args`/`**kwargs`, and not the `self`/`cls` of a method."""
    a = fn.args
    names = [p.arg for p in a.posonlyargs + a.args]
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)
    if is_method and not static and names:
        names = names[1:]
    return len(names) + (len(a.kwonlyargs) if keyword_only else 0)


class TooManyParameters(Rule):
    code = "AUR404"
    name = "too-many-parameters"
    category = Category.MAINTAINABILITY
    severity = Severity.INFO
    enabled_by_default = False
    summary = "Function takes too many parameters"
    description = (
        "A long list of positional parameters is hard to call correctly (which argument is the "
        "fourth?) and usually means the function does several things or that some parameters "
        "belong together in an object. Counted: positional-only and regular parameters, without "
        "the `self`/`cls` of a method. Keyword-only parameters (after `*`) are not counted by "
        "default: every call names them, which is the cure this rule would suggest (option "
        "`count_keyword_only = true` counts them too). `*args` and `**kwargs` are not counted. "
        "Limit: option `max_parameters`, default 5. `@overload` signatures are skipped (the "
        "implementation is checked)."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 0% actionable, 0% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. Long signatures in libraries are public API with optional parameters that cannot change. "
        "Select it by code to use it."
    )
    bad = "def connect(host, port, user, password, timeout, retries, tls):\n    ..."
    good = "def connect(target: Target, options: ConnectOptions):\n    ..."
    noqa = ("PLR0913",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        limit = int(ctx.option(self.code, "max_parameters", 5))
        keyword_only = ctx.option(self.code, "count_keyword_only", False) is True
        up = index.parents
        found: list[Finding] = []
        for fn in index.of(*FUNCTIONS):
            if not _is_overload(fn):
                count = count_parameters(fn, isinstance(up.get(fn), ast.ClassDef), keyword_only)
                if count > limit:
                    start, end = def_name_range(ctx, fn)
                    found.append(
                        self.finding(
                            start, end, message=f"`{fn.name}` takes {count} parameters (limit {limit})"
                        )
                    )
        yield from sorted(found, key=lambda f: f.start)
