"""The one settings model. Sections live in their own modules, one per feature."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from aurelis.config.ai import AISettings
from aurelis.config.analysis import AnalysisSettings
from aurelis.config.index import IndexSettings


class Settings(BaseModel):
    """All Aurelis settings. Keys are snake_case; kebab-case is accepted in pyproject.toml."""

    model_config = ConfigDict(extra="forbid")

    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info",
        description="Server log level (stderr / --log-file; warnings and above also go to the editor).",
    )
    max_message_bytes: int = Field(
        64 * 1024 * 1024,
        ge=4096,
        description="Largest LSP message accepted, in bytes; a larger one is refused without being read.",
    )
    index: IndexSettings = Field(default_factory=IndexSettings)
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)
    ai: AISettings = Field(default_factory=AISettings)
