"""Workspace trust at the edge: the command ``aurelis.trustFolder``. The choice offered
with ``window/showMessageRequest`` when a folder's pyproject sets a gated setting is
``configuration.offer_trust`` (it is one of the settings warnings)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from aurelis.config import trust
from aurelis.lsp.handlers.configuration import reload

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext

log = logging.getLogger(__name__)


class TrustArgs(BaseModel):
    uri: str | None = Field(None, description="A folder or document URI; omitted: every workspace folder.")
    revoke: bool = Field(False, description="Stop trusting the folder(s) instead.")


def register(ctx: ServerContext) -> None:
    @ctx.commands.register("aurelis.trustFolder", TrustArgs)
    def trust_folder(args: TrustArgs) -> dict:
        """Trust (or, with ``revoke``, stop trusting) the gated settings of the folder's pyproject."""
        engine = ctx.engine
        if args.uri is None:
            folders = [f.path for f in engine.folders]
        else:
            owner = engine.folder_for(args.uri)
            folders = [owner.path] if owner is not None else []
        done = []
        for path in folders:
            if args.revoke:
                key = str(Path(path).resolve())
                trust.TrustStore().revoke(key)
                ctx.trust_declined.add(key)  # the user just decided: not asked again this session
                done.append({"folder": str(path), "trusted": False, "settings": []})
            else:
                key, values = trust.trust_folder(path)
                ctx.trust_declined.discard(key)
                done.append({"folder": key, "trusted": True, "settings": list(values)})
        reload(ctx)
        return {"folders": done}
