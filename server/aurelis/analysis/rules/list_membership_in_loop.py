"""AUR302: `x in [a, b, c]` re-scanned (and, for non-constants, rebuilt) on every iteration."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import node_range
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Finding, Fix, Rule, Severity

_NEW_SCOPE = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _hashable_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Tuple) and all(_hashable_literal(e) for e in node.elts)


class ListMembershipInLoop(Rule):
    code = "AUR302"
    name = "list-membership-in-loop"
    category = Category.PERFORMANCE
    severity = Severity.INFO
    summary = "Membership test against a list literal inside a loop"
    description = (
        "`x in [a, b, c]` scans the list element by element on every iteration. A set literal of "
        "constants is a hash lookup (CPython folds it into a frozenset constant once). When the "
        "elements are not all hashable constants, a tuple states that the collection is fixed. "
        "The set fix is offered as a quick fix but not applied by fix-all: with an unhashable "
        "left operand a set raises `TypeError` where the list returned False."
    )
    bad = "for word in words:\n    if word in ['a', 'an', 'the']:\n        continue"
    good = "for word in words:\n    if word in {'a', 'an', 'the'}:\n        continue"
    fixable = True
    noqa = ("PLR6201",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        tree = ctx.python_ast
        if tree is None:
            return
        found: list[Finding] = []
        self._visit(ctx, tree, False, found)
        yield from sorted(found, key=lambda f: f.start)

    def _visit(self, ctx: RuleContext, node: ast.AST, in_loop: bool, found: list[Finding]) -> None:
        stack: list[tuple[ast.AST, bool]] = [(node, in_loop)]
        while stack:
            node, in_loop = stack.pop()
            if isinstance(node, ast.Compare) and in_loop:
                for op, right in zip(node.ops, node.comparators):
                    if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, ast.List):
                        found.append(self._finding(ctx, right))
            if isinstance(node, _NEW_SCOPE):
                # the body runs when called, not per iteration of an enclosing loop
                body = node.body if isinstance(node.body, list) else [node.body]
                children = [(c, False if c in body else in_loop) for c in ast.iter_child_nodes(node)]
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                children = [(node.target, in_loop), (node.iter, in_loop)]
                children += [(c, True) for c in node.body] + [(c, in_loop) for c in node.orelse]
            elif isinstance(node, ast.While):
                children = [(node.test, True)] + [(c, True) for c in node.body] + [(c, in_loop) for c in node.orelse]
            elif isinstance(node, _COMPREHENSIONS):
                parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
                children = [(c, True) for c in parts]
                for i, gen in enumerate(node.generators):
                    # the first iterable is evaluated once, in the enclosing scope
                    children += [(gen.target, True), (gen.iter, True if i else in_loop)] + [(c, True) for c in gen.ifs]
            else:
                children = [(c, in_loop) for c in ast.iter_child_nodes(node)]
            stack.extend(children)

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
