"""What the two in-process backends (onnx, sentence-transformers) share: their settings,
the loaded model, the dimension learnt lazily and the empty batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from aurelis.index.backends.base import BackendError
from aurelis.index.backends.weights import physical_cores


class LocalBackend:
    name = "local"

    def __init__(self, model: str, max_tokens: int = 128, threads: int = 0, state_dir: Path | None = None):
        self.model = model
        self.max_tokens = max_tokens
        self.threads = threads or physical_cores()
        self._state_dir = state_dir
        self._sha: str | None = None
        self._model: Any = None  # the runtime's model (an onnxruntime session, a SentenceTransformer)
        self._dim: int | None = None

    def _dim_without_loading(self) -> int | None:
        """The dimension when the model's files say it (None: only loading tells)."""
        return None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = self._dim_without_loading()
        if self._dim is None:
            self.load()
        if self._dim is None:
            raise BackendError(f"{self.model}: the loaded model did not report its dimension")
        return self._dim

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        raise NotImplementedError

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        return self._encode(texts)
