"""Duplicate and near-duplicate functions: embedding neighbours proposed,
normalised-token similarity decides.

The embedding index is good at "these two functions are about the same thing"
and cheap to ask for the few nearest neighbours of each function; it cannot
tell a copy from a function on the same topic. The normalised token stream
(``tokens.py``) can: a copy with renamed variables and a few edits scores
close to 1, a different implementation of the same idea does not.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aurelis.analysis.crossfile.tokens import normalise, similar_enough

DEFAULT_MIN_LINES = 0  # size is measured in statements and tokens; lines only when asked
DEFAULT_MIN_STATEMENTS = 3
DEFAULT_MIN_TOKENS = 30
DEFAULT_THRESHOLD = 0.85
DEFAULT_NEIGHBOURS = 8


@dataclass(frozen=True, slots=True)
class Unit:
    """One function or method of the workspace."""

    key: str  # unique in the workspace (the index's chunk id)
    path: str  # absolute posix path of its file
    name: str  # qualified name
    start_byte: int
    end_byte: int
    start_line: int  # 0-based
    start_col: int  # UTF-8 bytes
    end_line: int
    end_col: int
    text: str
    language: str = "python"
    name_start: int | None = None  # byte range of the name, for a precise diagnostic range
    name_end: int | None = None
    kind: str = "function"  # function | method

    @property
    def display_name(self) -> str:
        """``name`` for a function, ``Class.name`` for a method (the module is in the location)."""
        parts = self.name.split(".")
        return ".".join(parts[-2:]) if self.kind == "method" and len(parts) > 1 else parts[-1]

    @property
    def lines(self) -> int:
        return self.end_line - self.start_line + 1

    def contains(self, other: Unit) -> bool:
        return (
            self.path == other.path
            and self.start_byte <= other.start_byte
            and other.end_byte <= self.end_byte
        )


@dataclass(frozen=True, slots=True)
class Twin:
    unit: Unit
    score: float


@dataclass
class DuplicateOptions:
    min_lines: int = DEFAULT_MIN_LINES
    min_tokens: int = DEFAULT_MIN_TOKENS
    threshold: float = DEFAULT_THRESHOLD
    neighbours: int = DEFAULT_NEIGHBOURS
    min_statements: int = DEFAULT_MIN_STATEMENTS
    sync_async: bool = False  # report an `async def` and a `def` twin (httpx keeps both on purpose)


@dataclass(frozen=True, slots=True)
class Shape:
    """What the function's own syntax says about it as a duplicate candidate."""

    statements: int  # in the body, nested ones included, the docstring not
    stub: bool  # @overload / @abstractmethod, or a body of only `...`/`pass`/docstring/NotImplementedError
    is_async: bool


_STUB_DECORATORS = {
    "overload",
    "abstractmethod",
    "abstractproperty",
    "abstractclassmethod",
    "abstractstaticmethod",
}


