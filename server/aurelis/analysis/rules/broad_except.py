"""AUR102: bare `except:` / `except BaseException` that swallows the exception."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Finding, Fix, Rule, Severity
from aurelis.analysis.syntax import walk

_INTERRUPTS = {"KeyboardInterrupt", "SystemExit"}


def _interrupts_handled_before(clause: Node, ctx: RuleContext) -> bool:
    """`except (SystemExit, KeyboardInterrupt): raise` before it: the broad handler is deliberate."""
    sib = clause.prev_named_sibling
    while sib is not None and sib.type == "except_clause":
        value = sib.child_by_field_name("value")
        if value is not None:
            target = value.named_children[0] if value.type == "as_pattern" and value.named_children else value
            names = {ctx.text(n) for n in ([target] if target.type != "tuple" else target.named_children)}
            if names & _INTERRUPTS:
                return True
        sib = sib.prev_named_sibling
    return False


def _passes_on(block: Node, name: str | None, ctx: RuleContext) -> bool:
    """The handler hands the exception on (`fut.set_exception(exc)`, `log(..., exc)`) or logs
    it with a traceback: it is recorded, not swallowed."""
    for node in walk(block):
        if name and node.type == "identifier" and ctx.text(node) == name:
            return True
        if node.type == "call":
            text = ctx.text(node)
            if "exc_info=True" in text or ".exception(" in text or "sys.exc_info()" in text:
                return True
    return False


def _reraises(block: Node, bound: str | None, ctx: RuleContext) -> bool:
    """The handler ends in a bare `raise` (or `raise <the caught exception>`): it lets the
    interrupt through. Raising a *different* exception turns Ctrl-C into that exception."""
    last = next((c for c in reversed(block.named_children) if c.type != "comment"), None)
    if last is None or last.type != "raise_statement":
        return False
    raised = [c for c in last.named_children if c.type != "comment"]
    return not raised or (bound is not None and len(raised) == 1 and ctx.text(raised[0]) == bound)


class BroadExcept(Rule):
    code = "AUR102"
    name = "broad-except"
    category = Category.BUG_RISK
    severity = Severity.WARNING
    summary = "Bare `except:` or `except BaseException` swallows KeyboardInterrupt and SystemExit"
    description = (
        "A bare `except:` (and `except BaseException`) also catches `KeyboardInterrupt`, `SystemExit` "
        "and `GeneratorExit`, so Ctrl-C and `sys.exit()` stop working inside the `try`. Catch "
        "`Exception` (or something narrower). Not flagged: handlers that end in a bare `raise` (raising "
        "a different exception still turns Ctrl-C into it, so that is flagged), hand the exception "
        "on (`future.set_exception(exc)`) or log it with its traceback, and broad handlers that follow "
        "an `except (KeyboardInterrupt, SystemExit)` clause."
    )
    bad = "try:\n    work()\nexcept:\n    log.warning('failed')"
    good = "try:\n    work()\nexcept Exception:\n    log.warning('failed')"
    fixable = True
    noqa = ("E722", "BLE001")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for clause in ctx.nodes("except_clause"):
            keyword = clause.children[0] if clause.children else None
            if keyword is None or keyword.type != "except":
                continue
            if clause.parent is not None and any(c.type == "except*" for c in clause.children):
                continue
            value = clause.child_by_field_name("value")
            block = next((c for c in clause.named_children if c.type == "block"), None)
            bound = None
            if value is not None and value.type == "as_pattern":
                alias = value.child_by_field_name("alias")
                bound = ctx.text(alias).strip() if alias is not None else None
            if block is not None and _reraises(block, bound, ctx):
                continue
            if _interrupts_handled_before(clause, ctx):
                continue
            if block is not None and _passes_on(block, bound, ctx):
                continue
            if value is None:
                if any(c.type == "as_pattern" or c.type == "identifier" for c in clause.named_children):
                    continue  # grammar variants: a type we could not find by field
                fix = Fix(
                    "Catch `Exception` instead", (Edit(keyword.end_byte, keyword.end_byte, " Exception"),)
                )
                yield self.finding(
                    keyword,
                    message="Bare `except:` also catches KeyboardInterrupt and SystemExit; catch `Exception`",
                    fix=fix,
                )
                continue
            target = value.named_children[0] if value.type == "as_pattern" and value.named_children else value
            if target.type == "identifier" and ctx.text(target) == "BaseException":
                fix = Fix(
                    "Catch `Exception` instead", (Edit(target.start_byte, target.end_byte, "Exception"),)
                )
                yield self.finding(
                    keyword.start_byte,
                    target.end_byte,
                    message="`except BaseException` swallows KeyboardInterrupt and SystemExit; "
                    "catch `Exception` or re-raise",
                    fix=fix,
                )
            elif target.type == "tuple" and any(
                c.type == "identifier" and ctx.text(c) == "BaseException" for c in target.named_children
            ):
                yield self.finding(
                    keyword.start_byte,
                    target.end_byte,
                    message="`except (BaseException, ...)` swallows KeyboardInterrupt and "
                    "SystemExit; catch `Exception` or re-raise",
                )
