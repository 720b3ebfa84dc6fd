"""The ``openai-compatible`` backend: vectors from a ``/v1/embeddings`` server.

text-embeddings-inference, vLLM, llama.cpp's server and Ollama all speak this shape:
``POST {base_url}/embeddings {"model", "input": [...]}`` answers ``{"data": [{"index", "embedding"}]}``.
A team runs one on a GPU and every client (and CI) encodes through it.

Batching, retries with backoff and per-request timeouts live here; the disk cache, pacing
and ordering live in ``Embedder`` as for every backend. The URL and the key's environment
variable come from user-level settings only (``config/trust.py``). The key is sent as a
bearer token and never appears in an error message.

There are no local weights to hash: the identity is the server's model name (as the
server reports it back) and the dimension, both pinned at the first answer. A manifest
or collection built from another model is refused by the store, never mixed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from typing import Any

import numpy as np

from aurelis.index.backends.base import BackendError

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+|[^\w\s]")


class RemoteEmbeddingsBackend:
    name = "openai-compatible"

    def __init__(
        self,
        model: str,
        base_url: str | None,
        api_key_env: str | None = None,
        max_tokens: int = 128,
        batch_size: int = 64,
        timeout: float = 30.0,
        retries: int = 2,
    ) -> None:
        self.model = model
        self.base_url = (base_url or "").rstrip("/")  # checked on first use: constructing never fails
        self.api_key_env = api_key_env
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.timeout = timeout
        self.retries = retries
        self.threads = 1
        self._dim: int | None = None
        self._served_model: str | None = None
        self._client: Any = None  # an httpx.Client, made on first use
        self._lock = threading.Lock()

    # -- identity ----------------------------------------------------------------
    @property
    def weights_sha256(self) -> str:
        # No weights on this machine: what the vectors depend on is the model the server runs.
        return hashlib.sha256(f"{self.model}|{self.max_tokens}".encode()).hexdigest()

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.load()
        assert self._dim is not None
        return self._dim

    @property
    def loaded(self) -> bool:
        return self._dim is not None

    def load(self) -> None:
        """One probe request: learns the dimension and checks the server serves this model."""
        if self._dim is None:
            self._post(["dimension probe"])

    # -- HTTP --------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.api_key_env:
            key = os.environ.get(self.api_key_env)
            if not key:
                raise BackendError(
                    f"environment variable {self.api_key_env} (index.embeddings.api_key_env) is not set"
                )
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _http(self) -> Any:
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=self.timeout)
        return self._client

    def _post(self, texts: list[str]) -> np.ndarray:
        import httpx

        if not self.base_url:
            raise BackendError(
                "index.backend is openai-compatible but index.embeddings.base_url is not set "
                "(a user-level setting: client settings or the user config file)"
            )
        body = {"model": self.model, "input": texts}
        url = f"{self.base_url}/embeddings"
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(8.0, 0.25 * 2 ** (attempt - 1)))
            try:
                resp = self._http().post(url, json=body, headers=self._headers())
            except httpx.TimeoutException:
                last = f"timed out after {self.timeout:g}s"
                continue
            except httpx.HTTPError as exc:
                last = f"{exc.__class__.__name__}"
                continue
            if resp.status_code >= 500 or resp.status_code == 429:
                last = f"HTTP {resp.status_code}"
                continue
            if resp.status_code >= 400:
                raise BackendError(
                    f"embeddings server {self.base_url} refused the request: HTTP {resp.status_code}"
                )
            return self._parse(resp, len(texts))
        raise BackendError(f"embeddings server {self.base_url} failed after {self.retries + 1} tries: {last}")

    def _parse(self, resp: Any, n: int) -> np.ndarray:
        try:
            payload = resp.json()
            items = payload["data"]
            if not isinstance(items, list) or not all(isinstance(d, dict) for d in items):
                raise TypeError("data is not a list of objects")
            data = sorted(items, key=lambda d: int(d.get("index", 0)))
            vecs = np.asarray([d["embedding"] for d in data], dtype=np.float32)
        except (ValueError, KeyError, TypeError) as exc:
            raise BackendError(
                f"embeddings server {self.base_url} answered something that is not an embeddings list "
                f"({exc.__class__.__name__})"
            ) from None
        if vecs.ndim != 2 or vecs.shape[0] != n or vecs.shape[1] == 0 or not np.isfinite(vecs).all():
            raise BackendError(
                f"embeddings server {self.base_url} answered {vecs.shape} vectors for {n} texts"
            )
        served = payload.get("model") if isinstance(payload, dict) else None
        with self._lock:
            if self._dim is None:
                self._dim = int(vecs.shape[1])
                self._served_model = served if isinstance(served, str) else None
                log.info(
                    "embeddings server %s: model %s, dimension %d",
                    self.base_url,
                    served or self.model,
                    self._dim,
                )
            elif vecs.shape[1] != self._dim:
                raise BackendError(
                    f"embeddings server {self.base_url} changed dimension ({self._dim} -> {vecs.shape[1]}): "
                    "was the model swapped? The index must be rebuilt for another model."
                )
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        unit: np.ndarray = vecs / np.maximum(norms, 1e-12)
        return unit

    # -- the interface -----------------------------------------------------------
    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        # Servers truncate on their own side; a rough character cap keeps requests bounded.
        cap = self.max_tokens * 8
        parts = [
            self._post([t[:cap] for t in texts[i : i + self.batch_size]])
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(parts).astype(np.float32, copy=False)

    def count_tokens(self, text: str) -> int:
        # No tokenizer here: words and punctuation approximate word pieces from below.
        return len(_WORD.findall(text))
