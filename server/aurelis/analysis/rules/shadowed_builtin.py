"""AUR108: binding a name like `list`, `id` or `type` hides the builtin in that scope."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import TYPE_CHECKING

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity
from aurelis.analysis.syntax import enclosing_scope, names_option

if TYPE_CHECKING:
    from tree_sitter import Node

# names the `site` module adds for the interactive prompt; rebinding them is harmless
_SITE = {"copyright", "credits", "license", "exit", "quit", "help"}
BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_")) - _SITE
_CONTAINERS = {
    "pattern_list",
    "tuple_pattern",
    "list_pattern",
    "tuple",
    "list",
    "parenthesized_expression",
    "list_splat_pattern",
    "as_pattern_target",
    "expression_list",
}
_PARAMS = {
    "identifier",
    "default_parameter",
    "typed_parameter",
    "typed_default_parameter",
    "list_splat_pattern",
    "dictionary_splat_pattern",
}


class ShadowedBuiltin(Rule):
    code = "AUR108"
    name = "shadowed-builtin"
    category = Category.BUG_RISK
    severity = Severity.WARNING
    enabled_by_default = False
    summary = "Name shadows a builtin"
    description = (
        "A variable, parameter, function or class named like a builtin (`list`, `id`, `type`, "
        "`input`, ...) hides the builtin for the rest of the scope, so a later `list(x)` calls the "
        "wrong thing. Class attributes and methods (`self.id`, `def list(self)`) and keyword "
        "arguments are not flagged: they live in their own namespace. Names bound by an import "
        "(`from .compat import str`) are not flagged either: importing a replacement under the "
        "builtin's name is deliberate. Neither is rebinding a builtin to "
        "itself (`TimeoutError = TimeoutError`, the `len=len` fast-local default idiom). Option "
        '`ignore = ["id", ...]` exempts names.'
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 0% actionable, 30% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. Parameters named `type`, `hash`, `map` are public keyword API in libraries and cannot be renamed. "
        "Select it by code to use it."
    )
    bad = "def total(list):\n    return sum(list)"
    good = "def total(items):\n    return sum(items)"
    noqa = ("A001", "A002", "A004")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        ignore = set(names_option(ctx.option(self.code, "ignore", ())))
        found: list[Finding] = []
        for kind, node, owner in self._bindings(ctx):
            name = ctx.text(node)
            # the name test is cheap; walking up to the scope (node.parent) is not, so it comes last
            if name in BUILTINS and name not in ignore and (owner is None or not _in_class_body(owner)):
                found.append(self.finding(node, message=f"{kind} `{name}` shadows the builtin `{name}`"))
        yield from sorted(found, key=lambda f: f.start)

    def _bindings(self, ctx: RuleContext) -> Iterator[tuple[str, Node, Node | None]]:
        """(kind, identifier, node whose scope decides whether it is a class attribute)."""
        for node in ctx.nodes("assignment"):
            if not _binds_itself(node, "left", "right", ctx):
                yield from (("Variable", n, node) for n in _targets(node.child_by_field_name("left")))
        for node in ctx.nodes("for_statement", "for_in_clause"):
            yield from (("Loop variable", n, node) for n in _targets(node.child_by_field_name("left")))
        for node in ctx.nodes("as_pattern_target"):
            yield from (("Variable", n, node) for n in _targets(node))
        for node in ctx.nodes("named_expression"):
            yield from (("Variable", n, None) for n in _targets(node.child_by_field_name("name")))
        for node in ctx.nodes("function_definition", "class_definition"):
            kind = "Function" if node.type == "function_definition" else "Class"
            yield from ((kind, n, node) for n in _targets(node.child_by_field_name("name")))
        for node in ctx.nodes("parameters", "lambda_parameters"):
            for param in node.named_children:
                if _binds_itself(param, "name", "value", ctx):
                    continue  # `len=len`: the builtin bound to a fast local, same object
                yield from (("Argument", n, None) for n in _param_names(param))


def _targets(node: Node | None) -> Iterator[Node]:
    """Identifiers bound by an assignment target (`a`, `a, [b, *c]`), not attributes or subscripts."""
    if node is None:
        return
    if node.type == "identifier":
        yield node
    elif node.type in _CONTAINERS:
        for child in node.named_children:
            yield from _targets(child)


def _param_names(param: Node) -> Iterator[Node]:
    if param.type not in _PARAMS:
        return
    if param.type == "identifier":
        yield param
        return
    name = param.child_by_field_name("name")
    if name is None:  # typed_parameter and splats keep the identifier as the first named child
        name = next(
            (
                c
                for c in param.named_children
                if c.type in ("identifier", "list_splat_pattern", "dictionary_splat_pattern")
            ),
            None,
        )
        if name is not None and name.type != "identifier":
            name = next((c for c in name.named_children if c.type == "identifier"), None)
    if name is not None and name.type == "identifier":
        yield name


def _binds_itself(node: Node, target: str, value: str, ctx: RuleContext) -> bool:
    """`TimeoutError = TimeoutError` / `def f(len=len)`: the name still means the builtin."""
    left, right = node.child_by_field_name(target), node.child_by_field_name(value)
    return (
        left is not None
        and right is not None
        and right.type == "identifier"
        and ctx.text(left) == ctx.text(right)
    )


def _in_class_body(node: Node) -> bool:
    """Class attributes and methods live in the class namespace, not the module's or a function's."""
    scope = enclosing_scope(node)
    return scope is not None and scope.type == "class_definition"
