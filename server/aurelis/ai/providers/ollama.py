"""Ollama's native chat API (``/api/chat``, NDJSON streaming)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from aurelis.ai.errors import ProviderError
from aurelis.ai.prompts import Prompt
from aurelis.ai.providers.base import Provider, join_url


class OllamaProvider(Provider):
    kind = "ollama"

    def request(self, prompt: Prompt, stream: bool) -> tuple[str, dict[str, str], dict[str, Any]]:
        s = self.settings
        headers: dict[str, str] = {}  # httpx sets the JSON content type
        if self._api_key:  # e.g. behind an authenticating proxy
            headers["Authorization"] = f"Bearer {self._api_key}"
        body = {
            "model": s.model,
            "messages": [
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user},
            ],
            "stream": stream,
            "options": {"temperature": s.temperature, "num_predict": s.max_tokens},
        }
        return join_url(s.base_url, "/api/chat"), headers, body

    def parse_full(self, data: Any) -> str:
        self.stop_reason = data.get("done_reason")
        return data["message"].get("content") or ""

    async def parse_stream(self, lines: AsyncIterator[str]) -> AsyncIterator[str]:
        async for line in lines:
            if not line.strip():
                continue
            chunk = json.loads(line)
            if "error" in chunk:
                raise ProviderError(self.name, f"stream error: {chunk['error']}", retryable=True)
            content = (chunk.get("message") or {}).get("content")
            if content:
                yield content
            if chunk.get("done"):
                self.stop_reason = chunk.get("done_reason")
                return
