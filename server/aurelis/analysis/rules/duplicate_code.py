"""AUR410: a function duplicated (or nearly: renamed variables, small edits) elsewhere in the workspace."""

from __future__ import annotations

from collections.abc import Iterator

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Related, Rule, Severity
from aurelis.workspace.uris import from_path


class DuplicateCode(Rule):
    code = "AUR410"
    name = "duplicate-code"
    category = Category.MAINTAINABILITY
    severity = Severity.INFO
    summary = "Function duplicated elsewhere in the workspace"
    description = (
        "Two copies of the same logic drift apart: a bug fixed in one stays in the other. Candidates come "
        "from the semantic index (nearest neighbours of each function), and a pair is reported only when "
        "their normalised token streams (identifiers and literals abstracted) are at least `threshold` "
        "similar (default 0.85), so a copy with renamed variables is found and a function that merely does "
        "something similar is not.\n\n"
        "One finding per group of copies, on the later copy (the last by path and line), with every "
        "other copy as related information; its data carries `rank` = size (tokens) times mean similarity, "
        "to read the biggest groups first. Not candidates: `@overload` and abstract or protocol stubs "
        "(a body of only `...`, `pass`, a docstring or `raise NotImplementedError`), and bodies under "
        "`min_statements` (3) statements or `min_tokens` (30) tokens. A `def` and an `async def` twin "
        "are not reported (libraries keep sync and async APIs side by side on purpose) unless "
        "`include_sync_async = true`. Options: `min_statements`, `min_tokens`, `threshold`, "
        "`neighbours` (8), `min_lines` (0: off), `include_sync_async`. Needs the index (`index.enabled`)."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 155 groups on 116k lines, of 14 labelled "
        "1 actionable (7%) and 2 wrong (14%); a default rule needs at least 60% actionable and at most "
        "10% wrong. Most copies in well-kept code are parallel on purpose (grammar layers, validator "
        "classes, AST node methods). Select it by code (`AUR410`) to use it, e.g. for a codebase that "
        "grew by copy and paste. `aurelis report` (and `aurelis.report` in the editor) still ranks its groups."
    )
    enabled_by_default = False
    bad = (
        "# billing.py\ndef total(items, rate):\n    s = 0\n    for it in items:\n        s += it.price\n"
        "    s *= 1 + rate\n    return round(s, 2)\n\n# shop.py\ndef order_sum(rows, tax):\n    acc = 0\n"
        "    for r in rows:\n        acc += r.price\n    acc *= 1 + tax\n    return round(acc, 2)"
    )
    good = "# shop.py\nfrom billing import total\n\ndef order_sum(rows, tax):\n    return total(rows, tax)"
    cross_file = True

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        ws = ctx.workspace
        if ws is None or not hasattr(ws, "duplicates_in") or ctx.path is None:
            return
        for unit, twins in ws.duplicates_in(ctx.path.as_posix()):
            if unit.end_byte > len(ctx.source):  # the index is behind this text; wait for the next pass
                continue
            start, end = (
                (unit.name_start, unit.name_end)
                if unit.name_start is not None
                else (unit.start_byte, unit.start_byte)
            )
            best = twins[0]
            where = f"{_short_path(best.unit.path, unit.path)}:{best.unit.start_line + 1}"
            more = f" and {len(twins) - 1} more" if len(twins) > 1 else ""
            tokens = ws.tokens.get(unit) if hasattr(ws, "tokens") else []
            rank = round(len(tokens) * sum(t.score for t in twins) / len(twins), 1)
            message = (
                f"`{unit.display_name}` duplicates `{best.unit.display_name}` ({where}, "
                f"{best.score:.0%} similar){more}"
            )
            related = [
                Related(
                    from_path(t.unit.path),
                    t.unit.start_line,
                    t.unit.start_col,
                    t.unit.end_line,
                    t.unit.end_col,
                    f"{t.unit.display_name} ({t.unit.name}): {t.score:.0%} similar",
                )
                for t in twins
            ]
            yield self.finding(
                start,
                end,
                message=message,
                related=related,
                data={"twins": [t.unit.name for t in twins], "rank": rank},
            )


def _short_path(path: str, relative_to: str) -> str:
    """The twin's path as seen from the reported file (just the name when they share a folder)."""
    a, b = path.rsplit("/", 1), relative_to.rsplit("/", 1)
    return a[-1] if len(a) == 2 and len(b) == 2 and a[0] == b[0] else path
