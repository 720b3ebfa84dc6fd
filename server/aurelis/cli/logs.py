"""Logging set-up shared by the subcommands. Never writes to stdout (the LSP channel)."""

from __future__ import annotations

import logging
import sys


def setup(level: str = "info", log_file: str | None = None) -> None:
    handler: logging.Handler
    handler = (
        logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    from aurelis.ai.redaction import MaskSecrets

    handler.addFilter(MaskSecrets())  # passwords in URLs, keys echoed back: never in a log file
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)  # third-party libraries stay quiet unless they warn
    logging.getLogger("aurelis").setLevel(level.upper())
    logging.getLogger("pygls").setLevel(logging.DEBUG if level == "debug" else logging.WARNING)
