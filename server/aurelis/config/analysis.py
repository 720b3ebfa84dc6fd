"""Settings of the rule engine (select/ignore, severities, thresholds)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SeverityName = Literal["error", "warning", "info", "hint"]


class AnalysisSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Publish analysis diagnostics.")
    select: list[str] = Field(
        default_factory=list,
        description="Rules to run: codes (`AUR401`), prefixes (`AUR4`), category names (`security`) or `ALL`. "
        "Empty: every rule that is on by default.",
    )
    extend_select: list[str] = Field(
        default_factory=list, description="Rules to run in addition to `select` (e.g. `AUR501`)."
    )
    ignore: list[str] = Field(
        default_factory=list, description="Rules not to run: codes, prefixes or category names."
    )
    severity: dict[str, SeverityName] = Field(
        default_factory=dict,
        description='Severity overrides keyed by code, prefix or category, e.g. `{"AUR401": "error"}`.',
    )
    per_file_ignores: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Glob (relative to the folder) → codes/prefixes/categories ignored in matching files, "
        'e.g. `{"tests/*": ["AUR107"]}`.',
    )
    options: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description='Per-rule options keyed by code, e.g. `{"AUR403": {"max_complexity": 12}}`.',
    )
    max_file_bytes: int = Field(
        2 * 1024 * 1024,
        ge=0,
        description="Open documents larger than this (bytes) are tracked as text only: no syntax tree, "
        "no diagnostics.",
    )
    library_mode: Literal["auto", "on", "off"] = Field(
        "auto",
        description="Dead code (AUR411) in a library: documented public functions and classes of public "
        "modules without `__all__` are API, used by the package's users. `auto`: on when the folder "
        "builds a distributable package (pyproject.toml `[project]` name, setup.py or setup.cfg).",
    )
    cross_file: bool = Field(
        True,
        description="Run the selected workspace-wide rules (duplicates, dead code) in the background. "
        "The project's import graph, which keeps fixes from removing names other modules import, is "
        "read either way.",
    )
