"""Small `ast` helpers shared by the rules that need semantics (scopes, imports, ranges).

Offsets returned here are UTF-8 byte offsets into the document, like every Finding.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from aurelis.analysis.context import RuleContext

_A = TypeVar("_A", bound=ast.AST)
_B = TypeVar("_B", bound=ast.AST)
_C = TypeVar("_C", bound=ast.AST)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# nodes that open a new scope: their bodies are not part of the enclosing one
SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


class AstIndex:
    """One walk over a document's `ast`, shared by every rule of a run: nodes by type,
    parent links and imports. Built lazily on first use and cached on the RuleContext."""

    def __init__(self, tree: ast.Module, imports: ImportMap | None = None) -> None:
        self.tree = tree
        self.parents: dict[ast.AST, ast.AST] = {}
        self.by_type: dict[type, list[ast.AST]] = {}
        parents, by_type = self.parents, self.by_type
        stack: list[ast.AST] = [tree]
        while stack:  # hand-rolled walk: ast.walk's generators cost 2x on big files
            node = stack.pop()
            by_type.setdefault(type(node), []).append(node)
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, ast.AST):
                    parents[value] = node
                    stack.append(value)
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, ast.AST):
                            parents[item] = node
                            stack.append(item)
        self._imports: ImportMap | None = imports  # a unit's: the whole module's imports

    @overload
    def of(self, t: type[_A], /) -> list[_A]: ...
    @overload
    def of(self, t: type[_A], u: type[_B], /) -> list[_A | _B]: ...
    @overload
    def of(self, t: type[_A], u: type[_B], v: type[_C], /) -> list[_A | _B | _C]: ...
    @overload
    def of(self, *types: type[ast.AST]) -> list[ast.AST]: ...
    def of(self, *types: type[ast.AST]) -> list[Any]:
        """The nodes of the given types, in walk order per type."""
        out: list[ast.AST] = []
        for t in types:
            out.extend(self.by_type.get(t, ()))
        return out

    @property
    def imports(self) -> ImportMap:
        if self._imports is None:
            self._imports = ImportMap(self.of(ast.Import, ast.ImportFrom))
        return self._imports

    def scope_of(self, node: ast.AST) -> ast.AST:
        """The function, lambda, class, comprehension or module whose scope ``node`` is in."""
        below: ast.AST | None = None
        child, parent = node, self.parents.get(node)
        while parent is not None:
            if isinstance(parent, COMPREHENSIONS):
                first = parent.generators[0]
                if not (child is first and below is first.iter):  # the first iterable is evaluated outside
                    return parent
            elif isinstance(parent, SCOPES) and _inside_body(parent, child):
                return parent
            below, child, parent = child, parent, self.parents.get(parent)
        return self.tree


def _inside_body(scope: ast.AST, child: ast.AST) -> bool:
    """False for the parts of a def/class/lambda evaluated outside it (decorators, bases)."""
    if isinstance(scope, ast.Lambda):
        return child is scope.body
    body: list[ast.stmt] = getattr(scope, "body", [])
    return child in body or child is getattr(scope, "args", None)


def ast_index(ctx: RuleContext) -> AstIndex | None:
    """The shared index of ``ctx.python_ast`` (None while the text does not parse)."""
    cached: AstIndex | bool | None = ctx.__dict__.get("_aurelis_ast_index", False)
    if cached is False:
        tree = ctx.python_ast
        imports = ImportMap.of_names(ctx.module.imports) if ctx.module is not None else None
        cached = AstIndex(tree, imports) if tree is not None else None
        ctx.__dict__["_aurelis_ast_index"] = cached
    return cached if isinstance(cached, AstIndex) else None


def node_range(ctx: RuleContext, node: ast.AST) -> tuple[int, int]:
    """Byte range of an ast node with locations."""
    start = ctx.offset_of(node.lineno, node.col_offset)  # type: ignore[attr-defined]
    end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
    end_col = getattr(node, "end_col_offset", None)
    end = ctx.offset_of(end_line, end_col) if end_col is not None else start
    return start, max(start, end)


def def_name_range(
    ctx: RuleContext, fn: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
) -> tuple[int, int]:
    """Byte range of the name in `def name(` / `class name`: where complexity-type findings point."""
    start = ctx.offset_of(fn.lineno, fn.col_offset)
    keyword = rb"class" if isinstance(fn, ast.ClassDef) else rb"def"
    m = re.compile(keyword + rb"\s+(" + re.escape(fn.name.encode()) + rb")\b").search(ctx.source, start)
    if m is None:  # not expected: fall back to the statement's first character
        return start, start + 1
    return m.start(1), m.end(1)


def iter_scope(node: ast.AST) -> Iterator[ast.AST]:
    """Every node inside ``node`` that belongs to its own scope (nested defs,
    classes, lambdas and comprehensions are yielded but not entered)."""
    stack = list(ast.iter_child_nodes(node))
    stack.reverse()
    while stack:
        child = stack.pop()
        yield child
        if isinstance(child, SCOPES):
            # decorators, defaults and the first iterable are evaluated in the enclosing scope
            if isinstance(child, (*FUNCTIONS, ast.ClassDef)):
                outer = list(child.decorator_list)
                if not isinstance(child, ast.ClassDef):
                    outer += [d for d in child.args.defaults + child.args.kw_defaults if d is not None]
                else:
                    outer += list(child.bases) + [k.value for k in child.keywords]
                stack.extend(reversed(outer))
            elif isinstance(child, ast.Lambda):
                stack.extend(
                    reversed([d for d in child.args.defaults + child.args.kw_defaults if d is not None])
                )
            elif child.generators:  # comprehension
                stack.append(child.generators[0].iter)
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(child))))


class ImportMap:
    """Local name -> dotted origin, from every import in the module.

    ``import subprocess as sp`` maps ``sp`` to ``subprocess``; ``from os import
    system`` maps ``system`` to ``os.system``. Imports inside functions count too:
    a rule resolving a call should not care where the import sits.
    """

    def __init__(self, tree: ast.AST | list[ast.AST]) -> None:
        self.names: dict[str, str] = {}
        for node in tree if isinstance(tree, list) else ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.names[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        self.names[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    @classmethod
    def of_names(cls, names: dict[str, str]) -> ImportMap:
        out = cls([])
        out.names = names
        return out

    def qualname(self, expr: ast.AST) -> str | None:
        """``sp.run`` -> ``subprocess.run`` when ``sp`` is an imported module; None otherwise."""
        attrs: list[str] = []
        while isinstance(expr, ast.Attribute):
            attrs.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name) or expr.id not in self.names:
            return None
        return ".".join([self.names[expr.id], *reversed(attrs)])


def is_str_literal(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def line_indent(source: bytes, offset: int) -> str:
    """Leading whitespace of the line containing ``offset``."""
    start = source.rfind(b"\n", 0, offset) + 1
    m = re.match(rb"[ \t]*", source[start:offset])
    return m.group(0).decode() if m else ""


def line_end(source: bytes, offset: int) -> int:
    """Offset of the newline ending the line containing ``offset`` (or the end of the source)."""
    nl = source.find(b"\n", offset)
    return len(source) if nl < 0 else (nl - 1 if nl > 0 and source[nl - 1 : nl] == b"\r" else nl)
