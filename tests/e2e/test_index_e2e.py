"""The workspace index over a real stdio session: cold build with progress, search,
incremental updates on didChange/didSave and watched-file deletion, workspace/symbol,
cancellation from the client."""

from __future__ import annotations

import asyncio
import os
import tempfile

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.index.workspace_fixture import make_workspace
from tests.lsp_support import (
    SERVER_COMMAND,
    capabilities,
    command,
    open_doc,
    prepare,
    wait_until,
)

# One embeddings cache for the module (indexes are per folder, and each test has its own folder).
CACHE = tempfile.mkdtemp(prefix="aurelis-index-e2e-")
ENV = {**os.environ, "AURELIS_CACHE_DIR": CACHE, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


async def _start(client: LanguageClient, root, options=None) -> None:
    prepare(client)
    uri = root.as_uri()
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-8"]),
            workspace_folders=[types.WorkspaceFolder(uri=uri, name=root.name)],
            initialization_options=options or {},
        )
    )


def _ended(client: LanguageClient) -> list[types.WorkDoneProgressEnd]:
    return [
        v
        for values in client.progress_reports.values()
        for v in values
        if isinstance(v, types.WorkDoneProgressEnd)
    ]


async def _poll(fn, timeout: float = 60.0):
    """Await ``fn()`` until it returns something truthy (a request answered by the server)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await fn()
        if value:
            return value
        if loop.time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.1)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=ENV))
async def client(lsp_client: LanguageClient, tmp_path):
    lsp_client.root = make_workspace(tmp_path / "ws")
    await _start(lsp_client, lsp_client.root)
    yield
    await lsp_client.shutdown_session()


async def test_index_search_update_delete(client: LanguageClient):
    root = client.root
    await wait_until(lambda: _ended(client), timeout=120)
    reports = [v for vs in client.progress_reports.values() for v in vs]
    assert isinstance(reports[0], types.WorkDoneProgressBegin) and reports[0].cancellable
    assert any(
        isinstance(r, types.WorkDoneProgressReport) and r.message and "/" in r.message for r in reports
    )
    assert "chunks in 5 files" in _ended(client)[0].message
    assert any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in client.registrations)

    hits = await command(client, "aurelis.search", {"query": "how much does it cost to send a package"})
    assert hits[0]["name"] == "shop.shipping.shipping_cost"
    assert hits[0]["uri"] == (root / "shop/shipping.py").as_uri()
    assert hits[0]["range"]["start"] == {"line": 3, "character": 0}
    assert hits[0]["preview"].startswith("def shipping_cost")
    for mode in ("dense", "lexical"):
        hits = await command(client, "aurelis.search", {"query": "hash password salt", "mode": mode, "k": 3})
        assert hits[0]["name"] == "shop.accounts.UserAccount.hash_password", mode
    only_js = await command(client, "aurelis.search", {"query": "price", "paths": ["web/**"]})
    assert {h["uri"] for h in only_js} == {(root / "web/cart.js").as_uri()}

    status = await command(client, "aurelis.status")
    assert status["state"] == "ready" and status["files_indexed"] == 5
    assert status["model"] == "all-MiniLM-L6-v2"

    # didChange + didSave: the new function is found, the old one is gone.
    path = root / "shop/report.py"
    uri = path.as_uri()
    new = 'def celsius_to_fahrenheit(c):\n    """Convert a temperature from Celsius to Fahrenheit."""\n    return c * 9 / 5 + 32\n'
    open_doc(client, uri, path.read_text())
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new)],
        )
    )
    path.write_text(new)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri))
    )

    async def top_is_converter():
        hits = await command(client, "aurelis.search", {"query": "convert temperature units", "k": 1})
        return hits and hits[0]["name"] == "shop.report.celsius_to_fahrenheit"

    await _poll(top_is_converter)
    invoice = await command(client, "aurelis.search", {"query": "render invoice pdf", "mode": "lexical"})
    assert "shop.report.render_invoice_pdf" not in [h["name"] for h in invoice]

    # A deleted file (watched-files event): its chunks are gone.
    gone = root / "shop/accounts.py"
    gone.unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=gone.as_uri(), type=types.FileChangeType.Deleted)]
        )
    )

    async def accounts_gone():
        hits = await command(client, "aurelis.search", {"query": "password", "paths": ["shop/accounts.py"]})
        return hits == []

    await _poll(accounts_gone)
    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="UserAccount"))
    assert symbols == []
    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="shipping_co"))
    assert [s.name for s in symbols][:1] == ["shipping_cost"]
    assert symbols[0].container_name == "shop.shipping"
    status = await command(client, "aurelis.status")
    assert status["files_indexed"] == 4


async def test_bad_search_arguments_are_invalid_params(client: LanguageClient):
    for bad in ({"query": ""}, {"query": "x", "mode": "fuzzy"}, {"query": "x", "k": 0}, {"k": 3}):
        with pytest.raises(Exception) as info:
            await command(client, "aurelis.search", bad)
        assert getattr(info.value, "code", None) == types.ErrorCodes.InvalidParams
    await wait_until(lambda: _ended(client), timeout=120)
    hits = await command(client, "aurelis.search", {"query": "format a price in dollars", "k": 1})
    assert hits[0]["name"] == "web.cart.formatPrice"

    # An unsaved edit is indexed after the debounce (didChange alone, nothing on disk changes).
    uri = (client.root / "web/cart.js").as_uri()
    open_doc(client, uri, (client.root / "web/cart.js").read_text(), language_id="javascript")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(
                    text="export function reverseWords(s) {\n  return s.split(' ').reverse().join(' ');\n}\n"
                )
            ],
        )
    )

    async def buffer_indexed():
        hits = await command(client, "aurelis.search", {"query": "reverse the words of a sentence", "k": 1})
        return hits and hits[0]["name"] == "web.cart.reverseWords"

    await _poll(buffer_indexed)


async def test_client_cancels_then_reindex_completes(client: LanguageClient):
    begun = await wait_until(lambda: [t for t, vs in client.progress_reports.items() if vs], timeout=60)
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=begun[0]))
    ends = await wait_until(lambda: _ended(client), timeout=120)
    assert ends[0].message == "cancelled"
    status = await command(client, "aurelis.status")
    assert status["state"] == "cancelled"
    assert await command(client, "aurelis.reindex") == {"started": True}
    await wait_until(lambda: len(_ended(client)) == 2, timeout=120)
    assert "chunks in 5 files" in _ended(client)[1].message
    assert (await command(client, "aurelis.status"))["state"] == "ready"


async def test_configuration_change_restarts_the_build(client: LanguageClient):
    await wait_until(lambda: _ended(client), timeout=120)
    assert (await command(client, "aurelis.status"))["files_indexed"] == 5
    client.set_configuration({"index": {"exclude": ["shop/report.py"]}}, section="aurelis")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    ends = await wait_until(lambda: len(_ended(client)) == 2 and _ended(client), timeout=120)
    assert "chunks in 4 files" in ends[1].message
    status = await command(client, "aurelis.status")
    assert status["state"] == "ready" and status["files_indexed"] == 4
    hits = await command(client, "aurelis.search", {"query": "render invoice pdf", "mode": "lexical"})
    assert all(not h["uri"].endswith("shop/report.py") for h in hits)
