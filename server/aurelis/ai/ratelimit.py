"""Client-side rate limit per provider: requests are spaced at least 60/rpm seconds apart."""

from __future__ import annotations

import asyncio
import time


class RateLimiter:
    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(self, name: str, requests_per_minute: float) -> float:
        """Wait for ``name``'s next slot; returns the seconds waited."""
        if requests_per_minute <= 0:
            return 0.0
        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            now = time.monotonic()
            wait = max(0.0, self._next.get(name, 0.0) - now)
            if wait:
                await asyncio.sleep(wait)
            self._next[name] = max(now, self._next.get(name, 0.0)) + 60.0 / requests_per_minute
            return wait
