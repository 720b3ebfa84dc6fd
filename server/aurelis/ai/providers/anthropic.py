"""Anthropic Messages API (``/v1/messages``, SSE events when streaming)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from aurelis.ai.errors import ProviderError
from aurelis.ai.prompts import Prompt
from aurelis.ai.providers.base import Provider, join_url, sse_data

API_VERSION = "2023-06-01"


class AnthropicProvider(Provider):
    kind = "anthropic"

    def request(self, prompt: Prompt, stream: bool) -> tuple[str, dict[str, str], dict[str, Any]]:
        s = self.settings
        headers = {"anthropic-version": API_VERSION}
        if self._api_key:
            headers["x-api-key"] = self._api_key
        body = {
            "model": s.model,
            "system": prompt.system,
            "messages": [{"role": "user", "content": prompt.user}],
            "max_tokens": s.max_tokens,
            "temperature": s.temperature,
            "stream": stream,
        }
        return join_url(s.base_url, "/v1/messages"), headers, body

    def parse_full(self, data: Any) -> str:
        self.stop_reason = data.get("stop_reason")
        return "".join(b.get("text", "") for b in data["content"] if b.get("type") == "text")

    async def parse_stream(self, lines: AsyncIterator[str]) -> AsyncIterator[str]:
        async for event, data in sse_data(lines):
            chunk = json.loads(data)
            kind = chunk.get("type", event)
            if kind == "error":
                err = chunk.get("error", {})
                overloaded = err.get("type") in ("overloaded_error", "rate_limit_error", "api_error")
                raise ProviderError(
                    self.name, f"stream error: {err.get('message', err)}", retryable=overloaded
                )
            if kind == "content_block_delta":
                text = (chunk.get("delta") or {}).get("text")
                if text:
                    yield text
            elif kind == "message_delta":
                self.stop_reason = (chunk.get("delta") or {}).get("stop_reason") or self.stop_reason
            elif kind == "message_stop":
                return
