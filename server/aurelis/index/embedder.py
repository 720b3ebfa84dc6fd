"""Embeddings through a backend (onnx by default) with a content-addressed disk cache.

The backend (``aurelis.index.backends``) loads lazily: onnxruntime or torch is imported
on the first encode, never at import time. Vectors are normalised float32. The cache
is keyed by (backend identity, sha256 of the text): the identity holds the backend,
model, truncation and weights hash, so vectors of different backends never mix, and
re-indexing unchanged code encodes nothing, which ``stats`` counts.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from aurelis.index.backends import DEFAULT_MODEL, BackendError, EmbeddingBackend, identity, make_backend
from aurelis.index.memory import map_large_blocks, release_freed_memory
from aurelis.priority import ForegroundGate
from aurelis.priority.imports import paced_imports

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_MODEL", "EmbedStats", "Embedder", "EmbedderError", "shared_embedder"]


class EmbedderError(RuntimeError):
    pass


@dataclass
class EmbedStats:
    encoded: int = 0  # texts that went through the model
    cache_hits: int = 0  # texts answered from the disk cache
    batches: int = 0


class Embedder:
    """``encode(texts) -> (n, dim) float32`` normalised. Thread-safe; one model per instance."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        max_tokens: int = 128,
        batch_size: int = 8,
        threads: int = 0,
        cache_dir: Path | None = None,
        backend: str | EmbeddingBackend = "auto",
        server: object = None,
    ) -> None:
        self.model_name = model
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.backend: EmbeddingBackend = (
            make_backend(backend, model, max_tokens, threads, cache_dir, server)
            if isinstance(backend, str)
            else backend
        )
        self.threads = getattr(self.backend, "threads", threads)
        self.stats = EmbedStats()
        self._model_id: str | None = None
        self._load_lock = threading.Lock()
        self._encode_lock = threading.Lock()
        self._cache_dir = cache_dir
        self._cache = None
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def model_id(self) -> str:
        """What the vectors depend on (backend, model, truncation, weights hash): manifests and
        cache keys carry it. Known without loading the model."""
        if self._model_id is None:
            try:
                self._model_id = identity(self.backend)
            except BackendError as exc:
                raise EmbedderError(str(exc)) from exc
        return self._model_id

    def describe(self) -> dict[Any, Any]:
        """The embedding identity, spelled out for manifests and status."""
        return {
            "backend": self.backend.name,
            "model": self.backend.model,
            "max_tokens": self.backend.max_tokens,
            "weights_sha256": self.backend.weights_sha256,
        }

    # -- model -----------------------------------------------------------------
    def load(self, gate: ForegroundGate | None = None) -> EmbeddingBackend:
        """The backend with its model loaded. ``gate``: a background load imports the runtime
        module by module, giving way to the foreground between modules."""
        with self._load_lock:
            if not self.backend.loaded:
                map_large_blocks()
                try:
                    with paced_imports(gate) if gate is not None else nullcontext():
                        self.backend.load()
                except BackendError as exc:
                    raise EmbedderError(str(exc)) from exc
                except Exception as exc:
                    raise EmbedderError(f"cannot load embedding model {self.model_name!r}: {exc}") from exc
                log.info("embedding backend %s ready (dim %d)", self.model_id, self.backend.dim)
                _freeze_heap(gate)
        return self.backend

    @property
    def loaded(self) -> bool:
        return self.backend.loaded

    @property
    def dim(self) -> int:
        if not self.backend.loaded:
            self.load()
        return self.backend.dim

    def count_tokens(self, text: str) -> int:
        """Word pieces of ``text`` for this model (no special tokens, no truncation): for budgets."""
        try:
            return self.backend.count_tokens(text)
        except BackendError as exc:
            raise EmbedderError(str(exc)) from exc

    def raw_encode(self, texts: list[str], pause: Callable[[], object] | None = None) -> np.ndarray:
        """The model alone, no cache: what the benchmarks call the limit.

        ``pause`` is called before each batch (a background build waits there for the foreground)."""
        backend = self.load()
        # Sorted by length so each batch pads little; the lock is taken per batch so a
        # query embedding waits for at most one batch of a running build.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), backend.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            if pause is not None:
                pause()
            with self._encode_lock:
                vecs = backend.encode([texts[i] for i in idx])
            out[idx] = vecs
            self.stats.batches += 1
        return out

    # -- cache -----------------------------------------------------------------
    def _disk(self) -> Any:
        if self._cache is None and self._cache_dir is not None:
            from aurelis.index.caches import open_cache

            # Lookups by key, each row read once per build: sqlite's defaults (64 MB memory map,
            # 32 MB page cache per thread) would keep the database in the server's RSS for nothing.
            self._cache = open_cache(
                self._cache_dir, 2**30, "embeddings", sqlite_mmap_size=0, sqlite_cache_size=256
            )
            if self._cache is None:  # a broken cache costs speed, never correctness
                self._cache_dir = None
        return self._cache

    def _cache_failed(self, exc: Exception) -> None:
        """A read or write failed on an open cache: a corrupt database is recreated for next time."""
        from aurelis.index.caches import is_corrupt, set_aside

        log.warning("embeddings cache failed: %s", exc)
        if is_corrupt(exc) and self._cache is not None and self._cache_dir is not None:
            self._cache.close()
            self._cache = None
            if not set_aside(Path(self._cache_dir), "embeddings", exc):
                self._cache_dir = None

    def _key(self, text: str) -> str:
        return self.model_id + ":" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def encode(self, texts: list[str], pause: Callable[[], object] | None = None) -> np.ndarray:
        """Normalised vectors of ``texts``; cached ones are read, the rest encoded and stored.
        ``pause``: called before each model batch (see ``raw_encode``)."""
        if not texts:  # no model load for nothing
            return np.zeros((0, self.backend.dim if self.backend.loaded else 0), dtype=np.float32)
        cache = self._disk()
        keys = [self._key(t) for t in texts]
        out: list[np.ndarray | None] = [None] * len(texts)
        if cache is not None:
            try:
                for i, k in enumerate(keys):
                    blob = cache.get(k)
                    if isinstance(blob, bytes) and blob and len(blob) % 4 == 0:
                        out[i] = np.frombuffer(blob, dtype=np.float32)
            except Exception as exc:  # a corrupt database: everything is a miss this time
                self._cache_failed(exc)
                cache, out = None, [None] * len(texts)
            # Before the model is loaded its dimension is unknown: the hits must at least agree.
            dims = {v.shape[0] for v in out if v is not None}
            want = self.backend.dim if self.backend.loaded else (dims.pop() if len(dims) == 1 else -1)
            out = [v if v is not None and v.shape[0] == want else None for v in out]
        missing = [i for i, v in enumerate(out) if v is None]
        self.stats.cache_hits += len(texts) - len(missing)
        if missing:
            vecs = self.raw_encode([texts[i] for i in missing], pause)
            for j, i in enumerate(missing):
                out[i] = vecs[j]
            stale = [i for i, v in enumerate(out) if v is not None and v.shape[0] != vecs.shape[1]]
            if stale:  # cached under this identity with another dimension: a damaged cache
                self.stats.cache_hits -= len(stale)
                for i, v in zip(stale, self.raw_encode([texts[i] for i in stale], pause), strict=True):
                    out[i] = v
                missing += stale
            self.stats.encoded += len(missing)
            if cache is not None:
                try:
                    with cache.transact():
                        for i in missing:
                            row = out[i]
                            if row is not None:
                                cache.set(keys[i], row.tobytes())
                except Exception as exc:
                    self._cache_failed(exc)
        done: list[np.ndarray] = [v for v in out if v is not None]  # every row is filled by now
        return np.vstack(done).astype(np.float32, copy=False)

    def encode_query(self, text: str) -> np.ndarray:
        """One query vector; recent queries are kept in memory."""
        hit = self._queries.get(text)
        if hit is not None:
            self._queries.move_to_end(text)
            return hit
        vec: np.ndarray = self.raw_encode([text])[0]
        self._queries[text] = vec
        if len(self._queries) > 256:
            self._queries.popitem(last=False)
        return vec

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None


