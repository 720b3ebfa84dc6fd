"""AUR406: blocks nested too deeply inside a function."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import FUNCTIONS, ast_index, line_end, node_range
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity

_SKIP = (*FUNCTIONS, ast.ClassDef)  # measured on their own


def _blocks(ctx: RuleContext, stmt: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists one level below ``stmt``; an `elif` continues its `if` (same level)."""
    if isinstance(stmt, ast.If):
        out = [stmt.body]
        orelse = stmt.orelse
        if (
            len(orelse) == 1
            and isinstance(orelse[0], ast.If)
            and ctx.source.startswith(b"elif", node_range(ctx, orelse[0])[0])
        ):
            out += _blocks(ctx, orelse[0])
        elif orelse:
            out.append(orelse)
        return out
    if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [stmt.body]
    if isinstance(stmt, (ast.Try, ast.TryStar)):
        return [stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody]
    if isinstance(stmt, ast.Match):
        return [c.body for c in stmt.cases]
    return []


def first_too_deep(ctx: RuleContext, body: list[ast.stmt], limit: int) -> tuple[ast.stmt, int] | None:
    """The first statement (in source order) inside more than ``limit`` nested blocks."""
    stack: list[tuple[list[ast.stmt], int, int]] = [(body, 0, 0)]  # block, depth, next index
    while stack:
        block, depth, i = stack.pop()
        if i >= len(block):
            continue
        stmt = block[i]
        stack.append((block, depth, i + 1))
        if depth > limit:
            return stmt, depth
        if not isinstance(stmt, _SKIP):
            for inner in reversed(_blocks(ctx, stmt)):
                stack.append((inner, depth + 1, 0))
    return None


class DeepNesting(Rule):
    code = "AUR406"
    name = "deep-nesting"
    category = Category.MAINTAINABILITY
    severity = Severity.INFO
    enabled_by_default = False
    summary = "Blocks nested too deeply"
    description = (
        "Code inside many nested `if`/`for`/`while`/`with`/`try`/`match` blocks is hard to follow. "
        "Return early, `continue`, or extract the inner part into a function. The first "
        "statement inside more than `max_depth` (default 4) nested blocks of a function is "
        "reported; `elif` does not add a level and nested functions are measured on their own."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 0% actionable, 0% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. The nesting follows the format being parsed; a metric, not a defect. "
        "Select it by code to use it."
    )
    bad = "for a in xs:\n    if a:\n        for b in a:\n            if b:\n                with b:\n                    go(b)"
    good = "for a in xs:\n    if not a:\n        continue\n    handle(a)"
    noqa = ("PLR1702",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        limit = int(ctx.option(self.code, "max_depth", 4))
        found: list[Finding] = []
        for fn in index.of(*FUNCTIONS):
            hit = first_too_deep(ctx, fn.body, limit)
            if hit:
                stmt, depth = hit
                start, end = node_range(ctx, stmt)
                end = min(end, line_end(ctx.source, start))  # the statement's first line
                found.append(
                    self.finding(
                        start,
                        end,
                        message=f"Statement nested {depth} blocks deep in `{fn.name}` (limit {limit})",
                    )
                )
        yield from sorted(found, key=lambda f: f.start)
