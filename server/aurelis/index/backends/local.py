"""What the two in-process backends (onnx, sentence-transformers) share: their settings,
the loaded model, the dimension learnt lazily, the empty batch and the token count from
the model's tokenizer file (no model load: the AI context budget counts retrieved code
with it on the request path)."""

from __future__ import annotations

import threading
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
        self._counter: Any = None  # a tokenizers.Tokenizer without truncation, for count_tokens
        self._lock = threading.Lock()

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

    def _tokenizer_file(self) -> Path | None:
        """The model's ``tokenizer.json`` (None: only the loaded model tokenises)."""
        return None

    def _count_loaded(self, text: str) -> int:
        raise NotImplementedError

    def count_tokens(self, text: str) -> int:
        """Word pieces of ``text``, without special tokens or truncation."""
        with self._lock:
            if self._counter is None and (path := self._tokenizer_file()) is not None:
                from tokenizers import Tokenizer

                tok = Tokenizer.from_file(str(path))
                tok.no_padding()
                tok.no_truncation()
                self._counter = tok
        if self._counter is None:
            return self._count_loaded(text)
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        return self._encode(texts)