def _freeze_heap(gate: ForegroundGate | None) -> None:
    """Hide the objects alive now (the model and its runtime; torch and friends: ~470k) from the
    cyclic collector.

    A full collection then walks ~10 ms instead of ~250 ms, a pause that otherwise falls on
    whichever thread triggers it, the per-file diagnostics included. Garbage is collected first
    (once, ~250 ms, at a quiet moment) so that none is frozen with the rest.
    """
    if gate is not None:
        gate.wait_idle()
    gc.collect()
    gc.freeze()
    release_freed_memory()  # what building the session freed (onnxruntime: tens of MB)


_shared: dict[tuple[Any, ...], Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(
    model: str = DEFAULT_MODEL,
    max_tokens: int = 128,
    batch_size: int = 8,
    threads: int = 0,
    backend: str = "auto",
    server: object = None,
) -> Embedder:
    """One embedder per configuration per process (the model is loaded once).
    ``server``: the ``index.embeddings`` settings (a pydantic model, so it compares by value)."""
    from aurelis.index.paths import embeddings_cache_dir

    key = (backend, model, max_tokens, batch_size, threads, str(embeddings_cache_dir()), repr(server))
    with _shared_lock:
        emb = _shared.get(key)
        if emb is None:
            emb = _shared[key] = Embedder(
                model, max_tokens, batch_size, threads, embeddings_cache_dir(), backend=backend, server=server
            )
        return emb
