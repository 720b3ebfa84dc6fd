"""Cancelling a request that has already been answered is normal (editors do it all the time):
the server stays quiet about it, at info level, and logs it at debug level only."""

from __future__ import annotations

import sys

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, make_test_lsp_client

from tests.lsp_support import capabilities

PYGLS_WARNING = "Cancel notification for unknown message id"


async def _cancel_after_answer(log_file, level: str) -> str:
    config = ClientServerConfig(
        server_command=[
            sys.executable,
            *("-m", "aurelis", "serve", "--log-level", level, "--log-file", str(log_file)),
        ]
    )
    client = make_test_lsp_client()
    await client.start_io(*config.server_command)
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities(), initialization_options={"index": {"enabled": False}}
            )
        )
        await client.protocol.send_request_async(
            types.WORKSPACE_EXECUTE_COMMAND,
            types.ExecuteCommandParams(command="aurelis.settings", arguments=[{}]),
            msg_id=424242,
        )  # the answer is in: now the editor cancels it, as VS Code does
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=424242))
        # a later request is answered after the notification was handled (messages are in order)
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="aurelis.settings", arguments=[{}])
        )
        messages = [m.message for m in client.log_messages]
        assert not any(PYGLS_WARNING in m for m in messages), messages
        await client.shutdown_session()
    finally:
        await client.stop()
    return log_file.read_text()


@pytest.mark.parametrize("level", ["info", "warning"])
async def test_cancel_of_an_answered_request_is_not_a_warning(tmp_path, level):
    log = await _cancel_after_answer(tmp_path / "server.log", level)
    assert "shutdown requested" in log or level == "warning"  # the log file is written
    assert PYGLS_WARNING not in log


async def test_it_is_still_visible_when_debugging(tmp_path):
    log = await _cancel_after_answer(tmp_path / "server.log", "debug")
    line = next(line for line in log.splitlines() if PYGLS_WARNING in line)
    assert " DEBUG pygls.protocol.json_rpc: " in line and '"424242"' in line
