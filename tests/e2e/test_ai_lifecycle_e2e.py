"""Lifecycle around slow work: one index run at start (settings pulled during `initialized`
do not restart it), `shutdown` closes an AI provider call that is still waiting, and a
server asked to exit while the embedding model loads sends nothing after the shutdown
response and leaves with code 0 (raw stdio, no client library between)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.test_ai_e2e import ENV as AI_ENV
from tests.e2e.test_ai_e2e import SERVER as AI_SERVER
from tests.e2e.test_ai_e2e import provider, settings
from tests.index.workspace_fixture import make_workspace
from tests.lsp_support import SERVER_COMMAND, capabilities, command, open_doc, prepare, wait_until
from tests.support.fake_llm import FakeLLM, Hang

CACHE = tempfile.mkdtemp(prefix="aurelis-lifecycle-e2e-")
ENV = {**os.environ, "AURELIS_CACHE_DIR": CACHE, "HF_HUB_OFFLINE": "1"}


def _progress(client: LanguageClient, kind: type) -> list:
    return [v for vs in client.progress_reports.values() for v in vs if isinstance(v, kind)]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=ENV))
async def indexing(lsp_client: LanguageClient, tmp_path: Path):
    prepare(lsp_client)
    root = make_workspace(tmp_path / "ws")
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-8"]),  # pulls workspace/configuration at start
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_one_index_run_at_start(indexing: LanguageClient):
    client = indexing
    await wait_until(lambda: _progress(client, types.WorkDoneProgressEnd), timeout=180)
    begins = [b for b in _progress(client, types.WorkDoneProgressBegin) if b.title == "Aurelis: indexing"]
    ends = _progress(client, types.WorkDoneProgressEnd)
    assert len(begins) == 1 and len(ends) == 1
    assert "chunks in" in ends[0].message  # it ran to the end, not "cancelled" by a second start


@pytest_lsp.fixture(config=ClientServerConfig(server_command=AI_SERVER, server_env=AI_ENV))
async def ai_client(lsp_client: LanguageClient, tmp_path: Path):
    lsp_client.llm = FakeLLM().start()
    prepare(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            root_uri=tmp_path.as_uri(),
            initialization_options=settings(provider(lsp_client.llm, timeout=60), retries=0),
        )
    )
    yield
    lsp_client.llm.stop()


async def test_shutdown_closes_a_provider_call_in_flight(ai_client: LanguageClient, tmp_path: Path):
    client, llm = ai_client, ai_client.llm
    uri = (tmp_path / "m.py").as_uri()
    open_doc(client, uri, "def f(x):\n    return x\n")
    llm.enqueue(Hang(60))
    pending = asyncio.ensure_future(command(client, "aurelis.explain", {"uri": uri}))
    await wait_until(lambda: llm.requests)
    await client.shutdown_session()  # shutdown + exit while the model has not answered
    await wait_until(lambda: llm.disconnects == [0])  # the HTTP request was closed, not left hanging
    pending.cancel()


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _split(buffer: bytes) -> tuple[list[dict], bytes]:
    """Whole messages at the head of ``buffer``, and the rest."""
    out = []
    while b"\r\n\r\n" in buffer:
        head, _, rest = buffer.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: *(\d+)", head, re.IGNORECASE).group(1))
        if len(rest) < length:
            break
        out.append(json.loads(rest[:length]))
        buffer = rest[length:]
    return out, buffer


def test_exit_during_model_load_sends_nothing_after_the_shutdown_response(tmp_path: Path):
    root = make_workspace(tmp_path / "ws")
    cache = tmp_path / "cache"  # a cold cache: the model loads and every chunk is embedded
    init = {
        "processId": None,
        "rootUri": root.as_uri(),
        "capabilities": {"window": {"workDoneProgress": True}},
        "workspaceFolders": [{"uri": root.as_uri(), "name": "ws"}],
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "aurelis", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "AURELIS_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1"},
    )
    assert proc.stdin is not None and proc.stdout is not None

    def send(message: dict) -> None:
        proc.stdin.write(_frame({"jsonrpc": "2.0", **message}))
        proc.stdin.flush()

    send({"id": 1, "method": "initialize", "params": init})
    send({"method": "initialized", "params": {}})
    # answer the server's requests like an editor until the index build reports work in progress
    # (past the scan: the model is loading or embedding on its worker), then leave at once
    buffer, seen = b"", []
    while not any(m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "report" for m in seen):
        chunk = os.read(proc.stdout.fileno(), 65536)
        assert chunk, proc.stderr.read().decode() if proc.stderr else ""
        messages, buffer = _split(buffer + chunk)
        seen += messages
        for m in messages:
            if "id" in m and "method" in m:
                items = m.get("params", {}).get("items", [])
                send({"id": m["id"], "result": [None] * len(items) if items else None})
    send({"id": 2, "method": "shutdown", "params": None})
    send({"method": "exit", "params": None})
    out, err = proc.communicate(timeout=60)
    after, _ = _split(buffer + out)
    answers = [i for i, m in enumerate(after) if m.get("id") == 2 and "result" in m]
    assert answers, after[-3:]
    assert after[answers[0] + 1 :] == []  # nothing after the shutdown response
    assert proc.returncode == 0
    assert b"Traceback" not in err
