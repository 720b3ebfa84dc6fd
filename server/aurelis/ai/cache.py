"""Response cache in diskcache, keyed by everything that decides the answer: the provider's
kind, ``base_url`` and model, every request parameter and the full prompt (switching to
another server never brings back the old server's answer).

Lives under ``$AURELIS_CACHE_DIR/ai`` (tests and benches point the variable at a
temporary directory) or the user cache dir. A cache that cannot be opened or
read is skipped with a warning, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import platformdirs

from aurelis.ai.prompts import Prompt
from aurelis.config.ai import ProviderSettings

log = logging.getLogger(__name__)

ENV = "AURELIS_CACHE_DIR"


def default_dir() -> Path:
    override = os.environ.get(ENV)
    root = Path(override) if override else Path(platformdirs.user_cache_dir("aurelis"))
    return root / "ai"


def cache_key(provider: ProviderSettings, prompt: Prompt) -> str:
    # What is sent decides the answer; the name, timeout, key variable and rate limit do not.
    request = provider.model_dump(exclude={"name", "api_key_env", "timeout", "requests_per_minute"})
    request["base_url"] = provider.base_url.rstrip("/")
    payload = json.dumps(
        [prompt.task, prompt.system, prompt.user, sorted(request.items())], ensure_ascii=False, default=str
    )
    digest = hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
    return f"v2|{provider.kind}|{provider.model}|{digest}"


class ResponseCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_dir()
        self._cache: Any = None  # a diskcache.Cache, opened on first use
        self._broken = False

    def _open(self) -> Any:
        if self._cache is None and not self._broken:
            from aurelis.index.caches import open_cache

            # a corrupt cache.db is set aside and recreated; an unwritable dir: no cache
            self._cache = open_cache(self.directory, 256 * 2**20, "AI response")
            self._broken = self._cache is None
        return self._cache

    def _failed(self, what: str, exc: Exception) -> None:
        from aurelis.index.caches import is_corrupt, set_aside

        log.warning("AI response cache %s failed: %s", what, exc)
        if is_corrupt(exc) and self._cache is not None:
            self._cache.close()
            self._cache = None
            self._broken = not set_aside(self.directory, "AI response", exc)

    def get(self, key: str) -> str | None:
        cache = self._open()
        if cache is None:
            return None
        try:
            value = cache.get(key)
        except Exception as exc:
            self._failed("read", exc)
            return None
        return value if isinstance(value, str) else None

    def set(self, key: str, text: str, ttl: int) -> None:
        cache = self._open()
        if cache is None or ttl <= 0:
            return
        try:
            cache.set(key, text, expire=ttl)
        except Exception as exc:
            self._failed("write", exc)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
