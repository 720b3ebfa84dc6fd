"""Duplicate and near-duplicate functions: embedding neighbours proposed,
normalised-token similarity decides.

The embedding index is good at "these two functions are about the same thing"
and cheap to ask for the few nearest neighbours of each function; it cannot
tell a copy from a function on the same topic. The normalised token stream
(``tokens.py``) can: a copy with renamed variables and a few edits scores
close to 1, a different implementation of the same idea does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aurelis.analysis.crossfile.tokens import normalise, similar_enough

DEFAULT_MIN_LINES = 6
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


@dataclass
class TokenCache:
    """Normalised streams by (language, text): unchanged functions are not re-tokenised."""

    streams: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    pairs: dict[tuple[int, int, float], float | None] = field(default_factory=dict)  # by text hashes

    def score(self, a: Unit, b: Unit, threshold: float) -> float | None:
        ha, hb = hash((a.language, a.text)), hash((b.language, b.text))
        key = (min(ha, hb), max(ha, hb), threshold)
        if key not in self.pairs:
            self.pairs[key] = similar_enough(self.get(a), self.get(b), threshold)
        return self.pairs[key]

    def get(self, unit: Unit) -> list[str]:
        key = (unit.language, unit.text)
        hit = self.streams.get(key)
        if hit is None:
            hit = self.streams[key] = normalise(unit.text, unit.language)
        return hit

    def retain(self, units: Iterable[Unit]) -> None:
        keep = {(u.language, u.text) for u in units}
        self.streams = {k: v for k, v in self.streams.items() if k in keep}
        live = {hash(k) for k in keep}
        self.pairs = {k: v for k, v in self.pairs.items() if k[0] in live and k[1] in live}


def _no_pause() -> None:
    return None


def eligible(unit: Unit, tokens: list[str], options: DuplicateOptions) -> bool:
    return unit.lines >= options.min_lines and len(tokens) >= options.min_tokens


def find_duplicates(
    units: list[Unit],
    neighbours: Callable[[Unit, int], Iterable[str]],
    options: DuplicateOptions | None = None,
    cache: TokenCache | None = None,
    pause: Callable[[], object] | None = None,
) -> dict[str, list[Twin]]:
    """``unit key -> its twins`` for every unit that has at least one.

    ``neighbours(unit, k)`` returns the keys of up to ``k`` candidate units
    (the embedding index's nearest neighbours); each candidate pair is then
    confirmed by token similarity. The relation is made symmetric: if A's
    neighbours include B, B is reported with A even when A is not among B's.
    ``pause()`` is called before each unit's work (a background caller yields or aborts there).
    """
    options = options or DuplicateOptions()
    cache = cache or TokenCache()
    pause = pause or _no_pause
    by_key = {u.key: u for u in units}
    ok: set[str] = set()
    for u in units:
        pause()
        if eligible(u, cache.get(u), options):
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
            score = cache.score(unit, other, options.threshold)
            if score is None:
                continue
            result.setdefault(unit.key, {})[other_key] = score
            result.setdefault(other_key, {})[unit.key] = score
    return {
        key: sorted(
            (Twin(by_key[k], s) for k, s in twins.items()),
            key=lambda t: (-t.score, t.unit.path, t.unit.start_byte),
        )
        for key, twins in result.items()
    }
