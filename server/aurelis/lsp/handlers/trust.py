"""Workspace trust at the edge: the choice offered with ``window/showMessageRequest``
(every LSP client shows it) and the command ``aurelis.trustFolder``.

A folder's pyproject that sets a gated setting (``config/trust.py::GATED``) gets one
warning with the actions below; trusting re-resolves that folder's settings.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pydantic import BaseModel, Field

from aurelis.config import trust

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer

log = logging.getLogger(__name__)

_pending: set[asyncio.Future] = set()
TRUST = "Trust folder"
KEEP = "Keep ignoring"


def offer(server: AurelisServer, warning: trust.UntrustedSettings) -> None:
    """Ask the user (without waiting for the answer here); trust only what was shown."""

    async def ask() -> None:
        try:
            choice = await server.window_show_message_request_async(
                types.ShowMessageRequestParams(
                    type=types.MessageType.Warning,
                    message=str(warning),
                    actions=[types.MessageActionItem(title=TRUST), types.MessageActionItem(title=KEEP)],
                )
            )
        except Exception as exc:  # a client that cannot answer: the warning stands, nothing trusted
            log.info("showMessageRequest failed: %s", exc)
            return
        if choice is not None and choice.title == TRUST:
            # the digest of what the user was shown: a file changed meanwhile is asked again
            trust.TrustStore().allow(warning.folder, warning.digest, warning.keys)
            log.info("folder trusted by the user: %s", warning.folder)
            reload(server)

    task = asyncio.ensure_future(ask())
    _pending.add(task)  # held until done: the loop keeps only weak references to tasks
    task.add_done_callback(_pending.discard)


def reload(server: AurelisServer) -> None:
    from aurelis.lsp.handlers.configuration import refresh

    server.engine.settings.invalidate_pyproject()
    refresh(server)
    server.events.settings_changed.fire()


class TrustArgs(BaseModel):
    uri: str | None = Field(None, description="A folder or document URI; omitted: every workspace folder.")
    revoke: bool = Field(False, description="Stop trusting the folder(s) instead.")


def register(server: AurelisServer) -> None:
    @server.commands.register("aurelis.trustFolder", TrustArgs)
    def trust_folder(server: AurelisServer, args: TrustArgs) -> dict:
        """Trust (or, with ``revoke``, stop trusting) the gated settings of the folder's pyproject."""
        engine = server.engine
        if args.uri is None:
            folders = [f.path for f in engine.folders]
        else:
            owner = engine.folder_for(args.uri)
            folders = [owner.path] if owner is not None else []
        done = []
        for path in folders:
            if args.revoke:
                trust.TrustStore().revoke(str(Path(path).resolve()))
                done.append({"folder": str(path), "trusted": False, "settings": []})
            else:
                key, values = trust.trust_folder(path)
                done.append({"folder": key, "trusted": True, "settings": list(values)})
        reload(server)
        return {"folders": done}
