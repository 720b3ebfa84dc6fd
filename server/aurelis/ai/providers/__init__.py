"""One module per wire format; :func:`make` picks the class for a provider's ``kind``."""

from __future__ import annotations

from aurelis.ai.providers.anthropic import AnthropicProvider
from aurelis.ai.providers.base import Provider
from aurelis.ai.providers.ollama import OllamaProvider
from aurelis.ai.providers.openai import OpenAIProvider
from aurelis.config.ai import ProviderSettings

KINDS: dict[str, type[Provider]] = {
    "openai": OpenAIProvider,
    "ollama": OllamaProvider,
    "anthropic": AnthropicProvider,
}


def make(settings: ProviderSettings, api_key: str | None) -> Provider:
    return KINDS[settings.kind](settings, api_key)
