"""What every embedding backend shares: the interface, its errors and the defaults
(a module of its own, so that the backends and the package that picks one do not
import each other)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Protocol, runtime_checkable

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
