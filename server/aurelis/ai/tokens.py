"""Token counts for the AI budgets.

- A prompt is counted with its provider's estimate: ``chars_per_token`` of each provider
  (a setting: models tokenise differently and the server has none of their tokenizers).
  A task's context is budgeted for the smallest value among the providers it may use, so
  it fits whichever of them answers.
- Retrieved code is counted with the embedding model's own tokenizer when the index has
  one at hand (``Related.tokens``, set by ``ai/retrieval.py``): a real count, not a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aurelis.config.ai import DEFAULT_CHARS_PER_TOKEN, AISettings


@dataclass(frozen=True)
class Estimate:
    """``chars_per_token`` characters make one token."""

    chars_per_token: float = DEFAULT_CHARS_PER_TOKEN

    def count(self, text: str) -> int:
        return math.ceil(len(text) / self.chars_per_token)

    def head(self, text: str, tokens: int) -> str:
        """The longest start of ``text`` that counts at most ``tokens``."""
        return text[: int(tokens * self.chars_per_token)]


def for_task(ai: AISettings, task: str) -> Estimate:
    """The estimate a prompt for ``task`` is budgeted with (the providers' smallest)."""
    providers = ai.providers_for(task)
    return Estimate(min((p.chars_per_token for p in providers), default=DEFAULT_CHARS_PER_TOKEN))
