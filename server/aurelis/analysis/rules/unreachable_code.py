"""AUR105: statements after return/raise/continue/break in the same block never run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Finding, Fix, Rule, Severity, Tag
from aurelis.analysis.syntax import line_end, statements

if TYPE_CHECKING:
    from tree_sitter import Node

_JUMPS = {
    "return_statement": "return",
    "raise_statement": "raise",
    "continue_statement": "continue",
    "break_statement": "break",
}


class UnreachableCode(Rule):
    code = "AUR105"
    name = "unreachable-code"
    category = Category.BUG_RISK
    severity = Severity.WARNING
    summary = "Unreachable code after return/raise/continue/break"
    description = (
        "Statements that follow a `return`, `raise`, `continue` or `break` in the same block (or an "
        "`if`/`elif`/`else` whose every branch ends that way) can never run. They are usually a "
        "leftover or a sign that the jump is misplaced. A lone `yield` after the jump is the idiom that "
        "makes a function a generator and is not flagged."
    )
    bad = "def f(x):\n    return x * 2\n    print('done')"
    good = "def f(x):\n    print('done')\n    return x * 2"
    fixable = True
    tags = frozenset({Tag.UNNECESSARY})

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        found: list[Finding] = []
        for block in ctx.nodes("module", "block"):
            if block.has_error:
                continue  # mid-edit: tree-sitter's recovery may invent statement boundaries
            stmts = statements(block)
            for i, stmt in enumerate(stmts[:-1]):
                jump = _terminator(stmt)
                if jump is None:
                    continue
                dead = stmts[i + 1 :]
                if all(_is_yield(s) for s in dead):
                    break
                first, last = dead[0], dead[-1]
                message = f"Unreachable code after {jump}"
                found.append(
                    self.finding(
                        first.start_byte, last.end_byte, message=message, fix=_fix(ctx, stmt, first, last)
                    )
                )
                break
        # code dead inside code that is already dead is one finding, not two overlapping fixes
        outer_end = -1
        for f in sorted(found, key=lambda f: f.start):
            if f.start >= outer_end:
                outer_end = f.end
                yield f


def _terminator(stmt: Node) -> str | None:
    """What makes ``stmt`` end the block's flow (`return`, ...), or None if control can fall through."""
    if stmt.type in _JUMPS:
        return f"`{_JUMPS[stmt.type]}`"
    if stmt.type == "if_statement" and _if_always_jumps(stmt):
        return "an `if` whose every branch jumps away"
    return None


def _if_always_jumps(node: Node) -> bool:
    bodies = [node.child_by_field_name("consequence")]
    has_else = False
    for alt in node.children_by_field_name("alternative"):
        if alt.type == "else_clause":
            has_else = True
            bodies.append(alt.child_by_field_name("body"))
        else:
            bodies.append(alt.child_by_field_name("consequence"))
    return has_else and all(b is not None and any(_terminator(s) for s in statements(b)) for b in bodies)


def _is_yield(stmt: Node) -> bool:
    return stmt.type == "expression_statement" and any(c.type == "yield" for c in stmt.named_children)


def _fix(ctx: RuleContext, jump: Node, first: Node, last: Node) -> Fix:
    src = ctx.source
    # keep the jump's own trailing comment; drop the dead statements and their trailing comments
    start = jump.end_byte if first.start_point[0] == jump.end_point[0] else line_end(src, jump.end_byte)
    end = last.end_byte
    rest = src[end : line_end(src, end)]
    if rest.strip() == b"" or rest.strip().startswith(b"#"):
        end = line_end(src, end)
    return Fix("Remove unreachable code", (Edit(start, end, ""),))
