"""Settings over a real stdio session: pyproject.toml is watched and reloaded, a bad key is one
warning (with a did-you-mean) however many ways it arrives, and `aurelis.status` names the AI
providers."""

from __future__ import annotations

import asyncio

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from aurelis.workspace.uris import from_path
from tests.lsp_support import SERVER_COMMAND, capabilities, command, prepare, wait_until

BAD_KEY = {"index": {"enabled": False, "max_file_byte": 10}}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, tmp_path):
    prepare(lsp_client)
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\n')
    lsp_client.root = root
    # The editor sends the same (bad) settings as initializationOptions and when asked.
    lsp_client.set_configuration({"aurelis": BAD_KEY})
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=from_path(root), name="proj")],
            initialization_options=BAD_KEY,
        )
    )
    yield
    await lsp_client.shutdown_session()


async def settings_of(client: LanguageClient) -> dict:
    return await command(client, "aurelis.settings", {"uri": from_path(client.root / "m.py")})


async def poll(fetch, until, timeout: float = 20.0):
    """``await fetch()`` until ``until(answer)``: the server applies settings asynchronously."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not until(answer := await fetch()):
        if loop.time() > deadline:
            raise AssertionError(f"never reached: {answer}")
        await asyncio.sleep(0.02)
    return answer


def _about(messages, needle: str) -> list:
    return [m for m in messages if needle in m.message]


async def test_a_bad_key_from_both_editor_channels_is_one_warning(client: LanguageClient):
    await wait_until(lambda: _about(client.messages, "max_file_byte"))
    await wait_until(lambda: client.registrations)  # workspace/configuration was answered by then
    await settings_of(client)
    shown = _about(client.messages, "max_file_byte")
    assert len(shown) == 1, [m.message for m in shown]
    assert "did you mean 'index.max_file_bytes'?" in shown[0].message
    assert shown[0].type == types.MessageType.Warning
    logged = _about(client.log_messages, "max_file_byte")
    assert [m.type for m in logged] == [types.MessageType.Warning]


async def test_pyproject_edit_applies_without_restart(client: LanguageClient):
    await wait_until(
        lambda: any(
            r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
            and any(w["globPattern"] == "**/pyproject.toml" for w in r.register_options["watchers"])
            for r in client.registrations
        )
    )
    assert (await settings_of(client))["log_level"] == "info"
    pyproject = client.root / "pyproject.toml"
    pyproject.write_text('[tool.aurelis]\nlog_level = "debug"\n[tool.aurelis.analysis]\nselct = ["AUR1"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=from_path(pyproject), type=types.FileChangeType.Changed)]
        )
    )
    await wait_until(lambda: _about(client.messages, "analysis.selct"))
    assert (await settings_of(client))["log_level"] == "debug"
    assert "did you mean 'analysis.select'?" in _about(client.messages, "analysis.selct")[0].message
    # A pyproject.toml of a subfolder is not the folder's: nothing is reloaded.
    (client.root / "sub").mkdir()
    (client.root / "sub" / "pyproject.toml").write_text('[tool.aurelis]\nlog_level = "error"\n')
    pyproject.write_text('[tool.aurelis]\nlog_level = "warning"\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=from_path(client.root / "sub" / "pyproject.toml"), type=types.FileChangeType.Created
                )
            ]
        )
    )
    assert (await settings_of(client))["log_level"] == "debug"
    pyproject.unlink()  # deleted: back to the defaults
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=from_path(pyproject), type=types.FileChangeType.Deleted)]
        )
    )
    await poll(lambda: settings_of(client), lambda s: s["log_level"] == "info")


async def test_status_lists_the_providers_without_urls(client: LanguageClient):
    providers = [
        {"name": "fast", "kind": "ollama", "base_url": "http://user:pw@127.0.0.1:1", "model": "small"},
        {"name": "big", "base_url": "http://127.0.0.1:2/v1", "model": "large"},
    ]
    client.set_configuration({"aurelis": {"index": {"enabled": False}, "ai": {"providers": providers}}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))

    async def ai():
        return (await command(client, "aurelis.status"))["ai"]

    status = await poll(ai, lambda s: s["providers"])
    assert status == {
        "enabled": True,
        "providers": [
            {"name": "fast", "kind": "ollama", "model": "small"},
            {"name": "big", "kind": "openai", "model": "large"},
        ],
    }
