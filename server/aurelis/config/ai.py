"""Settings of the AI commands (providers, routing, cache, context budget)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_CHARS_PER_TOKEN = 4.0
TASKS = ("explain", "generate", "fix", "docstring", "tests", "review", "ask", "plan", "implement")


class ProviderSettings(BaseModel):
    """One LLM endpoint. API keys are never settings: only the name of the environment variable."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, description="Name used in routing, logs and the cache key.")
    kind: Literal["openai", "ollama", "anthropic"] = Field(
        "openai",
        description="Wire format: `openai` (any OpenAI-compatible chat-completions API: OpenAI, Azure, GitHub "
        "Models, Groq, Gemini's OpenAI endpoint, vLLM, llama.cpp, LM Studio), `ollama` (native /api/chat) "
        "or `anthropic` (Messages API).",
    )
    base_url: str = Field(
        ...,
        min_length=1,
        description="API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434`.",
    )
    model: str = Field(..., min_length=1, description="Model name sent to the provider.")
    api_key_env: str | None = Field(
        None,
        description="Environment variable holding the API key (never the key itself); none for local servers.",
    )
    timeout: float = Field(
        60.0, gt=0, description="Seconds to wait for the provider (connect and between bytes)."
    )
    max_tokens: int = Field(1024, ge=1, description="Most tokens the model may answer with.")
    chars_per_token: float = Field(
        DEFAULT_CHARS_PER_TOKEN,
        ge=1.0,
        le=16.0,
        description="Characters per token of this model's tokenizer, for the prompt budget "
        "(`ai.context_tokens`): about 4 for English and code with GPT, Llama or Claude tokenizers; lower "
        "(2-3) for text in other scripts or a small-vocabulary model. A task's context is sized for the "
        "smallest value among the providers it may use.",
    )
    temperature: float = Field(0.2, ge=0, le=2, description="Sampling temperature.")
    stream: bool = Field(True, description="Stream the answer (partial output shows in the progress report).")
    requests_per_minute: float = Field(
        0, ge=0, description="Client-side rate limit for this provider; 0 = unlimited."
    )


class AISettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(
        True, description="Offer the AI commands and code actions (they need `ai.providers`)."
    )
    providers: list[ProviderSettings] = Field(
        default_factory=list,
        description="Ordered provider chain: the first that answers wins; on timeout, 429, 5xx or a broken "
        "connection the next one is tried after retries.",
    )
    routing: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per task (explain, generate, fix, docstring, tests, review, ask, plan, implement) the provider names to "
        'use, in order, e.g. `{explain = ["small"]}`; tasks not listed use all providers in order.',
    )
    retries: int = Field(2, ge=0, le=10, description="Retries per provider before falling back to the next.")
    backoff: float = Field(0.5, ge=0, description="First retry delay in seconds (doubles each retry).")
    max_backoff: float = Field(
        30.0,
        ge=0,
        description="Longest wait between retries; a provider whose `Retry-After` asks for longer is skipped for the next one.",
    )
    cache: bool = Field(True, description="Reuse an earlier answer to the same prompt from the same model.")
    cache_ttl: int = Field(
        7 * 24 * 3600, ge=0, description="Seconds a cached answer stays valid; 0 disables caching."
    )
    context_tokens: int = Field(
        3000,
        ge=200,
        description="Token budget of the code context sent with a request (most relevant first).",
    )
    related_chunks: int = Field(5, ge=0, le=50, description="Index search hits added to the context.")
    implement_test_command: list[str] = Field(
        default_factory=list,
        description="Command (argv) that must pass, run in a temporary copy of the workspace, before "
        '`aurelis.implement` offers its edit, e.g. `["python", "-m", "pytest", "-q"]`. User-level only: '
        "it runs something.",
    )
    implement_test_timeout: float = Field(
        120.0,
        gt=0,
        le=3600,
        description="Seconds `implement_test_command` may run before it counts as failed.",
    )

    @field_validator("routing")
    @classmethod
    def _known_tasks(cls, routing: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = [t for t in routing if t not in TASKS]
        if unknown:
            raise ValueError(f"unknown task(s) {', '.join(unknown)}; tasks: {', '.join(TASKS)}")
        return routing

    @field_validator("providers")
    @classmethod
    def _unique_names(cls, providers: list[ProviderSettings]) -> list[ProviderSettings]:
        names = [p.name for p in providers]
        if len(set(names)) != len(names):
            raise ValueError("provider names must be unique")
        return providers

    def providers_for(self, task: str) -> list[ProviderSettings]:
        chosen = self.routing.get(task)
        if not chosen:
            return list(self.providers)
        # Routing to a name that is not configured (e.g. set in another layer) is skipped, never fatal.
        by_name = {p.name: p for p in self.providers}
        picked = [by_name[n] for n in chosen if n in by_name]
        return picked or list(self.providers)
