"""What one Python file defines and which names it uses: the rows of the
workspace reference table (see ``references.py``).

Names are matched by spelling, not resolved through scopes: a use of ``foo``
anywhere (a name, an attribute ``x.foo``, ``from m import foo``, an identifier
inside a non-docstring string such as ``getattr(obj, "foo")`` or a string
annotation) keeps every module-level ``foo`` alive. That errs towards keeping
code, which is the right side for a dead-code report.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aurelis.analysis.crossfile.imports import ImportFacts, import_facts
from aurelis.analysis.syntax import walk
from aurelis.workspace import languages

_TEST_PATH = re.compile(r"(^|/)(tests?/|test_[^/]*\.py$|[^/]*_test\.py$|conftest\.py$)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_STRING = 300  # longer strings are prose, not names

# Decorators that only wrap a function without registering it anywhere.
PURE_DECORATORS = frozenset(
    {
        "wraps",
        "lru_cache",
        "cache",
        "cached_property",
        "staticmethod",
        "classmethod",
        "property",
        "abstractmethod",
        "dataclass",
        "total_ordering",
        "singledispatch",
        "contextmanager",
        "asynccontextmanager",
        "overload",
        "final",
        "override",
        "deprecated",
        "runtime_checkable",
        "no_type_check",
        "unique",
        "dataclass_transform",
    }
)


def is_test_path(posix_path: str) -> bool:
    return bool(_TEST_PATH.search(posix_path))


@dataclass(frozen=True, slots=True)
class Definition:
    name: str
    kind: str  # function | class
    start: int  # byte range of the name
    end: int
    first_line: int  # 1-based line range of the whole definition (own body)
    last_line: int
    decorators: tuple[str, ...] = ()  # last dotted part of each decorator
    bases: tuple[str, ...] = ()  # classes: last dotted part of each base
    defines_init_subclass: bool = False
    documented: bool = False  # has a docstring


@dataclass
class FileFacts:
    path: str  # posix path as given
    is_test: bool = False
    parsed: bool = True  # False: a syntax error; only tree-sitter identifiers were read
    definitions: list[Definition] = field(default_factory=list)
    refs: dict[str, list[int]] = field(default_factory=dict)  # name -> 1-based lines of uses
    exported: set[str] = field(default_factory=set)  # module-level __all__
    has_all: bool = False  # the module declares __all__ (maybe empty): its public API is that list
    discovered_bases: set[str] = field(default_factory=set)  # issubclass(x, B) / B.__subclasses__()
    imports: ImportFacts | None = None  # the file's row of the import graph (None: did not parse)

    def add_ref(self, name: str, line: int) -> None:
        self.refs.setdefault(name, []).append(line)


def file_facts(path: str, source: bytes) -> FileFacts:
    """The definitions and name uses of one Python file (never raises)."""
    facts = FileFacts(path=path, is_test=is_test_path(path))
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        facts.parsed = False
        _identifiers_from_tree_sitter(source, facts)
        return facts
    facts.imports = import_facts(tree, source)
    line_starts = _line_starts(source)
    docstrings: set[int] = set()
    name_t, attr_t, const_t, call_t = ast.Name, ast.Attribute, ast.Constant, ast.Call
    node: Any  # narrowed by type() checks below, which mypy does not follow
    for node in _nodes(tree):  # parents before children: a body's owner comes before its docstring
        t = type(node)
        if t is name_t:
            if type(node.ctx) is not ast.Store:
                facts.add_ref(node.id, node.lineno)
        elif t is attr_t:
            facts.add_ref(node.attr, node.lineno)
            if node.attr == "__subclasses__":
                facts.discovered_bases.add(_last_name(node.value))
        elif t is const_t:
            value = node.value
            if type(value) is str and len(value) <= _MAX_STRING and id(node) not in docstrings:
                for word in _WORD.findall(value):
                    facts.add_ref(word, node.lineno)
        elif t is call_t:
            if len(node.args) == 2 and _last_name(node.func) == "issubclass":
                target = node.args[1]
                for base in target.elts if isinstance(target, ast.Tuple) else [target]:
                    facts.discovered_bases.add(_last_name(base))
        elif t in _SCOPES:
            _note_docstring(node, docstrings)
        elif t is ast.ImportFrom:
            for alias in node.names:
                facts.add_ref(alias.name, node.lineno)
        elif t is ast.Import:
            for alias in node.names:
                for part in alias.name.split("."):
                    facts.add_ref(part, node.lineno)
    for stmt in _module_level(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            facts.definitions.append(_definition(stmt, source, line_starts))
        elif _assigns_all(stmt):
            facts.has_all = True
            facts.exported.update(_all_names(stmt))
    facts.discovered_bases.discard("")
    return facts


_SCOPES = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, parents first (``ast.walk`` without its per-node generators: ~2x faster)."""
    stack = [tree]
    pop, push, node_t = stack.pop, stack.append, ast.AST
    while stack:
        node = pop()
        yield node
        for name in node._fields:
            if name == "ctx":
                continue
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, node_t):
                        push(item)
            elif isinstance(value, node_t):
                push(value)


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Top-level statements, including those under module-level if/try/with."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.With, ast.AsyncWith)):
            yield from _module_level(stmt.body)
            yield from _module_level(getattr(stmt, "orelse", []))
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            t: Any = stmt  # ast.Try or ast.TryStar (3.11)
            for part in (t.body, t.orelse, t.finalbody, *(h.body for h in t.handlers)):
                yield from _module_level(part)


