"""The provider chain: cache, rate limit, retries with backoff (honouring
``Retry-After``), then fallback to the next provider.

A call runs as one asyncio task; cancelling it cancels the HTTP request in
flight (its connection is closed), so nothing keeps running at the provider.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aurelis.ai import providers
from aurelis.ai.cache import ResponseCache, cache_key
from aurelis.ai.errors import AllProvidersFailed, NoProviderError, ProviderError
from aurelis.ai.prompts import Prompt
from aurelis.ai.providers.base import OnDelta, Provider
from aurelis.ai.ratelimit import RateLimiter
from aurelis.config.ai import AISettings, ProviderSettings

if TYPE_CHECKING:  # httpx (and the CLI libraries it pulls in) loads with the first request
    import httpx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Completion:
    text: str
    provider: str
    model: str
    cached: bool = False
    attempts: int = 1
    truncated: bool = False  # the provider stopped at its token limit: the answer is incomplete


class ProviderChain:
    def __init__(
        self,
        cache: ResponseCache | None = None,
        *,
        env: Mapping[str, str] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.cache = cache if cache is not None else ResponseCache()
        self.env = env if env is not None else os.environ
        self.sleep = sleep
        self.limiter = RateLimiter()
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            # trust_env=False: no proxy or netrc credentials picked up behind the user's back.
            import httpx

            self._client = httpx.AsyncClient(trust_env=False, follow_redirects=False)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    def candidates(self, ai: AISettings, task: str) -> list[ProviderSettings]:
        if not ai.enabled:
            raise NoProviderError(" (ai.enabled is false)")
        chosen = ai.providers_for(task)
        if not chosen:
            raise NoProviderError()
        return chosen

    async def complete(
        self, prompt: Prompt, ai: AISettings, *, on_delta: OnDelta | None = None, use_cache: bool = True
    ) -> Completion:
        chosen = self.candidates(ai, prompt.task)
        caching = use_cache and ai.cache and ai.cache_ttl > 0
        if caching:  # any provider's cached answer beats a network call
            for p in chosen:
                hit = self.cache.get(cache_key(p, prompt))
                if hit is not None:
                    log.info("AI %s: cache hit (%s/%s)", prompt.task, p.name, p.model)
                    if on_delta is not None:
                        on_delta(hit)
                    return Completion(hit, p.name, p.model, cached=True, attempts=0)
        failures: list[ProviderError] = []
        for p in chosen:
            key = None
            if p.api_key_env:
                key = self.env.get(p.api_key_env)
                if not key:
                    failures.append(
                        ProviderError(
                            p.name, f"environment variable {p.api_key_env} is not set", retryable=False
                        )
                    )
                    continue
            provider = providers.make(p, key)
            try:
                text, attempts = await self._with_retries(provider, prompt, ai, on_delta)
            except ProviderError as exc:
                # info, not warning: the final AllProvidersFailed names every failure, and a
                # warning here would print each one twice on the CLI's stderr.
                log.info("AI %s: provider %s failed: %s", prompt.task, p.name, exc)
                failures.append(exc)
                continue
            if caching and not provider.truncated:  # an incomplete answer is never replayed
                self.cache.set(cache_key(p, prompt), text, ai.cache_ttl)
            return Completion(text, p.name, p.model, attempts=attempts, truncated=provider.truncated)
        raise AllProvidersFailed(failures)

    async def _with_retries(
        self, provider: Provider, prompt: Prompt, ai: AISettings, on_delta: OnDelta | None
    ) -> tuple[str, int]:
        s = provider.settings
        attempt = 0
        while True:
            attempt += 1
            await self.limiter.acquire(s.name, s.requests_per_minute)
            try:
                log.info(
                    "AI %s: calling %s (%s, %s), attempt %d", prompt.task, s.name, s.kind, s.model, attempt
                )
                return await provider.complete(self.client(), prompt, on_delta), attempt
            except ProviderError as exc:
                if not exc.retryable or attempt > ai.retries:
                    raise
                if exc.retry_after is not None and exc.retry_after > ai.max_backoff:
                    raise  # the provider asks for a longer pause than we wait: use the next one
                delay = ai.backoff * (2 ** (attempt - 1))
                if exc.retry_after is not None:
                    delay = max(delay, exc.retry_after)  # never earlier than the provider asked
                delay = min(delay, ai.max_backoff)
                log.info("AI %s: %s; retrying in %.2fs", prompt.task, exc, delay)
                await self.sleep(delay)
