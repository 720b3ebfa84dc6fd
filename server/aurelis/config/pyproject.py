"""The raw ``[tool.aurelis]`` table of a folder's pyproject.toml, read once for both
the settings layers (``sources.py``) and the trust digest (``trust.py``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import tomllib

log = logging.getLogger(__name__)


def read_tool_section(folder: Path) -> tuple[Path, dict[str, Any] | None, str | None]:
    """(the file, its ``[tool.aurelis]`` table or None when there is none, why it is
    unreadable or None). A broken file is a warning, not a crash."""
    path = folder / "pyproject.toml"
    if not path.is_file():
        return path, None, None
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s: %s", path, exc)
        return path, None, str(exc)
    section = data.get("tool", {}).get("aurelis")
    if section is None:
        return path, None, None
    if not isinstance(section, dict):
        return path, None, "[tool.aurelis] is not a table"
    return path, section, None
