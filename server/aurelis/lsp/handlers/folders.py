"""Multi-root workspaces: folders come and go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from aurelis.lsp.handlers.configuration import pull_configuration, refresh
from aurelis.workspace.folders import Folder

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext


def register(ctx: ServerContext) -> None:
    @ctx.ls.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        engine = ctx.engine
        removed = [f for f in (engine.folders.remove(r.uri) for r in params.event.removed) if f is not None]
        added = [Folder.from_uri(a.uri, a.name) for a in params.event.added]
        for folder in added:
            engine.folders.add(folder)
        engine.settings.invalidate_pyproject()
        if ctx.client_supports("workspace.configuration"):
            await pull_configuration(ctx)
        else:
            refresh(ctx)
        ctx.events.folders_changed.fire(added, removed)
