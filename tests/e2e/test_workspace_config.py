"""Multi-root workspaces, per-folder settings from pyproject.toml and workspace/configuration."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from aurelis.workspace.uris import from_path
from tests.lsp_support import SERVER_COMMAND, capabilities, command, prepare, wait_until


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path):
    prepare(lsp_client)
    folders = {}
    for name, body in {
        "alpha": 'log_level = "debug"\n[tool.aurelis.index]\nmax_file_bytes = 123\n',
        "beta": 'log_level = "shouting"\n',
        "gamma": '[tool.aurelis.index]\nmodel = "gamma-model"\n',
    }.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "pyproject.toml").write_text(
            "[tool.aurelis]\n" + body if not body.startswith("[") else body
        )
        folders[name] = folder
    lsp_client.folders = folders
    lsp_client.set_configuration({"aurelis": {"index": {"exclude": ["build/"]}}})
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            workspace_folders=[
                types.WorkspaceFolder(uri=from_path(folders[n]), name=n) for n in ("alpha", "beta")
            ],
            initialization_options={"index": {"enabled": False}},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def settings_for(client, path, until=None, timeout: float = 20.0):
    """Effective settings of ``path``; with ``until``, poll until they satisfy it
    (the server pulls workspace/configuration asynchronously after `initialized`)."""
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        settings = await command(client, "aurelis.settings", {"uri": from_path(path)})
        if until is None or until(settings):
            return settings
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"settings never satisfied the condition: {settings}")
        await asyncio.sleep(0.02)


async def test_each_folder_has_its_own_settings(client: LanguageClient):
    alpha = await settings_for(
        client, client.folders["alpha"] / "m.py", until=lambda s: s["index"]["exclude"]
    )
    beta = await settings_for(client, client.folders["beta"] / "m.py")
    assert alpha["log_level"] == "debug" and alpha["index"]["max_file_bytes"] == 123
    assert beta["log_level"] == "info" and beta["index"]["max_file_bytes"] == 1_048_576
    # the client's workspace/configuration answer reaches both folders
    assert alpha["index"]["exclude"] == ["build/"] == beta["index"]["exclude"]
    assert alpha["index"]["enabled"] is False  # initializationOptions


async def test_bad_pyproject_value_warns_naming_file_and_key(client: LanguageClient):
    await wait_until(lambda: any("log_level" in m.message for m in client.messages))
    message = next(m.message for m in client.messages if "log_level" in m.message)
    assert "beta" in message and "pyproject.toml" in message and "shouting" not in message.split(":")[0]


async def test_did_change_configuration_pulls_again(client: LanguageClient):
    client.set_configuration({"aurelis": {"index": {"exclude": ["dist/"], "max_file_bytes": 0}}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    beta = client.folders["beta"] / "m.py"
    await wait_until(lambda: any("max_file_bytes" in m.message for m in client.messages))
    settings = await settings_for(client, beta, until=lambda s: s["index"]["exclude"] == ["dist/"])
    assert settings["index"]["max_file_bytes"] == 1_048_576  # invalid 0 -> default, with a warning


async def test_folders_come_and_go(client: LanguageClient):
    gamma = client.folders["gamma"]
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(uri=from_path(gamma), name="gamma")],
                removed=[types.WorkspaceFolder(uri=from_path(client.folders["alpha"]), name="alpha")],
            )
        )
    )
    settings = await settings_for(
        client, gamma / "x.py", until=lambda s: s["index"]["model"] == "gamma-model" and s["index"]["exclude"]
    )
    assert settings["index"]["exclude"] == ["build/"]  # the client's answer applies to the new folder too
    alpha = await settings_for(client, client.folders["alpha"] / "m.py")
    assert alpha["log_level"] == "info"  # alpha's pyproject no longer applies once removed


async def test_failed_notification_is_logged_to_the_editor(client: LanguageClient):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri="file:///ghost.py", version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="x")],
        )
    )
    await wait_until(lambda: any("document is not open" in m.message for m in client.log_messages))
    logged = next(m for m in client.log_messages if "document is not open" in m.message)
    assert logged.type == types.MessageType.Error
    assert not any("document is not open" in m.message for m in client.messages)  # no popup
