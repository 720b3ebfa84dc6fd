"""file:// URIs <-> paths, without pulling in the protocol layer."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from urllib.parse import quote, unquote, urlparse


@functools.lru_cache(maxsize=4096)  # asked several times per keystroke; a Path is immutable
def to_path(uri: str) -> Path | None:
    """The filesystem path of a ``file:`` URI, or None for other schemes (untitled:, …)."""
    parsed = urlparse(uri)
    if parsed.scheme not in ("file", ""):
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
        path = path[1:]
    return Path(path)


def from_path(path: str | os.PathLike[str]) -> str:
    return "file://" + quote(Path(path).absolute().as_posix())
