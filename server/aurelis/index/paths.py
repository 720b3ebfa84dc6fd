"""Where the index and the embeddings cache live: the user cache directory, or
``$AURELIS_CACHE_DIR`` (tests and benches point it at a temporary directory)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs

ENV = "AURELIS_CACHE_DIR"


def cache_root() -> Path:
    override = os.environ.get(ENV)
    root = Path(override) if override else Path(platformdirs.user_cache_dir("aurelis"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def folder_index_dir(folder: Path) -> Path:
    """One directory per workspace folder, named after its resolved path."""
    folder = folder.resolve()
    digest = hashlib.sha1(str(folder).encode()).hexdigest()[:16]
    return cache_root() / "index" / f"{folder.name or 'root'}-{digest}"


def embeddings_cache_dir() -> Path:
    return cache_root() / "embeddings"
