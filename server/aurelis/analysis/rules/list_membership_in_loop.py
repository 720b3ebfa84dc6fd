"""AUR302: `x in [a, b, c]` re-scanned (and, for non-constants, rebuilt) on every iteration."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import ast_index, node_range
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Finding, Fix, Rule, Severity

_NEW_SCOPE = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _hashable_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Tuple) and all(_hashable_literal(e) for e in node.elts)


def _in_loop(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Evaluated once per iteration of a loop or comprehension of its own scope."""
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, (ast.For, ast.AsyncFor)) and child in parent.body:
            return True
        if isinstance(parent, ast.While) and (child is parent.test or child in parent.body):
            return True
        if isinstance(parent, ast.comprehension):
            comp = parents[parent]
            # the first iterable is evaluated once, in the enclosing scope
            if not (child is parent.iter and parent is comp.generators[0]):  # type: ignore[attr-defined]
                return True
        if isinstance(parent, _COMPREHENSIONS) and child is not parent.generators[0]:
            return True  # the element expression
        if isinstance(parent, _NEW_SCOPE) and (
            child in getattr(parent, "body", ()) or child is getattr(parent, "body", None)
        ):
            return False  # runs when called, not per iteration of an enclosing loop
        child, parent = parent, parents.get(parent)
    return False


class ListMembershipInLoop(Rule):
    code = "AUR302"
    name = "list-membership-in-loop"
    category = Category.PERFORMANCE
    severity = Severity.INFO
    enabled_by_default = False
    summary = "Membership test against a list literal inside a loop"
    description = (
        "`x in [a, b, c]` scans the list element by element on every iteration. A set literal of "
        "constants is a hash lookup (CPython folds it into a frozenset constant once). When the "
        "elements are not all hashable constants, a tuple states that the collection is fixed. "
        "The set fix is offered as a quick fix but not applied by fix-all: with an unhashable "
        "left operand a set raises `TypeError` where the list returned False."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 0% actionable, 0% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. CPython already folds a constant list to a tuple; the lists are two or three items. "
        "Select it by code to use it."
    )
    bad = "for word in words:\n    if word in ['a', 'an', 'the']:\n        continue"
    good = "for word in words:\n    if word in {'a', 'an', 'the'}:\n        continue"
    fixable = True
    noqa = ("PLR6201",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        found: list[Finding] = []
        for node in index.of(ast.Compare):
            for op, right in zip(node.ops, node.comparators, strict=False):
                if (
                    isinstance(op, (ast.In, ast.NotIn))
                    and isinstance(right, ast.List)
                    and _in_loop(node, index.parents)
                ):
                    found.append(self._finding(ctx, right))
        yield from sorted(found, key=lambda f: f.start)

    def _finding(self, ctx: RuleContext, lst: ast.List) -> Finding:
        start, end = node_range(ctx, lst)
        if all(_hashable_literal(e) for e in lst.elts) and lst.elts:
            fix = Fix("Use a set literal", (Edit(start, start + 1, "{"), Edit(end - 1, end, "}")), safe=False)
            message = "Membership test against a list literal inside a loop; use a set literal"
        else:
            inner = ctx.source[start + 1 : end - 1]
            closing = ",)" if len(lst.elts) == 1 and not inner.rstrip().endswith(b",") else ")"
            fix = Fix("Use a tuple", (Edit(start, start + 1, "("), Edit(end - 1, end, closing)))
            message = "Membership test against a list literal inside a loop; use a tuple"
        return self.finding(start, end, message=message, fix=fix)
