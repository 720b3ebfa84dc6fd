"""One module per LSP method group; each exposes ``register(server)``.

A new feature adds a module here and a line to ``MODULES``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer

MODULES = [
    "lifecycle",
    "text_sync",
    "configuration",
    "trust",
    "folders",
    "symbols",
    "code_action",
    "debug",
    "diagnostics",
    "analysis_actions",
    "indexing",
    "workspace_symbols",
    "ai_commands",
    "opportunities",
    "crossfile",
]


def register_all(server: AurelisServer) -> None:
    for name in MODULES:
        importlib.import_module(f"aurelis.lsp.handlers.{name}").register(server)
