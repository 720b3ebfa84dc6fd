"""Settings from the client (``workspace/configuration`` pulls and didChangeConfiguration) and
from each folder's pyproject.toml, which is watched: an edit applies without a restart."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pydantic import BaseModel, Field

from aurelis.config.store import GLOBAL
from aurelis.config.trust import TrustStore, UntrustedSettings
from aurelis.workspace.uris import to_path

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext

log = logging.getLogger(__name__)
SECTION = "aurelis"
PYPROJECT = "pyproject.toml"
TRUST = "Trust folder"
KEEP = "Keep ignoring"
_pending: set[asyncio.Future] = set()


async def pull_configuration(ctx: ServerContext) -> None:
    """Ask the client for the ``aurelis`` section, globally and per folder."""
    if not ctx.client_supports("workspace.configuration"):
        return
    folders = list(ctx.engine.folders)
    items = [types.ConfigurationItem(section=SECTION)]
    items += [types.ConfigurationItem(scope_uri=f.uri, section=SECTION) for f in folders]
    try:
        answers: Sequence[Any] = await ctx.ls.workspace_configuration_async(
            types.ConfigurationParams(items=items)
        )
    except Exception as exc:  # a client that fails here must not stop the server
        log.warning("workspace/configuration failed: %s", exc)
        return
    answers = list(answers or [])
    store = ctx.engine.settings
    if answers:
        store.set_client(GLOBAL, answers[0] or {})
    for folder, answer in zip(folders, answers[1:], strict=False):
        store.set_client(folder.uri, answer or {})
    refresh(ctx)


def refresh(ctx: ServerContext) -> None:
    """Resolve every folder's settings again and report what is new and wrong."""
    from aurelis.ai.redaction import masked

    engine = ctx.engine
    engine.settings_for(None)
    for folder in engine.folders:
        settings = engine.folder_settings(folder)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("settings of %s: %s", folder.path, masked(settings.model_dump(mode="json")))
    report_warnings(ctx)
    level = engine.settings_for(None).log_level.upper()
    logging.getLogger("aurelis").setLevel(level)


def report_warnings(ctx: ServerContext) -> None:
    """Each new bad key once: in the log (window/logMessage, type Warning) and in one message."""
    warnings = ctx.engine.settings.take_warnings()
    for w in warnings:
        log.warning("%s", w)
    plain = [w for w in warnings if not isinstance(w, UntrustedSettings)]
    if plain:
        ctx.show_message("\n".join(str(w) for w in plain), types.MessageType.Warning)
    for w in warnings:
        if isinstance(w, UntrustedSettings):
            offer_trust(ctx, w)  # a choice, not just a message


def offer_trust(ctx: ServerContext, warning: UntrustedSettings) -> None:
    """Ask the user (without waiting for the answer here); trust only what was shown. A folder
    the user declined or revoked this session is not asked again (its warning stays in the log)."""
    if warning.folder in ctx.trust_declined:
        return

    async def ask() -> None:
        try:
            choice = await ctx.ls.window_show_message_request_async(
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
            TrustStore().allow(warning.folder, warning.digest, warning.keys)
            log.info("folder trusted by the user: %s", warning.folder)
            reload(ctx)
        elif choice is not None and choice.title == KEEP:
            ctx.trust_declined.add(warning.folder)

    task = asyncio.ensure_future(ask())
    _pending.add(task)  # held until done: the loop keeps only weak references to tasks
    task.add_done_callback(_pending.discard)


def reload(ctx: ServerContext) -> None:
    """Settings sources changed (a folder trusted or not): resolve them again, tell the features."""
    ctx.engine.settings.invalidate_pyproject()
    refresh(ctx)
    ctx.events.settings_changed.fire()


def changed_pyprojects(ctx: ServerContext, uris: list[str]) -> list[str]:
    """Keys of the folders whose own pyproject.toml is among ``uris``."""
    keys = []
    for folder in ctx.engine.folders:
        own = folder.path / PYPROJECT
        if any(to_path(uri) == own for uri in uris):
            keys.append(folder.uri)
    return keys


def pyproject_changed(ctx: ServerContext, changes: list[tuple[str, str]]) -> None:
    """A folder's pyproject.toml was created, edited or deleted: its settings apply again."""
    keys = changed_pyprojects(ctx, [uri for uri, _kind in changes if uri.endswith("/" + PYPROJECT)])
    if not keys:
        return
    for key in keys:
        ctx.engine.settings.invalidate_pyproject(key)
    log.info("settings reloaded from %s", ", ".join(f"{k}/{PYPROJECT}" for k in keys))
    refresh(ctx)
    ctx.events.settings_changed.fire()


async def watch_pyproject(ctx: ServerContext) -> None:
    """Ask the client to report pyproject.toml changes (clients that cannot, e.g. Neovim on Linux,
    send didChangeWatchedFiles themselves when the file is written)."""
    if not ctx.client_supports("workspace.did_change_watched_files.dynamic_registration"):
        return
    watcher = types.FileSystemWatcher(glob_pattern=f"**/{PYPROJECT}")
    try:
        await ctx.ls.client_register_capability_async(
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


def register(ctx: ServerContext) -> None:
    ctx.events.initialized.subscribe(lambda: watch_pyproject(ctx))
    ctx.events.files_changed.subscribe(lambda changes: pyproject_changed(ctx, changes))

    @ctx.commands.register("aurelis.settings", SettingsArgs)
    def effective_settings(args: SettingsArgs) -> dict:
        """The effective settings for ``uri`` after every source was applied (credentials masked)."""
        from aurelis.ai.redaction import masked

        return masked(ctx.engine.settings_for(args.uri).model_dump(mode="json"))

    @ctx.ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        if ctx.client_supports("workspace.configuration"):
            await pull_configuration(ctx)
        else:  # push model: the settings come with the notification
            ctx.engine.settings.set_client(GLOBAL, params.settings or {})
            refresh(ctx)
        ctx.events.settings_changed.fire()
