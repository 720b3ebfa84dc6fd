"""The user config file: ``config.toml`` in the user config dir (``$AURELIS_CONFIG_DIR``
or platformdirs'), a user-level source like the editor's settings, so it may set what
a workspace may not (providers, their URLs and key variables; see ``trust.GATED``)."""

from __future__ import annotations

import logging
from pathlib import Path

import tomllib

from aurelis.config.sources import Layer
from aurelis.config.trust import config_dir

log = logging.getLogger(__name__)

FILE = "config.toml"


def user_config_path() -> Path:
    return config_dir() / FILE


def read_user_config() -> Layer | None:
    """The whole file is Aurelis settings (``[ai]``, ``[[ai.providers]]``, ``[index]``...)."""
    path = user_config_path()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s: %s", path, exc)
        return Layer(f"{path}", {"__unreadable__": str(exc)})
    return Layer(f"user config ({path})", data) if data else None
