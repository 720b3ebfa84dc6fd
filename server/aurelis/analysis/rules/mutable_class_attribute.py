"""AUR109: a list/dict/set assigned in a class body is one object shared by all instances."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import Any

from aurelis.analysis.astutil import ast_index
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Facts, Finding, Rule, Severity
from aurelis.analysis.syntax import bool_option

_FACTORIES = {"list", "dict", "set", "bytearray", "defaultdict", "OrderedDict", "deque", "Counter"}
_MUTATORS = {
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "clear",
    "sort",
    "reverse",
    "add",
    "discard",
    "update",
    "setdefault",
    "popitem",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
    "appendleft",
    "extendleft",
    "popleft",
    "__setitem__",
    "__delitem__",
}
_ENUM_BASES = ("Enum", "Flag")  # Enum, IntEnum, StrEnum, Flag, IntFlag, enum.Enum ...
_MODEL_BASES = {"BaseModel", "BaseSettings", "RootModel", "SQLModel"}  # pydantic copies defaults
_DATACLASS = {
    "dataclass",
    "dataclasses.dataclass",
    "attr.s",
    "attrs.define",
    "define",
    "frozen",
    "attr.define",
}


class MutableClassAttribute(Rule):
    code = "AUR109"
    name = "mutable-class-attribute"
    category = Category.BUG_RISK
    severity = Severity.WARNING
    summary = "Mutable class attribute is shared by all instances"
    description = (
        "A list, dict or set assigned in the class body is created once and shared by every "
        "instance; `self.items.append(x)` on one instance changes all of them. Create it in "
        "`__init__`, or annotate it `ClassVar[...]` when sharing is intended.\n\n"
        "By default the rule reports an attribute only when the class mutates it through `self` "
        "(`self.items.append(...)`, `self.cache[k] = v`, `self.items += ...`) and never rebinds "
        "`self.items = ...`: that is the bug. Option `require_mutation = false` reports every "
        "mutable class attribute (like ruff's RUF012). Never reported: dunders (`__slots__`, "
        "`__all__`), UPPER_CASE constants, `ClassVar` annotations, Enum members, pydantic fields "
        "(pydantic copies defaults) and `field(default_factory=...)`."
    )
    bad = "class Cart:\n    items = []\n\n    def add(self, item):\n        self.items.append(item)"
    good = "class Cart:\n    def __init__(self):\n        self.items = []\n\n    def add(self, item):\n        self.items.append(item)"
    noqa = ("RUF012",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not ctx.nodes_by_type.get("class_definition"):
            return  # no class: skip building the `ast`
        tree = ctx.python_ast
        if tree is None:
            return
        require_mutation = bool_option(ctx.option(self.code, "require_mutation", True), True)
        found: list[Finding] = []
        for cls in _classes(tree):
            found.extend(self._check_class(ctx, cls, require_mutation))
        yield from sorted(found, key=lambda f: f.start)

    def _check_class(self, ctx: RuleContext, cls: ast.ClassDef, require_mutation: bool) -> Iterator[Finding]:
        bases = {_dotted(b).rsplit(".", 1)[-1] for b in cls.bases}
        if any(b.endswith(_ENUM_BASES) for b in bases):
            return
        is_model = bool(bases & _MODEL_BASES)
        is_dataclass = any(
            _dotted(d.func if isinstance(d, ast.Call) else d) in _DATACLASS for d in cls.decorator_list
        )
        shared: list[tuple[str, ast.expr]] = []
        for stmt, name, value in _attributes(cls):
            if name.startswith("__") or name.isupper() or not _is_mutable(value):
                continue
            if isinstance(stmt, ast.AnnAssign):
                if "ClassVar" in _dotted_ann(stmt.annotation) or is_model:
                    continue
                if is_dataclass:
                    message = (
                        f"Mutable default for dataclass field `{name}`; use `field(default_factory=...)`"
                    )
                    yield self._at(ctx, value, message)
                    continue
            shared.append((name, value))
        if not shared:
            return
        mutated: set[str] = set()
        if require_mutation:
            split = self._split_usage(ctx, cls)
            if split is not None:  # a class shell: its methods are other units, their usage came as facts
                mutated, rebound = split
            else:
                text = ctx.source[
                    ctx.offset_of(cls.lineno, cls.col_offset) : ctx.offset_of(
                        cls.end_lineno or cls.lineno, cls.end_col_offset or 0
                    )
                ]
                shared = [(n, v) for n, v in shared if b"self." + n.encode() in text]  # cheap before walking
                if not shared:
                    return
                mutated, rebound = _self_usage(cls)
            shared = [(n, v) for n, v in shared if n in mutated and n not in rebound]
        for name, value in shared:
            message = f"Class attribute `{name}` is mutable and shared by all instances"
            if name in mutated:
                message += f"; `self.{name}` is modified in place"
            yield self._at(ctx, value, message)

    def gather(self, ctx: RuleContext) -> Facts | None:
        """How a method (or a class shell) of a split top-level class uses `self.<attr>`; the
        shell is the site that judges the class attributes."""
        cls = _split_class(ctx)
        site = bool(ctx.nodes_by_type.get("class_definition"))  # any class this unit must judge
        if cls is None:
            return Facts(None, site=site) if site else None
        index = ast_index(ctx)  # the unit's `ast` holds just this class: its index has the nodes
        nodes = index.of(ast.Call, ast.Subscript, ast.AugAssign, ast.Assign, ast.AnnAssign) if index else None
        mutated, rebound = _self_usage(cls, nodes)
        return Facts((frozenset(mutated), frozenset(rebound)), site=site)

    def facts_key(self, facts: list[tuple[int, Any]], group: int) -> Any:
        """Only the usage inside the site's own class matters to it."""
        return tuple(v for g, v in facts if g == group)

    def _split_usage(self, ctx: RuleContext, cls: ast.ClassDef) -> tuple[set[str], set[str]] | None:
        if ctx.unit is None or ctx.unit.kind != "class" or cls is not _split_class(ctx):
            return None
        mutated: set[str] = set()
        rebound: set[str] = set()
        for group, usage in ctx.module_facts(self):
            if group == ctx.group and usage is not None:
                m, r = usage
                mutated |= m
                rebound |= r
        return mutated, rebound

    def _at(self, ctx: RuleContext, value: ast.expr, message: str) -> Finding:
        start = ctx.offset_of(value.lineno, value.col_offset)
        end = ctx.offset_of(value.end_lineno or value.lineno, value.end_col_offset or 0)
        return self.finding(start, end, message=message)