def shape(text: str) -> Shape | None:
    """The shape of one function's source (None: not a parseable Python function)."""
    try:
        tree = ast.parse(textwrap.dedent(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    fn = next((s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if fn is None:
        return None
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    decorators = {_last(d.func if isinstance(d, ast.Call) else d) for d in fn.decorator_list}
    stub = bool(decorators & _STUB_DECORATORS) or all(_is_stub_statement(s) for s in body)
    statements = sum(1 for s in body for n in ast.walk(s) if isinstance(n, ast.stmt))
    return Shape(statements, stub, isinstance(fn, ast.AsyncFunctionDef))


def _last(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _is_stub_statement(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True  # `...` or a string
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return _last(exc) == "NotImplementedError"
    return False


@dataclass
class TokenCache:
    """Normalised streams by (language, text): unchanged functions are not re-tokenised."""

    streams: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    pairs: dict[tuple[int, int, float], float | None] = field(default_factory=dict)  # by text hashes
    shapes: dict[tuple[str, str], Shape | None] = field(default_factory=dict)

    def score(self, a: Unit, b: Unit, threshold: float) -> float | None:
        ha, hb = hash((a.language, a.text)), hash((b.language, b.text))
        key = (min(ha, hb), max(ha, hb), threshold)
        if key not in self.pairs:
            self.pairs[key] = similar_enough(self.get(a), self.get(b), threshold)
        return self.pairs[key]

    def shape(self, unit: Unit) -> Shape | None:
        key = (unit.language, unit.text)
        if key not in self.shapes:
            self.shapes[key] = shape(unit.text) if unit.language == "python" else None
        return self.shapes[key]

    def get(self, unit: Unit) -> list[str]:
        key = (unit.language, unit.text)
        hit = self.streams.get(key)
        if hit is None:
            hit = self.streams[key] = normalise(unit.text, unit.language)
        return hit

    def retain(self, units: Iterable[Unit]) -> None:
        keep = {(u.language, u.text) for u in units}
        self.streams = {k: v for k, v in self.streams.items() if k in keep}
        self.shapes = {k: v for k, v in self.shapes.items() if k in keep}
        live = {hash(k) for k in keep}
        self.pairs = {k: v for k, v in self.pairs.items() if k[0] in live and k[1] in live}


def _no_pause() -> None:
    return None


def eligible(unit: Unit, tokens: list[str], options: DuplicateOptions, form: Shape | None = None) -> bool:
    """Big enough to be worth sharing (statements and tokens), and not a stub: `@overload`
    and abstract/protocol signatures repeat by design."""
    if unit.lines < options.min_lines or len(tokens) < options.min_tokens:
        return False
    return form is None or (not form.stub and form.statements >= options.min_statements)


def _async(form: Shape | None) -> bool | None:
    return None if form is None else form.is_async


def group(twins: dict[str, dict[str, float]], by_key: dict[str, Unit]) -> dict[str, list[Twin]]:
    """One entry per group of copies (connected pairs), on its later copy (the last by path and
    position), with every other member as a twin: its score against that copy, or its best in
    the group when the pair itself was not compared."""
    parent = {k: k for k in twins}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, others in twins.items():
        for b in others:
            parent[find(a)] = find(b)
    members: dict[str, list[str]] = {}
    for k in twins:
        members.setdefault(find(k), []).append(k)
    out: dict[str, list[Twin]] = {}
    for keys in members.values():
        later = max(keys, key=lambda k: (by_key[k].path, by_key[k].start_byte))
        out[later] = sorted(
            (Twin(by_key[k], twins[later].get(k) or max(twins[k].values())) for k in keys if k != later),
            key=lambda t: (-t.score, t.unit.path, t.unit.start_byte),
        )
    return out


def find_duplicates(
    units: list[Unit],
    neighbours: Callable[[Unit, int], Iterable[str]],
    options: DuplicateOptions | None = None,
    cache: TokenCache | None = None,
    pause: Callable[[], object] | None = None,
) -> dict[str, list[Twin]]:
    """``unit key -> its twins`` for the later copy of every group of copies (see ``group``).

    ``neighbours(unit, k)`` returns the keys of up to ``k`` candidate units
    (the embedding index's nearest neighbours); each candidate pair is then
    confirmed by token similarity. The relation is made symmetric: if A's
    neighbours include B, the pair counts even when A is not among B's.
    ``pause()`` is called before each unit's work (a background caller yields or aborts there).
    """
    options = options or DuplicateOptions()
    cache = cache or TokenCache()
    pause = pause or _no_pause
    by_key = {u.key: u for u in units}
    ok: set[str] = set()
    for u in units:
        pause()
        if eligible(u, cache.get(u), options, cache.shape(u)):
            ok.add(u.key)
    result: dict[str, dict[str, float]] = {}
    checked: set[tuple[str, str]] = set()
    for unit in units:
        if unit.key not in ok:
            continue
        pause()
        for other_key in neighbours(unit, options.neighbours):
            pair = (unit.key, other_key) if unit.key < other_key else (other_key, unit.key)
            if other_key == unit.key or other_key not in ok or pair in checked:
                continue
            checked.add(pair)
            other = by_key[other_key]
            if unit.contains(other) or other.contains(unit):
                continue
            if not options.sync_async and _async(cache.shape(unit)) != _async(cache.shape(other)):
                continue  # `def get` and `async def get`: twins kept on purpose (sync and async APIs)
            score = cache.score(unit, other, options.threshold)
            if score is None:
                continue
            result.setdefault(unit.key, {})[other_key] = score
            result.setdefault(other_key, {})[unit.key] = score
    return group(result, by_key)
