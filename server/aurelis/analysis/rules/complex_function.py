"""AUR403: a function whose cyclomatic (McCabe) complexity is over the limit."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import FUNCTIONS, ast_index, def_name_range
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity


def _irrefutable(pattern: ast.pattern) -> bool:
    if isinstance(pattern, ast.MatchAs):
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    if isinstance(pattern, ast.MatchOr):
        return any(_irrefutable(p) for p in pattern.patterns)
    return False


def _decisions(stmts: list[ast.stmt]) -> int:
    score = 0
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            score += 1 + _decisions(stmt.body) + _decisions(stmt.orelse)  # an `elif` is a nested If
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            score += 1 + _decisions(stmt.body) + _decisions(stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.AsyncWith, ast.ClassDef)):
            score += _decisions(stmt.body)
        elif isinstance(stmt, ast.Match):
            score += sum(1 + _decisions(c.body) for c in stmt.cases)
            if stmt.cases and _irrefutable(stmt.cases[-1].pattern) and stmt.cases[-1].guard is None:
                score -= 1  # `case _:` is the `else` of a match
        elif isinstance(stmt, (ast.Try, ast.TryStar)):
            score += _decisions(stmt.body) + (1 if stmt.orelse else 0) + _decisions(stmt.orelse)
            score += _decisions(stmt.finalbody) + sum(1 + _decisions(h.body) for h in stmt.handlers)
        elif isinstance(stmt, FUNCTIONS):
            score += 1 + _decisions(stmt.body)
    return score


def complexity(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """McCabe complexity as flake8's `mccabe` and ruff's C901 count it: 1 plus one per
    `if`/`elif`, loop, `except` clause, `try`-`else`, `match` case (a final `case _:` is an
    else) and nested function, so the numbers agree with the tools whose `noqa` we honour."""
    return 1 + _decisions(fn.body)


class ComplexFunction(Rule):
    code = "AUR403"
    name = "complex-function"
    category = Category.MAINTAINABILITY
    severity = Severity.INFO
    enabled_by_default = False
    summary = "Function is too complex (cyclomatic complexity over the limit)"
    description = (
        "Cyclomatic complexity counts the independent paths through a function: 1 plus one per "
        "`if`/`elif`, loop, `except` clause, `try`-`else`, `match` case (not a final `case _:`) and "
        "nested function, the way flake8's mccabe and ruff's C901 count, so `# noqa: C901` and the "
        "numbers agree. Past the limit (option `max_complexity`, default 10) a function is hard to "
        "test exhaustively; split it into smaller ones."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 10% actionable, 0% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. Functions just over the limit are usually cohesive dispatchers and parsers; a metric, not a defect. "
        "Select it by code to use it."
    )
    bad = "def route(req):\n    if ...:\n        ...\n    elif ...:  # and nine more branches\n        ..."
    good = "HANDLERS = {...}\n\ndef route(req):\n    return HANDLERS[req.kind](req)"
    noqa = ("C901",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        limit = int(ctx.option(self.code, "max_complexity", 10))
        found: list[Finding] = []
        for fn in index.of(*FUNCTIONS):
            score = complexity(fn)
            if score > limit:
                start, end = def_name_range(ctx, fn)
                found.append(
                    self.finding(
                        start,
                        end,
                        data={"complexity": score},
                        message=f"`{fn.name}` has cyclomatic complexity {score} (limit {limit})",
                    )
                )
        yield from sorted(found, key=lambda f: f.start)
