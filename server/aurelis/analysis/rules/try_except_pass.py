"""AUR103: `except ...: pass` silently discards every error the handler catches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity
from aurelis.analysis.syntax import bool_option

if TYPE_CHECKING:
    from tree_sitter import Node

_BROAD = {"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"}


class TryExceptPass(Rule):
    code = "AUR103"
    name = "try-except-pass"
    category = Category.BUG_RISK
    severity = Severity.WARNING
    enabled_by_default = False
    summary = "`except: pass` swallows errors silently"
    description = (
        "A handler whose whole body is `pass` hides every failure it catches, including ones nobody "
        "anticipated. Log the error, narrow the exception, or use `contextlib.suppress(...)` to say "
        "the silence is intended.\n\n"
        "By default only broad handlers (bare `except:`, `Exception`, `BaseException`) are flagged, "
        "and a handler that carries a comment explaining itself is taken as deliberate. Set option "
        "`check_typed_exception = true` to flag `except SomeError: pass` too."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 0% actionable, 10% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. `except Exception: pass` in libraries is nearly always a deliberate best-effort cleanup or fallback. "
        "Select it by code to use it."
    )
    bad = "try:\n    cleanup()\nexcept Exception:\n    pass"
    good = "with contextlib.suppress(FileNotFoundError):\n    cleanup()"
    noqa = ("S110",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        typed = bool_option(ctx.option(self.code, "check_typed_exception", False), False)
        for clause in ctx.nodes("except_clause", "except_group_clause"):
            block = next((c for c in clause.named_children if c.type == "block"), None)
            if block is None or not _only_pass(block) or _has_comment(clause):
                continue
            caught = _caught(clause, ctx)
            if not typed and caught is not None and not (_names(caught, ctx) & _BROAD):
                continue
            what = "bare `except:`" if caught is None else f"`except {ctx.text(caught)}`"
            yield self.finding(clause, message=f"{what} with only `pass` swallows errors silently")


def _only_pass(block: Node) -> bool:
    stmts = block.named_children
    return bool(stmts) and all(
        s.type == "pass_statement"
        or (
            s.type == "expression_statement"
            and s.named_child_count == 1
            and s.named_children[0].type == "ellipsis"
        )
        for s in stmts
    )


def _has_comment(clause: Node) -> bool:
    return any(c.type == "comment" for c in clause.children) or any(
        c.type == "comment" for b in clause.named_children if b.type == "block" for c in b.children
    )


def _caught(clause: Node, ctx: RuleContext) -> Node | None:
    """The exception expression of a handler (`except X as e` -> X), None for a bare except."""
    value = clause.child_by_field_name("value")
    if value is None:
        value = next((c for c in clause.named_children if c.type not in ("block", "comment")), None)
    if value is not None and value.type == "as_pattern":
        value = value.named_children[0] if value.named_children else None
    return value


def _names(node: Node, ctx: RuleContext) -> set[str]:
    if node.type in ("tuple", "parenthesized_expression"):
        return {n for c in node.named_children for n in _names(c, ctx)}
    return {ctx.text(node)} if node.type in ("identifier", "attribute") else set()
