"""initialize / initialized / shutdown."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from aurelis.workspace.folders import Folder

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext

log = logging.getLogger(__name__)


def register(ctx: ServerContext) -> None:
    @ctx.ls.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        engine = ctx.engine
        engine.settings.set_init_options(params.initialization_options)
        for wf in params.workspace_folders or []:
            engine.folders.add(Folder.from_uri(wf.uri, wf.name))
        if not params.workspace_folders and params.root_uri:
            engine.folders.add(Folder.from_uri(params.root_uri))
        # Settings of every folder are resolved now so that bad values warn early.
        for folder in engine.folders:
            engine.folder_settings(folder)
        engine.settings_for(None)

    @ctx.ls.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        from aurelis.lsp.handlers.configuration import pull_configuration, report_warnings

        report_warnings(ctx)
        await pull_configuration(ctx)
        if ctx.client_supports("workspace.did_change_configuration.dynamic_registration"):
            await ctx.ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="aurelis-configuration",
                            method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                            register_options=types.DidChangeConfigurationRegistrationOptions(
                                section="aurelis"
                            ),
                        )
                    ]
                )
            )
        ctx.events.initialized.fire()

    @ctx.ls.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        log.info("shutdown requested")
        ctx.shut_down = True  # only responses from now on
        ctx.events.shutdown.fire()
