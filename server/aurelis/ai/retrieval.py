"""Related code for the AI context from a workspace index. The engine picks the
folder's index (``Engine.retriever_for``) when it is enabled and built; otherwise
there is no retrieval and the AI features still work.

Hybrid, and cheap on the request path: the dense side starts from the target's
own chunk vector already in the index (an HNSW lookup, no model inference); only
when the target is not indexed is the query embedded, and only if the model is
already loaded (a multi-second model load must not delay an answer). The lexical
side is BM25 over the index. Both rankings are fused by reciprocal rank.

Each hit is counted with the index's own embedding tokenizer (``count_tokens``: the
model's tokenizer file, no model load) for the context budget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aurelis.ai.context import Anchor, Related, Retriever

log = logging.getLogger(__name__)


def _anchor_chunk(index: Any, anchor: Anchor | None) -> Any:
    """The indexed chunk that best covers the anchor's lines (1-based), if any."""
    if anchor is None:
        return None
    path, first, last = anchor
    best, best_overlap = None, 0
    for c in index.chunks_of(path):
        overlap = min(last, c.end_line + 1) - max(first, c.start_line + 1) + 1
        if overlap > best_overlap:
            best, best_overlap = c, overlap
    return best


def _counter(index: Any) -> Callable[[str], int | None]:
    """The embedding model's token count of a text, None where it cannot count."""
    count = getattr(getattr(index, "embedder", None), "count_tokens", None)

    def tokens(text: str) -> int | None:
        if count is None:
            return None
        try:
            return int(count(text))
        except Exception as exc:  # no tokenizer: the provider's estimate counts instead
            log.debug("embedding tokenizer unavailable for the context budget: %s", exc)
            return None

    return tokens


def index_retriever(index: Any) -> Retriever:
    """Hybrid search of ``index`` (a ``WorkspaceIndex``) for the AI context."""
    from aurelis.index.fusion import rrf

    tokens = _counter(index)

    def retrieve(query: str, k: int, anchor: Anchor | None = None) -> list[Related]:
        pool = max(20, 3 * k)
        try:
            dense: list[str] = []
            own = _anchor_chunk(index, anchor)
            if own is not None:
                dense = [c.id for c, _ in index.neighbours(own.id, pool)]
            elif getattr(getattr(index, "embedder", None), "loaded", False):
                dense = [h.chunk_id for h in index.search(query, pool, "dense")]
            lexical = [h.chunk_id for h in index.search(query, pool, "lexical")]
            out: list[Related] = []
            for cid, score in rrf(dense, lexical):
                c = index.chunk(cid)
                if c is None or (own is not None and c.id == own.id):
                    continue
                out.append(Related(c.path, c.start_line + 1, c.end_line + 1, c.text, score, tokens(c.text)))
                if len(out) >= k:
                    break
            return out
        except Exception as exc:  # a broken index degrades the context, never the command
            log.warning("index search for the AI context failed: %s", exc)
            return []

    return retrieve