def _definition(
    stmt: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, source: bytes, line_starts: list[int]
) -> Definition:
    kind = "class" if isinstance(stmt, ast.ClassDef) else "function"
    start = line_starts[stmt.lineno - 1] + stmt.col_offset
    # the name follows `def`/`async def`/`class` and whitespace (maybe a line continuation)
    keyword = re.compile(rb"(?:async\s+)?(?:def|class)[\s\\]+")
    m = keyword.match(source, start)
    name_start = m.end() if m else start
    bases: tuple[str, ...] = ()
    init_subclass = False
    if isinstance(stmt, ast.ClassDef):
        bases = tuple(n for n in (_last_name(b) for b in stmt.bases) if n and n != "object")
        init_subclass = any(
            isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init_subclass__"
            for s in stmt.body
        )
    return Definition(
        name=stmt.name,
        kind=kind,
        start=name_start,
        end=name_start + len(stmt.name.encode("utf-8")),
        first_line=min([stmt.lineno, *(d.lineno for d in stmt.decorator_list)]),
        last_line=stmt.end_lineno or stmt.lineno,
        decorators=tuple(_last_name(d.func if isinstance(d, ast.Call) else d) for d in stmt.decorator_list),
        bases=bases,
        defines_init_subclass=init_subclass,
        documented=ast.get_docstring(stmt, clean=False) is not None,
    )


def _last_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):  # Generic[T], Base[int]
        return _last_name(node.value)
    if isinstance(node, ast.Call):
        return _last_name(node.func)
    return ""


def _assigns_all(stmt: ast.stmt) -> bool:
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
        targets = [stmt.target]
    if isinstance(stmt, ast.Expr) and isinstance(
        stmt.value, ast.Call
    ):  # __all__.extend([...]) / .append("x")
        func = stmt.value.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr in ("extend", "append")
            and _last_name(func.value) == "__all__"
        )
    return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)


def _all_names(stmt: ast.stmt) -> set[str]:
    value = getattr(stmt, "value", None)
    if value is None:
        return set()
    return {n.value for n in ast.walk(value) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _note_docstring(
    node: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, out: set[int]
) -> None:
    first = node.body[0] if node.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        out.add(id(first.value))


def _line_starts(source: bytes) -> list[int]:
    return [0, *(m.end() for m in re.finditer(rb"\n", source))]


def _identifiers_from_tree_sitter(source: bytes, facts: FileFacts) -> None:
    """A file that does not parse still uses names: read every identifier leaf."""
    tree = languages.parser("python").parse(source)
    for node in walk(tree.root_node):
        if node.type == "identifier":
            facts.add_ref(
                source[node.start_byte : node.end_byte].decode("utf-8", "replace"), node.start_point[0] + 1
            )
