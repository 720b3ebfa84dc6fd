"""AUR104: `== None` / `!= True` compare by value where identity is meant."""

from __future__ import annotations

from collections.abc import Iterator

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Finding, Fix, Rule, Severity

_SINGLETONS = {"none": "None", "true": "True", "false": "False"}
_REPLACE = {"==": "is", "!=": "is not"}


class NoneComparison(Rule):
    code = "AUR104"
    name = "singleton-comparison"
    category = Category.BUG_RISK
    severity = Severity.WARNING
    summary = "Comparison to None/True/False with == or !=; use `is` / `is not`"
    description = (
        "`==` calls `__eq__`, which a class may override (NumPy arrays, ORMs), so `x == None` can be "
        "true for non-None values or return an array. Identity against the singletons is exact."
    )
    bad = "if value == None:\n    ..."
    good = "if value is None:\n    ..."
    fixable = True
    noqa = ("E711", "E712")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for node in ctx.nodes("comparison_operator"):
            children = node.children
            # a == b [== c ...]: operands at even positions, operators between
            for i in range(1, len(children) - 1, 2):
                op = children[i]
                if op.type not in _REPLACE:
                    continue
                left, right = children[i - 1], children[i + 1]
                singleton = next((n for n in (right, left) if n.type in _SINGLETONS), None)
                if singleton is None:
                    continue
                word = _SINGLETONS[singleton.type]
                message = f"Comparison to {word} with `{op.type}`; use `{_REPLACE[op.type]}`"
                fix = None
                if len(children) == 3:  # only rewrite simple comparisons
                    fix = Fix(
                        f"Use `{_REPLACE[op.type]} {word}`",
                        (Edit(op.start_byte, op.end_byte, _REPLACE[op.type]),),
                    )
                yield self.finding(node, message=message, fix=fix)
