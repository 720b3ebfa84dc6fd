"""The lexical side: BM25 (bm25s) over identifier sub-tokens.

bm25s has no incremental update, so the index is rebuilt lazily at the next
query after a change (tokens per chunk are kept, only the BM25 matrix is redone).
``ChunkLexicon`` keeps a folder's two lexical legs: the whole chunk (its name weighted above
its body) and the name alone (where a short name is not drowned by a long body).
"""

from __future__ import annotations

import builtins
import threading
from typing import Any

import numpy as np

from aurelis.index.chunk import Chunk
from aurelis.index.texts import chunk_tokens, name_tokens

# BM25 parameters (bm25s's defaults; the bench measures others).
BM25_PARAMS: dict[Any, Any] = {"k1": 1.5, "b": 0.75, "method": "lucene"}


class LexicalIndex:
    def __init__(self) -> None:
        self._tokens: dict[str, list[str]] = {}
        self._ids: list[str] = []
        self._bm25 = None
        self._vocab: set[str] = set()
        self._dirty = True
        self._lock = threading.Lock()

    def set(self, chunk_id: str, tokens: list[str]) -> None:
        self._tokens[chunk_id] = tokens
        self._dirty = True

    def remove(self, chunk_id: str) -> None:
        if self._tokens.pop(chunk_id, None) is not None:
            self._dirty = True

    def __len__(self) -> int:
        return len(self._tokens)

    def tokens_of(self, chunk_id: str) -> list[str]:
        return self._tokens.get(chunk_id, [])

    def idf(self, query_tokens: list[str]) -> dict[str, float]:
        """BM25's idf of each known token (unknown ones are left out)."""
        with self._lock:
            if self._dirty:
                self._build()
            bm = self._bm25
            if bm is None:
                return {}
            vocab, indptr, n = bm.vocab_dict, bm.scores["indptr"], bm.scores["num_docs"]
            out = {}
            for t in query_tokens:
                v = vocab.get(t)
                if v is not None:
                    df = int(indptr[v + 1] - indptr[v])
                    out[t] = float(np.log((n - df + 0.5) / (df + 0.5) + 1.0))
            return out

    def _build(self) -> None:
        import bm25s

        self._ids = list(self._tokens)
        corpus = [self._tokens[i] or ["<empty>"] for i in self._ids]
        self._bm25 = None
        self._vocab = set()
        if corpus:
            bm = bm25s.BM25(**BM25_PARAMS)
            bm.index(corpus, show_progress=False)
            self._bm25 = bm
            self._vocab = set(bm.vocab_dict)
        self._dirty = False

    def refresh(self) -> None:
        """Rebuild now if stale (called by writers, so the next query does not pay for it)."""
        with self._lock:
            if self._dirty:
                self._build()

    def search(
        self, query_tokens: list[str], k: int, allowed: builtins.set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, BM25 score > 0), best first."""
        with self._lock:
            if self._dirty:
                self._build()
            known = [t for t in query_tokens if t in self._vocab]
            if self._bm25 is None or not known:
                return []
            scores = np.asarray(self._bm25.get_scores(known), dtype=np.float32)
            ids = self._ids
        if allowed is not None:
            mask = np.fromiter((i in allowed for i in ids), dtype=bool, count=len(ids))
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top])]
        return [(ids[i], float(scores[i])) for i in top if scores[i] > 0]


class ChunkLexicon:
    def __init__(self) -> None:
        self.whole = LexicalIndex()
        self.names = LexicalIndex()

    def set(self, chunk_id: str, chunk: Chunk) -> None:
        self.whole.set(chunk_id, chunk_tokens(chunk))
        self.names.set(chunk_id, name_tokens(chunk))

    def remove(self, chunk_id: str) -> None:
        self.whole.remove(chunk_id)
        self.names.remove(chunk_id)

    def refresh(self) -> None:
        self.whole.refresh()
        self.names.refresh()

    def search(
        self, query_tokens: list[str], k: int, allowed: builtins.set[str] | None = None
    ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """Up to ``k`` hits of each leg: (whole chunk, name alone)."""
        return self.whole.search(query_tokens, k, allowed), self.names.search(query_tokens, k, allowed)
