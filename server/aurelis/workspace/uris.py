"""file:// URIs <-> paths, without pulling in the protocol layer."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote, urlparse


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
