"""Secrets never reach the log or the LSP trace: a provider that echoes the API key (and a
bearer token) in its error body, a base_url with a password, a session at debug level."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_support import capabilities, command, open_doc, prepare
from tests.support.fake_llm import FakeLLM, Status

KEY = "sk-live-" + "Hq7Tz" * 6
URL_PASSWORD = "url-pw-" + "m3Rk" * 4
STATE = Path(tempfile.mkdtemp(prefix="aurelis-logs-e2e-"))
LOG = STATE / "server.log"
ENV = {**os.environ, "AURELIS_CACHE_DIR": str(STATE / "cache"), "AURELIS_LOG_KEY": KEY}
SERVER = [sys.executable, "-m", "aurelis", "serve", "--log-level", "debug", "--log-file", str(LOG)]
CODE = "def area(r):\n    return 3.14 * r * r\n"
ECHO = json.dumps(
    {"error": {"message": f"Incorrect API key provided: {KEY}. You sent 'Authorization: Bearer {KEY}'"}}
)


@pytest.fixture
def llm():
    with FakeLLM(reply="unused") as server:
        yield server


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient, llm: FakeLLM, tmp_path: Path):
    prepare(lsp_client)
    lsp_client.trace = []
    structure = lsp_client.protocol.structure_message

    def record(data):  # every message the server sent, as it came over the wire
        if isinstance(data, dict) and "jsonrpc" in data:
            lsp_client.trace.append(json.dumps(data))
        return structure(data)

    lsp_client.protocol.structure_message = record
    base = llm.openai_base_url.replace("http://", f"http://aurelis:{URL_PASSWORD}@")
    provider = {"name": "p", "base_url": base, "model": "m", "api_key_env": "AURELIS_LOG_KEY", "timeout": 10}
    (tmp_path / "geo.py").write_text(CODE)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
            initialization_options={
                "index": {"enabled": False},
                "ai": {"providers": [provider], "cache": False, "retries": 2, "backoff": 0.01},
            },
        )
    )
    lsp_client.root = tmp_path
    yield
    await lsp_client.shutdown_session()


async def test_a_key_echoed_by_the_provider_is_in_neither_the_log_nor_the_trace(
    client: LanguageClient, llm: FakeLLM
):
    llm.enqueue(*[Status(500, body=ECHO) for _ in range(3)])
    uri = (client.root / "geo.py").as_uri()
    open_doc(client, uri, CODE)
    r = {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 4}}
    with pytest.raises(Exception, match=r"HTTP 500: Incorrect API key provided: <redacted:api-key>") as err:
        await command(client, "aurelis.explain", {"uri": uri, "range": r})
    assert KEY not in str(err.value)
    assert len(llm.requests) == 3  # each attempt was answered with the echo (and logged)
    settings = await command(client, "aurelis.settings", {"uri": uri})
    assert "aurelis:****@127.0.0.1" in settings["ai"]["providers"][0]["base_url"]
    log = LOG.read_text(encoding="utf-8")
    trace = "\n".join(client.trace)
    assert "HTTP 500: Incorrect API key provided" in log and "settings of" in log  # debug log, this session
    assert "HTTP 500" in trace and "Bearer <redacted:api-key>" in log
    for secret in (KEY, URL_PASSWORD):
        assert secret not in log
        assert secret not in trace