def _split_class(ctx: RuleContext) -> ast.ClassDef | None:
    """The top-level class whose methods are separate units (in a class or method unit)."""
    if ctx.unit is None or ctx.unit.kind not in ("class", "method") or ctx.python_ast is None:
        return None
    return next((n for n in ctx.python_ast.body if isinstance(n, ast.ClassDef)), None)


def _classes(tree: ast.Module) -> Iterator[ast.ClassDef]:
    """Every class, found by walking statements only (expressions cannot contain a class)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, field, ()) or ():
                if isinstance(child, ast.ClassDef):
                    yield child
                if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                    stack.append(child)


def _attributes(cls: ast.ClassDef) -> Iterator[tuple[ast.stmt, str, ast.expr]]:
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    yield stmt, target.id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
            yield stmt, stmt.target.id, stmt.value


def _is_mutable(value: ast.expr) -> bool:
    if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return True
    return isinstance(value, ast.Call) and _dotted(value.func).rsplit(".", 1)[-1] in _FACTORIES


def _self_usage(cls: ast.ClassDef, nodes: Iterable[ast.AST] | None = None) -> tuple[set[str], set[str]]:
    """Attribute names mutated in place through `self`, and names rebound with `self.x = ...`.
    ``nodes``: the class's nodes when an index already has them (walking again costs more)."""
    mutated: set[str] = set()
    rebound: set[str] = set()
    for node in ast.walk(cls) if nodes is None else nodes:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
        ):
            name = _self_attr(node.func.value)
            if name:
                mutated.add(name)
        elif isinstance(node, (ast.Subscript,)) and not isinstance(node.ctx, ast.Load):
            name = _self_attr(node.value)
            if name:
                mutated.add(name)  # self.cache[k] = v / del self.cache[k]
        elif isinstance(node, ast.AugAssign):
            name = _self_attr(node.target)
            if name:
                mutated.add(name)  # self.items += [...] extends the shared list in place
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for sub in ast.walk(t):
                    name = (
                        _self_attr(sub)
                        if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store)
                        else None
                    )
                    if name:
                        rebound.add(name)
    return mutated, rebound


def _self_attr(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _dotted_ann(node: ast.AST) -> str:
    return ast.unparse(node) if node is not None else ""
