"""Shared helpers for end-to-end tests: a real `aurelis serve` over stdio via pytest-lsp."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER_COMMAND = [sys.executable, "-m", "aurelis", "serve", "--log-level", "info"]


def capabilities(
    encodings: list[str] | None = None,
    configuration: bool = True,
    work_done_progress: bool = True,
    pull_diagnostics: bool = False,
    code_action_resolve: bool = True,
    apply_edit: bool = True,
    watched_files_dynamic: bool = True,
) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        window=types.WindowClientCapabilities(work_done_progress=work_done_progress),
        workspace=types.WorkspaceClientCapabilities(
            configuration=configuration,
            workspace_folders=True,
            apply_edit=apply_edit,
            did_change_configuration=types.DidChangeConfigurationClientCapabilities(
                dynamic_registration=True
            ),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=watched_files_dynamic
            ),
        ),
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            diagnostic=types.DiagnosticClientCapabilities() if pull_diagnostics else None,
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=["quickfix", "source"])
                ),
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
                if code_action_resolve
                else None,
                data_support=True,
            ),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(related_information=True),
        ),
    )


async def wait_until(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.02) -> Any:
    """Poll ``predicate`` until truthy (the server's notifications arrive asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)


def open_doc(client, uri: str, text: str, language_id: str = "python", version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=version, text=text)
        )
    )


async def command(client, name: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(arguments))
    )


def prepare(client) -> None:
    """Teach the pytest-lsp client the server→client requests a real editor answers."""
    client.registrations = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)

    @client.feature(types.CLIENT_UNREGISTER_CAPABILITY)
    def _unregister(params: types.UnregistrationParams) -> None:
        gone = {u.id for u in params.unregisterations}
        client.registrations[:] = [r for r in client.registrations if r.id not in gone]


# Every rule but the documentation ones (the default set before the precision benchmark turned
# the metric rules off): e2e tests that exercise rules select them rather than lean on defaults.
ALL_RULES = {"extend_select": ["bug-risk", "security", "performance", "maintainability"]}


def rules_session(resolve: bool = True):
    """A pytest-lsp fixture: a UTF-8 session with the index off, for per-file rule tests;
    ``resolve``: the client advertises codeAction/resolve (edits computed lazily)."""

    @pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
    async def fixture(lsp_client: LanguageClient):
        prepare(lsp_client)
        await lsp_client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities(encodings=["utf-8"], code_action_resolve=resolve),
                initialization_options={"index": {"enabled": False}, "analysis": ALL_RULES},
            )
        )
        yield
        await lsp_client.shutdown_session()

    return fixture
