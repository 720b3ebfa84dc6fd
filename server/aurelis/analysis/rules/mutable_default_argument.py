"""AUR101: a list/dict/set default is created once and shared by every call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Finding, Fix, Rule, Severity
from aurelis.analysis.syntax import call_name, docstring_of, indent_of, statements

if TYPE_CHECKING:
    from tree_sitter import Node

_LITERALS = {
    "list",
    "dictionary",
    "set",
    "list_comprehension",
    "dictionary_comprehension",
    "set_comprehension",
}
_FACTORIES = {
    "list",
    "dict",
    "set",
    "bytearray",
    "collections.defaultdict",
    "defaultdict",
    "collections.OrderedDict",
    "OrderedDict",
    "collections.deque",
    "deque",
    "collections.Counter",
    "Counter",
}
_DEFAULTS = ("default_parameter", "typed_default_parameter")


class MutableDefaultArgument(Rule):
    code = "AUR101"
    name = "mutable-default-argument"
    category = Category.BUG_RISK
    severity = Severity.WARNING
    summary = "Mutable default argument; it is shared between calls"
    description = (
        "A default value is evaluated once, when the `def` runs. A list, dict or set default is "
        "therefore one object shared by every call: appending to it in one call leaks into the next. "
        "Default to `None` and create the object inside the function."
    )
    bad = "def add(item, into=[]):\n    into.append(item)\n    return into"
    good = "def add(item, into=None):\n    if into is None:\n        into = []\n    into.append(item)\n    return into"
    fixable = True
    noqa = ("B006",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for param in sorted(ctx.nodes(*_DEFAULTS), key=lambda n: n.start_byte):
            value = param.child_by_field_name("value")
            name = param.child_by_field_name("name")
            if value is None or name is None or not _is_mutable(value, ctx):
                continue
            message = f"Mutable default `{ctx.text(value)}` for `{ctx.text(name)}` is shared between calls"
            yield self.finding(value, message=message, fix=_fix(ctx, param, name, value))


def _is_mutable(value: Node, ctx: RuleContext) -> bool:
    if value.type in _LITERALS:
        return True
    return value.type == "call" and call_name(value, ctx.text) in _FACTORIES


def _is_guard(stmt: Node, ctx: RuleContext) -> bool:
    """`if x is None:` + `x = ...` and nothing else: the guard this fix writes."""
    if stmt.type != "if_statement" or stmt.child_by_field_name("alternative") is not None:
        return False
    cond, body = stmt.child_by_field_name("condition"), stmt.child_by_field_name("consequence")
    if cond is None or body is None or cond.type != "comparison_operator" or len(body.named_children) != 1:
        return False
    parts = [ctx.text(c) for c in cond.children]
    if parts[1:] != ["is", "None"]:
        return False
    assign = body.named_children[0].named_children[0] if body.named_children[0].named_children else None
    target = (
        assign.child_by_field_name("left") if assign is not None and assign.type == "assignment" else None
    )
    return target is not None and ctx.text(target) == parts[0]


def _fix(ctx: RuleContext, param: Node, name: Node, value: Node) -> Fix | None:
    """`x=[]` -> `x=None` plus `if x is None: x = []` at the top of the body (after the docstring)."""
    params = param.parent
    func = params.parent if params is not None else None
    if func is None or func.type != "function_definition":
        return None  # lambdas have no body to hold the guard
    body = func.child_by_field_name("body")
    stmts = statements(body) if body is not None else []
    if not stmts or stmts[0].start_point[0] == func.start_point[0]:
        return None  # `def f(x=[]): return x` keeps its body on the def line: leave it alone
    indent = indent_of(ctx.source, stmts[0].start_byte)
    if indent is None:
        return None
    outer = indent_of(ctx.source, func.start_byte) or ""
    unit = indent[len(outer) :] if indent.startswith(outer) and len(indent) > len(outer) else "    "
    var = ctx.text(name)
    guard = f"if {var} is None:\n{indent}{unit}{var} = {ctx.text(value)}"
    # after the docstring and after guards already there, so guards keep the parameters' order
    lead = 1 if docstring_of(body) is not None else 0
    while lead < len(stmts) and _is_guard(stmts[lead], ctx):
        lead += 1
    if lead:
        anchor = stmts[lead - 1]
        after = stmts[lead] if len(stmts) > lead else None
        if after is not None and after.start_point[0] == anchor.end_point[0]:
            return None  # `"""doc"""; x = 1` on one line
        insert = Edit(anchor.end_byte, anchor.end_byte, f"\n{indent}{guard}")
    else:
        insert = Edit(stmts[0].start_byte, stmts[0].start_byte, f"{guard}\n{indent}")
    edits = [Edit(value.start_byte, value.end_byte, "None")]
    annotation = param.child_by_field_name("type")
    if annotation is not None:
        ann = ctx.text(annotation)
        if (
            "None" not in ann
            and "Optional" not in ann
            and annotation.named_children[:1]
            and annotation.named_children[0].type != "string"
        ):
            edits.append(Edit(annotation.end_byte, annotation.end_byte, " | None"))
    edits.append(insert)
    return Fix(f"Default `{var}` to None and create the value in the body", tuple(edits))
