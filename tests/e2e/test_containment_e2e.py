"""A symlink to a file outside the workspace never reaches search results or a prompt,
whichever way it comes in: the cold scan, didOpen/didChange, didSave, watched-file events
(a linked file and a linked directory). A real server, real index, real HTTP provider."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_support import capabilities, command, open_doc, prepare, wait_until
from tests.support.fake_llm import FakeLLM

CACHE = tempfile.mkdtemp(prefix="aurelis-containment-e2e-")
ENV = {**os.environ, "AURELIS_CACHE_DIR": CACHE, "HF_HUB_OFFLINE": "1"}
SERVER = [sys.executable, "-m", "aurelis", "serve", "--log-level", "info"]
SECRET = "def zqx_private_outside_marker():\n    return 'outside the workspace: must never be indexed'\n"
FRESH = "def freshly_saved_control():\n    return 'inside'\n"


@pytest.fixture
def llm():
    with FakeLLM(reply="an answer") as server:
        yield server


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient, tmp_path, llm: FakeLLM):
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    (outside / "secret.py").write_text(SECRET)
    (outside / "pkg" / "more.py").write_text(SECRET.replace("zqx", "zqy"))
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "good.py").write_text("def area(r):\n    return 3.14 * r * r\n")
    os.symlink(outside / "secret.py", ws / "at_start.py")  # there before the cold scan
    lsp_client.ws, lsp_client.outside = ws, outside
    prepare(lsp_client)
    provider = {"name": "p", "base_url": llm.openai_base_url, "model": "m"}
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-8"]),
            workspace_folders=[types.WorkspaceFolder(uri=ws.as_uri(), name="ws")],
            initialization_options={
                "ai": {"providers": [provider], "cache": False},
                "index": {"debounce_ms": 0},
            },
        )
    )
    yield
    await lsp_client.shutdown_session()


async def _search(client: LanguageClient, query: str) -> list[dict]:
    return await command(client, "aurelis.search", {"query": query, "k": 50, "mode": "lexical"})


async def test_a_link_out_of_the_workspace_never_reaches_search_or_a_prompt(client: LanguageClient, llm):
    ws, outside = client.ws, client.outside
    await wait_until(
        lambda: any(
            isinstance(v, types.WorkDoneProgressEnd) for vs in client.progress_reports.values() for v in vs
        ),
        timeout=180,
    )
    # didOpen + didChange (an open buffer with the outside text) and didSave of a new link
    os.symlink(outside / "secret.py", ws / "opened.py")
    uri = (ws / "opened.py").as_uri()
    open_doc(client, uri, SECRET)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=SECRET + "\n# edited\n")],
        )
    )
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri))
    )
    # watched files: a new linked file and a file inside a linked directory
    os.symlink(outside / "secret.py", ws / "watched.py")
    os.symlink(outside / "pkg", ws / "linked_pkg")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=(ws / "watched.py").as_uri(), type=types.FileChangeType.Created),
                types.FileEvent(
                    uri=(ws / "linked_pkg" / "more.py").as_uri(), type=types.FileChangeType.Created
                ),
            ]
        )
    )
    # a control saved after them: once it is searchable, every event above was handled (one updater, in order)
    (ws / "fresh.py").write_text(FRESH)
    fresh_uri = (ws / "fresh.py").as_uri()
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(fresh_uri))
    )
    for _ in range(600):
        if any(
            h["name"] == "fresh.freshly_saved_control" for h in await _search(client, "freshly_saved_control")
        ):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the control file was never indexed")
    for query in ("zqx_private_outside_marker", "zqy_private_outside_marker", "outside the workspace"):
        hits = await _search(client, query)
        assert not [h for h in hits if "private_outside" in h["name"] or "outside" in h.get("preview", "")], (
            hits
        )
    status = await command(client, "aurelis.status")
    assert (
        status["skipped"].get("symlink_outside", 0) >= 4
    )  # scan, opened (open+save), watched file, linked dir
    # the AI context: neither `ask` (retrieval over the index) nor related chunks of `explain` carry it
    await command(
        client, "aurelis.ask", {"question": "what does the private outside marker function return?"}
    )
    good = (ws / "good.py").as_uri()
    open_doc(client, good, (ws / "good.py").read_text())
    r = {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 4}}
    await command(client, "aurelis.explain", {"uri": good, "range": r})
    sent = "\n".join(llm.prompt_text(i) for i in range(len(llm.requests)))
    assert len(llm.requests) == 2 and "def area(r)" in sent
    assert "private_outside_marker" not in sent and "must never be indexed" not in sent
