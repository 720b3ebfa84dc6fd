"""What every provider shares: one HTTP call over httpx, streamed or not, with
errors classified for the chain (retryable or not, ``Retry-After``)."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from aurelis.ai.errors import ProviderError
from aurelis.ai.prompts import Prompt
from aurelis.ai.redaction import scrub
from aurelis.config.ai import ProviderSettings

if TYPE_CHECKING:  # httpx loads with the first request (the server starts without it)
    import httpx

OnDelta = Callable[[str], None]  # receives the text so far

TRUNCATED = frozenset({"length", "max_tokens"})
RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def join_url(base: str, path: str) -> str:
    """``base`` may or may not already end with the version segment of ``path``."""
    base = base.rstrip("/")
    first = "/" + path.strip("/").split("/")[0]
    if base.endswith(first):
        path = path[len(first) :]
    return base + path


class Provider:
    kind = "base"

    def __init__(self, settings: ProviderSettings, api_key: str | None) -> None:
        self.settings = settings
        self._api_key = api_key  # never logged, never part of repr or errors
        # Why the model stopped, as the provider said it ("stop", "length", "max_tokens", ...):
        # set by ``parse_full`` / ``parse_stream``; None when the answer did not say.
        self.stop_reason: str | None = None

    @property
    def truncated(self) -> bool:
        """The answer was cut off by the token limit (OpenAI ``length``, Ollama ``length``,
        Anthropic ``max_tokens``)."""
        return self.stop_reason in TRUNCATED

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.settings.name!r}, {self.settings.model!r})"

    @property
    def name(self) -> str:
        return self.settings.name

    # -- wire format (per kind) --------------------------------------------------
    def request(self, prompt: Prompt, stream: bool) -> tuple[str, dict[str, str], dict[str, Any]]:
        raise NotImplementedError

    def parse_full(self, data: Any) -> str:
        raise NotImplementedError

    def parse_stream(self, lines: AsyncIterator[str]) -> AsyncIterator[str]:
        raise NotImplementedError

    # -- the call ------------------------------------------------------------------
    async def complete(
        self, client: httpx.AsyncClient, prompt: Prompt, on_delta: OnDelta | None = None
    ) -> str:
        import httpx

        stream = self.settings.stream
        url, headers, body = self.request(prompt, stream)
        timeout = httpx.Timeout(self.settings.timeout)
        try:
            # The `async with` closes the response on any exit, cancellation included: an
            # unfinished response closes its connection, so the provider sees the disconnect.
            async with client.stream("POST", url, headers=headers, json=body, timeout=timeout) as resp:
                if resp.status_code >= 400:
                    await resp.aread()
                    raise self._status_error(resp)
                if not stream:
                    return self.parse_full(json.loads(await resp.aread()))
                text = ""
                lines = resp.aiter_lines()
                async for delta in self.parse_stream(lines):
                    text += delta
                    if on_delta is not None and delta:
                        on_delta(text)
                async for _ in lines:  # read to the end so the connection is kept alive for reuse
                    pass
                return text
        except httpx.TimeoutException as exc:
            raise ProviderError(
                self.name,
                f"timed out after {self.settings.timeout:g}s ({type(exc).__name__})",
                retryable=True,
            ) from None
        except httpx.TransportError as exc:
            raise ProviderError(
                self.name,
                f"connection failed ({type(exc).__name__}: {scrub(str(exc), self._api_key)})",
                retryable=True,
            ) from None
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ProviderError(
                self.name,
                f"unexpected answer ({type(exc).__name__}: {scrub(str(exc), self._api_key)})",
                retryable=False,
            ) from None

    def _status_error(self, resp: httpx.Response) -> ProviderError:
        detail = ""
        try:
            data = resp.json()
            err = data.get("error", data) if isinstance(data, dict) else data
            detail = err.get("message", "") if isinstance(err, dict) else str(err)
        except ValueError:
            detail = resp.text[:200]
        # Error bodies may echo the key or a bearer token back: scrubbed before logs or the user see them.
        detail = scrub(str(detail), self._api_key)[:300] if detail else ""
        return ProviderError(
            self.name,
            f"HTTP {resp.status_code}{': ' + detail if detail else ''}",
            retryable=resp.status_code in RETRYABLE_STATUS,
            status=resp.status_code,
            retry_after=parse_retry_after(resp.headers.get("retry-after")),
        )


async def sse_data(lines: AsyncIterator[str]) -> AsyncIterator[tuple[str, str]]:
    """(event, data) pairs of a server-sent-events stream."""
    event, data = "", list[str]()
    async for line in lines:
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "", []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())
    if data:
        yield event, "\n".join(data)
