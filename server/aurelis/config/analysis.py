"""Settings of the rule engine (select/ignore, severities, thresholds)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AnalysisSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Publish analysis diagnostics.")
