"""AUR501: public modules, classes, functions and methods without a docstring (off by default)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Facts, Finding, Rule, Severity
from aurelis.analysis.syntax import decorator_names, docstring_of, line_end, statements

if TYPE_CHECKING:
    from tree_sitter import Node

# decorators whose function documents nothing new: typing stubs, property setters, overrides
_EXEMPT_DECORATORS = ("overload", "override", "setter", "deleter")


class MissingDocstring(Rule):
    code = "AUR501"
    name = "missing-docstring"
    category = Category.DOCUMENTATION
    severity = Severity.INFO
    summary = "Public API without a docstring"
    description = (
        "Public modules, classes, functions and methods should say what they are for. "
        'Off by default; enable it with `select = ["AUR501"]`.\n\n'
        "Public means: the name does not start with `_`, it is not nested in a function, every "
        "enclosing class is public, and the module itself is not private (`_impl.py`). Dunder methods, "
        "`__init__` included, are not required to have one: the constructor is documented in the "
        "class docstring. `@overload` stubs, `@override` methods, property setters/deleters, test "
        "files and `__main__.py` are skipped; when the module has a literal `__all__`, only the names "
        "it lists (and their methods) are public; an `__init__.py` or module with no statements needs none."
    )
    bad = "def parse(text):\n    return text.split()"
    good = 'def parse(text):\n    """Split ``text`` into words."""\n    return text.split()'
    enabled_by_default = False
    noqa = ("D100", "D101", "D102", "D103", "D104")

    def gather(self, ctx: RuleContext) -> Facts | None:
        """The module's literal `__all__` (found by the unit that owns module level); every unit
        with definitions is a site, since `__all__` decides what is public."""
        if ctx.is_test_file or _private_module(ctx):
            return None
        exported = _dunder_all(ctx) if ctx.owns_module else None
        value = (
            ("__all__", frozenset(exported) if exported is not None else None) if ctx.owns_module else None
        )
        return Facts(value, site=True)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.is_test_file or _private_module(ctx):
            return
        root = ctx.root
        if ctx.owns_module and statements(root) and docstring_of(root) is None:
            kind = "package" if ctx.is_init_file else "module"
            end = line_end(ctx.source, 0)
            yield self.finding(0, end, message=f"Public {kind} has no docstring")
        exported = next((v[1] for _, v in ctx.module_facts(self) if v is not None), None)
        found: list[Finding] = []
        for node in ctx.nodes("function_definition", "class_definition"):
            name = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            if name is None or body is None or docstring_of(body) is not None:
                continue
            owners = _public_owners(node, ctx)
            if owners is None or not _public_name(ctx.text(name)):
                continue
            if exported is not None and (owners[0] if owners else ctx.text(name)) not in exported:
                continue  # `__all__` says what the module's public API is
            decorators = decorator_names(node, ctx.text)
            if any(d.rsplit(".", 1)[-1] in _EXEMPT_DECORATORS for d in decorators):
                continue
            qualified = ".".join([*owners, ctx.text(name)])
            kind = "class" if node.type == "class_definition" else "method" if owners else "function"
            found.append(self.finding(name, message=f"Public {kind} `{qualified}` has no docstring"))
        yield from sorted(found, key=lambda f: f.start)


def _public_name(name: str) -> bool:
    return not name.startswith("_")


def _public_owners(node: Node, ctx: RuleContext) -> list[str] | None:
    """Names of the enclosing classes (outermost first), or None if any owner makes ``node`` private."""
    owners: list[str] = []
    parent = node.parent
    while parent is not None:
        if parent.type in ("function_definition", "lambda"):
            return None  # nested in a function: an implementation detail
        if parent.type == "class_definition":
            cname = parent.child_by_field_name("name")
            if cname is None or not _public_name(ctx.text(cname)):
                return None
            owners.append(ctx.text(cname))
        parent = parent.parent
    return owners[::-1]


def _dunder_all(ctx: RuleContext) -> set[str] | None:
    """Names in a literal module-level `__all__` (with `+=`), or None when there is none or it is computed."""
    names: set[str] | None = None
    for stmt in statements(ctx.root):
        expr = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
        if expr is None or expr.type not in ("assignment", "augmented_assignment"):
            continue
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        if left is None or ctx.text(left) != "__all__":
            continue
        if right is None or right.type not in ("list", "tuple"):
            return None
        items = [c for c in right.named_children if c.type != "comment"]
        if any(c.type != "string" for c in items):
            return None
        values = {ctx.text(c).strip("'\"") for c in items}
        names = values if expr.type == "assignment" or names is None else names | values
    return names


def _private_module(ctx: RuleContext) -> bool:
    stem = (ctx.path.name if ctx.path is not None else ctx.doc.uri.rsplit("/", 1)[-1]).removesuffix(".py")
    return stem == "__main__" or (stem.startswith("_") and stem != "__init__")
