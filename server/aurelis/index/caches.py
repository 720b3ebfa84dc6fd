"""Opening a diskcache directory so that a corrupt ``cache.db`` is recreated, not fatal
and not a cache silently off for good: the damaged database is set aside once (one log
line) and a fresh one opened. A cache costs speed, never correctness."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_DB = "cache.db"


def open_cache(directory: Path, size_limit: int, label: str, **settings: Any) -> Any:
    """A ``diskcache.Cache`` at ``directory`` (recreated if its database is corrupt), or None.
    ``settings``: more diskcache settings (e.g. ``sqlite_mmap_size``)."""
    import diskcache

    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return diskcache.Cache(str(directory), size_limit=size_limit, **settings)
    except sqlite3.DatabaseError as exc:
        if not set_aside(directory, label, exc):
            return None
    except Exception as exc:  # unwritable directory and the like: run without a cache
        log.warning("%s cache unavailable at %s: %s", label, directory, exc)
        return None
    try:
        return diskcache.Cache(str(directory), size_limit=size_limit, **settings)
    except Exception as exc:
        log.warning("%s cache unavailable at %s: %s", label, directory, exc)
        return None


def set_aside(directory: Path, label: str, exc: BaseException) -> bool:
    """Move a corrupt database out of the way (kept for inspection); True when done."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        for suffix in ("", "-wal", "-shm"):
            src = directory / (_DB + suffix)
            if src.exists():
                os.replace(src, directory / f"{_DB}{suffix}.corrupt-{stamp}")
    except OSError as err:
        log.warning("%s cache at %s is corrupt (%s) and cannot be moved: %s", label, directory, exc, err)
        return False
    log.warning("%s cache at %s was corrupt (%s): recreated", label, directory, exc)
    return True


def is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError)
