"""Settings of the AI commands (providers, routing, cache, context budget)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AISettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Offer the AI commands and code actions (they need `ai.providers`).")
