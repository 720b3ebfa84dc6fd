"""Errors of the AI layer. Messages are shown to the user as they are."""

from __future__ import annotations

SETTING_HINT = (
    "set `ai.providers` (e.g. [[tool.aurelis.ai.providers]] in pyproject.toml, or the editor's "
    "aurelis.ai.providers setting) with name, kind, base_url, model and api_key_env"
)


class AIError(Exception):
    """A failure the user should read (no traceback)."""


class NoProviderError(AIError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(f"Aurelis AI: no provider configured{detail}; {SETTING_HINT}.")


class ProviderError(AIError):
    """One provider call failed. ``retryable``: timeout, 429, 5xx or a broken connection."""

    def __init__(
        self,
        provider: str,
        message: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


class AllProvidersFailed(AIError):
    def __init__(self, failures: list[ProviderError]) -> None:
        detail = "; ".join(str(f) for f in failures) or "no provider could be used"
        super().__init__(f"Aurelis AI: every provider failed ({detail}).")
        self.failures = failures


class EditRejected(AIError):
    """The model's answer could not be turned into a safe edit; ``answer`` is still shown."""

    def __init__(self, message: str, answer: str) -> None:
        super().__init__(message)
        self.answer = answer
