"""Settings from the client (``workspace/configuration`` pulls and didChangeConfiguration) and
from each folder's pyproject.toml, which is watched: an edit applies without a restart."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pydantic import BaseModel, Field

from aurelis.config.store import GLOBAL
from aurelis.workspace.uris import to_path

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer

log = logging.getLogger(__name__)
SECTION = "aurelis"
PYPROJECT = "pyproject.toml"


async def pull_configuration(server: AurelisServer) -> None:
    """Ask the client for the ``aurelis`` section, globally and per folder."""
    if not server.client_supports("workspace.configuration"):
        return
    folders = list(server.engine.folders)
    items = [types.ConfigurationItem(section=SECTION)]
    items += [types.ConfigurationItem(scope_uri=f.uri, section=SECTION) for f in folders]
    try:
        answers: list[Any] = await server.workspace_configuration_async(
            types.ConfigurationParams(items=items)
        )
    except Exception as exc:  # a client that fails here must not stop the server
        log.warning("workspace/configuration failed: %s", exc)
        return
    answers = list(answers or [])
    store = server.engine.settings
    if answers:
        store.set_client(GLOBAL, answers[0] or {})
    for folder, answer in zip(folders, answers[1:], strict=False):
        store.set_client(folder.uri, answer or {})
    refresh(server)


def refresh(server: AurelisServer) -> None:
    """Resolve every folder's settings again and report what is new and wrong."""
    from aurelis.ai.redaction import masked

    engine = server.engine
    engine.settings_for(None)
    for folder in engine.folders:
        settings = engine.folder_settings(folder)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("settings of %s: %s", folder.path, masked(settings.model_dump(mode="json")))
    report_warnings(server)
    level = engine.settings_for(None).log_level.upper()
    logging.getLogger("aurelis").setLevel(level)


def report_warnings(server: AurelisServer) -> None:
    """Each new bad key once: in the log (window/logMessage, type Warning) and in one message."""
    from aurelis.config.trust import UntrustedSettings
    from aurelis.lsp.handlers.trust import offer

    warnings = server.engine.settings.take_warnings()
    for w in warnings:
        log.warning("%s", w)
    plain = [w for w in warnings if not isinstance(w, UntrustedSettings)]
    if plain:
        server.show_message("\n".join(str(w) for w in plain), types.MessageType.Warning)
    for w in warnings:
        if isinstance(w, UntrustedSettings):
            offer(server, w)  # a choice, not just a message


def changed_pyprojects(server: AurelisServer, uris: list[str]) -> list[str]:
    """Keys of the folders whose own pyproject.toml is among ``uris``."""
    keys = []
    for folder in server.engine.folders:
        own = folder.path / PYPROJECT
        if any(to_path(uri) == own for uri in uris):
            keys.append(folder.uri)
    return keys


def pyproject_changed(server: AurelisServer, changes: list[tuple[str, str]]) -> None:
    """A folder's pyproject.toml was created, edited or deleted: its settings apply again."""
    keys = changed_pyprojects(server, [uri for uri, _kind in changes if uri.endswith("/" + PYPROJECT)])
    if not keys:
        return
    for key in keys:
        server.engine.settings.invalidate_pyproject(key)
    log.info("settings reloaded from %s", ", ".join(f"{k}/{PYPROJECT}" for k in keys))
    refresh(server)
    server.events.settings_changed.fire()


async def watch_pyproject(server: AurelisServer) -> None:
    """Ask the client to report pyproject.toml changes (clients that cannot, e.g. Neovim on Linux,
    send didChangeWatchedFiles themselves when the file is written)."""
    if not server.client_supports("workspace.did_change_watched_files.dynamic_registration"):
        return
    watcher = types.FileSystemWatcher(glob_pattern=f"**/{PYPROJECT}")
    try:
        await server.client_register_capability_async(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="aurelis-settings-watcher",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=[watcher]),
                    )
                ]
            )
        )
    except Exception as exc:
        log.warning("could not watch pyproject.toml: %s", exc)


class SettingsArgs(BaseModel):
    uri: str | None = Field(None, description="A document or folder URI; omitted: the global settings.")


def register(server: AurelisServer) -> None:
    server.events.initialized.subscribe(lambda: watch_pyproject(server))
    server.events.files_changed.subscribe(lambda changes: pyproject_changed(server, changes))

    @server.commands.register("aurelis.settings", SettingsArgs)
    def effective_settings(server: AurelisServer, args: SettingsArgs) -> dict:
        """The effective settings for ``uri`` after every source was applied (credentials masked)."""
        from aurelis.ai.redaction import masked

        return masked(server.engine.settings_for(args.uri).model_dump(mode="json"))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        if server.client_supports("workspace.configuration"):
            await pull_configuration(server)
        else:  # push model: the settings come with the notification
            server.engine.settings.set_client(GLOBAL, params.settings or {})
            refresh(server)
        server.events.settings_changed.fire()
