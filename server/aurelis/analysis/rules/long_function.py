"""AUR405: a function body with too many lines of code."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import FUNCTIONS, ast_index, def_name_range
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity
from aurelis.workspace.positions import LineIndex


def body_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef, lines: LineIndex) -> int:
    """Lines of the body that hold code: not blank, not only a comment, not the docstring."""
    body = fn.body
    skip: set[int] = set()
    first = body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        skip = set(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    count = 0
    for n in range(body[0].lineno, (fn.end_lineno or fn.lineno) + 1):
        text = lines.line_bytes(n - 1).strip() if n - 1 < len(lines.starts) else b""
        if n not in skip and text and not text.startswith(b"#"):
            count += 1
    return count


class LongFunction(Rule):
    code = "AUR405"
    name = "long-function"
    category = Category.MAINTAINABILITY
    severity = Severity.INFO
    enabled_by_default = False
    summary = "Function is too long"
    description = (
        "A function that does not fit on a screen is hard to read and usually does more than "
        "one thing; extract the steps into named helpers. Counted: lines of the body that hold "
        "code (blank lines, comment-only lines and the docstring do not count; nested functions "
        "do). Limit: option `max_lines`, default 60."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 0% actionable, 0% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. Long functions in mature code are straight-line and cohesive; a metric, not a defect. "
        "Select it by code to use it."
    )
    bad = "def main():\n    # 120 lines of setup, parsing and output\n    ..."
    good = "def main():\n    config = load_config()\n    data = parse(config)\n    report(data)"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        limit = int(ctx.option(self.code, "max_lines", 60))
        lines = ctx.doc.lines
        found: list[Finding] = []
        for fn in index.of(*FUNCTIONS):
            count = body_lines(fn, lines)
            if count > limit:
                start, end = def_name_range(ctx, fn)
                found.append(
                    self.finding(start, end, message=f"`{fn.name}` has {count} lines of code (limit {limit})")
                )
        yield from sorted(found, key=lambda f: f.start)
