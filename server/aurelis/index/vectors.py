"""The dense side: an hnswlib index (cosine space) with labels we choose.

Deleted labels are marked (``mark_deleted``) and their slots reused
(``allow_replace_deleted=True`` / ``replace_deleted=True``); capacity grows with
``resize_index``. Not thread-safe by itself: the owner holds a lock. hnswlib is imported
when the first index is created or loaded: commands that never touch vectors never load it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

_M = 16
_EF_CONSTRUCTION = 200
_EF_SEARCH = 64
_BRUTE_FORCE_BELOW = 2000  # a filtered search over fewer candidates is exact and cheap


class VectorIndex:
    def __init__(self, dim: int, capacity: int = 1024) -> None:
        import hnswlib

        self.dim = dim
        self.index = hnswlib.Index(space="cosine", dim=dim)
        self.index.init_index(
            max_elements=max(16, capacity), ef_construction=_EF_CONSTRUCTION, M=_M, allow_replace_deleted=True
        )
        self.index.set_ef(_EF_SEARCH)
        self.live: set[int] = set()

    @classmethod
    def load(cls, path: str, dim: int, live: Iterable[int]) -> VectorIndex:
        import hnswlib

        self = cls.__new__(cls)
        self.dim = dim
        self.index = hnswlib.Index(space="cosine", dim=dim)
        self.index.load_index(path, allow_replace_deleted=True)
        self.index.set_ef(_EF_SEARCH)
        self.live = set(live)
        return self

    def save(self, path: str) -> None:
        self.index.save_index(path)

    def __len__(self) -> int:
        return len(self.live)

    def add(self, labels: list[int], vectors: np.ndarray, threads: int = 1) -> None:
        if not labels:
            return
        # Deleted slots are reused first (replace_deleted), so only live elements count.
        capacity = self.index.get_max_elements()
        if len(self.live) + len(labels) > capacity:
            self.index.resize_index(max(2 * capacity, self.index.get_current_count() + len(labels)))
        self.index.add_items(
            vectors, np.asarray(labels, dtype=np.int64), num_threads=threads, replace_deleted=True
        )
        self.live.update(labels)

    def remove(self, labels: Iterable[int]) -> None:
        for label in labels:
            if label in self.live:
                self.index.mark_deleted(label)
                self.live.discard(label)

    def vectors(self, labels: list[int]) -> np.ndarray:
        if not labels:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.index.get_items(labels), dtype=np.float32)

    def query(
        self,
        vector: np.ndarray,
        k: int,
        allowed: Callable[[int], bool] | None = None,
        n_allowed: int | None = None,
    ) -> list[tuple[int, float]]:
        """Up to ``k`` (label, cosine similarity), best first."""
        if not self.live or k <= 0:
            return []
        if allowed is not None and n_allowed is not None and n_allowed <= _BRUTE_FORCE_BELOW:
            labels = [x for x in self.live if allowed(x)]
            if not labels:
                return []
            sims = self.vectors(labels) @ vector
            order = np.argsort(-sims)[:k]
            return [(labels[i], float(sims[i])) for i in order]
        k = min(k, len(self.live) if allowed is None else (n_allowed or len(self.live)))
        self.index.set_ef(max(_EF_SEARCH, k))
        while k > 0:
            try:
                found, dist = self.index.knn_query(vector, k=k, filter=allowed)
                return [(int(lab), 1.0 - float(d)) for lab, d in zip(found[0], dist[0], strict=True)]
            except RuntimeError:  # fewer reachable elements than k
                k //= 2
        return []
