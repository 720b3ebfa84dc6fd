"""OpenAI-compatible chat completions (OpenAI, Azure, GitHub Models, Groq, Gemini's
OpenAI endpoint, vLLM, llama.cpp server, LM Studio, …)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from aurelis.ai.errors import ProviderError
from aurelis.ai.prompts import Prompt
from aurelis.ai.providers.base import Provider, sse_data


def chat_url(base_url: str) -> str:
    """The SDK convention: ``base_url`` already holds the API's path (``…/v1``, Azure's
    ``…/openai/v1``, GitHub Models' ``…/inference``, Gemini's ``…/v1beta/openai``), so only
    ``/chat/completions`` is added; a bare host gets ``/v1`` first."""
    base = base_url.rstrip("/")
    return base + ("/v1/chat/completions" if urlsplit(base).path in ("", "/") else "/chat/completions")


class OpenAIProvider(Provider):
    kind = "openai"

    def request(self, prompt: Prompt, stream: bool) -> tuple[str, dict[str, str], dict[str, Any]]:
        s = self.settings
        headers: dict[str, str] = {}  # httpx sets the JSON content type
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
            if ".azure.com" in s.base_url:  # Azure's key header
                headers["api-key"] = self._api_key
        body = {
            "model": s.model,
            "messages": [
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user},
            ],
            "max_tokens": s.max_tokens,
            "temperature": s.temperature,
            "stream": stream,
        }
        return chat_url(s.base_url), headers, body

    def parse_full(self, data: Any) -> str:
        choice = data["choices"][0]
        self.stop_reason = choice.get("finish_reason")
        return choice["message"].get("content") or ""

    async def parse_stream(self, lines: AsyncIterator[str]) -> AsyncIterator[str]:
        async for _event, data in sse_data(lines):
            if data.strip() == "[DONE]":
                return
            chunk = json.loads(data)
            if "error" in chunk:
                raise ProviderError(self.name, f"stream error: {chunk['error']}", retryable=True)
            for choice in chunk.get("choices") or []:
                if choice.get("finish_reason"):
                    self.stop_reason = choice["finish_reason"]
                delta = (choice.get("delta") or {}).get("content")
                if delta:
                    yield delta
