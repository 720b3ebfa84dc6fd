"""Small questions and messages to the client, over pygls' public ``LanguageServer``."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer


def client_supports(ls: LanguageServer, dotted: str) -> bool:
    """True when the client capability at ``dotted`` (snake_case path) is set and truthy."""
    node: Any = ls.client_capabilities
    for part in dotted.split("."):
        node = getattr(node, part, None)
        if node is None:
            return False
    return bool(node)


def show_message(
    ls: LanguageServer, message: str, kind: types.MessageType = types.MessageType.Warning
) -> None:
    ls.window_show_message(types.ShowMessageParams(type=kind, message=message))
