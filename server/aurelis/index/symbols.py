"""The symbol table for ``workspace/symbol``: exact, prefix and fuzzy name matches."""

from __future__ import annotations

from collections.abc import Iterable

from aurelis.index.chunk import Chunk

SYMBOL_KINDS = {"function", "method", "class", "interface"}


def _fuzzy(query: str, name: str) -> bool:
    """Every query character appears in order (what editors call fuzzy)."""
    it = iter(name)
    return all(ch in it for ch in query)


def match(query: str, chunks: Iterable[Chunk], limit: int = 100) -> list[Chunk]:
    """Definitions whose short or qualified name matches ``query``; exact first, then prefix, then fuzzy."""
    q = query.strip().lower()
    ranked: list[tuple[int, int, str, Chunk]] = []
    for c in chunks:
        if c.kind not in SYMBOL_KINDS or c.part > 1:
            continue
        short, qual = c.short_name.lower(), c.name.lower()
        if not q:
            tier = 3
        elif short == q or qual == q:
            tier = 0
        elif short.startswith(q) or qual.startswith(q):
            tier = 1
        elif q in short or q in qual:
            tier = 2
        elif _fuzzy(q, short) or _fuzzy(q, qual):
            tier = 3
        else:
            continue
        ranked.append((tier, len(short), c.name, c))
    ranked.sort(key=lambda t: t[:3])
    return [t[3] for t in ranked[:limit]]
