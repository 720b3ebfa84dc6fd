"""Cross-file diagnostics over a real stdio session: duplicates found through the real
embedding index (AUR410 on the later copy, relatedInformation on its twin) and dead code
(AUR411) that follows edits in open documents."""

from __future__ import annotations

import asyncio
import os
import tempfile

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.analysis.crossfile.workspace_fixture import make_project
from tests.lsp_support import ALL_RULES, SERVER_COMMAND, capabilities, command, open_doc, prepare, wait_until

CACHE = tempfile.mkdtemp(prefix="aurelis-crossfile-e2e-")
ENV = {**os.environ, "AURELIS_CACHE_DIR": CACHE, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


async def _start(client: LanguageClient, root, options: dict) -> None:
    prepare(client)
    client.root = root
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-16"]),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options={**options, "analysis": {**ALL_RULES, **options.get("analysis", {})}},
        )
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=ENV))
async def client(lsp_client: LanguageClient, tmp_path):
    yield lsp_client
    await lsp_client.shutdown_session()


def codes(client: LanguageClient, uri: str, code: str) -> list[types.Diagnostic]:
    return [d for d in client.diagnostics.get(uri, []) if d.code == code]


def names(diags: list[types.Diagnostic]) -> set[str]:
    return {d.data["name"] for d in diags}


async def test_duplicates_through_the_index_and_dead_code(client: LanguageClient, tmp_path):
    root = make_project(tmp_path / "ws")
    await _start(client, root, {})
    billing, orders = (root / "shop/billing.py").as_uri(), (root / "shop/orders.py").as_uri()

    dup_o = await wait_until(lambda: codes(client, orders, "AUR410"), timeout=180)
    assert len(dup_o) == 1 and codes(client, billing, "AUR410") == []  # one finding per group
    o = dup_o[0]
    # the diagnostic sits on the later copy's name, the related information on the whole twin
    assert o.range == types.Range(types.Position(15, 4), types.Position(15, 13))  # order_sum
    assert "invoice_total" in o.message and "billing.py:7" in o.message
    assert o.source == "aurelis" and o.severity == types.DiagnosticSeverity.Information
    assert o.code_description.href.endswith("#aur410-duplicate-code")
    assert o.data["rule"] == "duplicate-code" and o.data["category"] == "maintainability"
    [rel_o] = o.related_information
    assert rel_o.location.uri == billing and rel_o.location.range.start == types.Position(6, 0)
    # parse_lines (same topic, different code) is no duplicate
    assert all("parse_lines" not in d.message for d in dup_o)

    dead = codes(client, billing, "AUR411")
    assert names(dead) == {"never_called"}  # not __all__, @register, test-used nor suppressed ones
    [d] = dead
    assert list(d.tags) == [types.DiagnosticTag.Unnecessary]
    assert d.range == types.Range(types.Position(35, 4), types.Position(35, 16))
    assert codes(client, orders, "AUR411") == []
    assert codes(client, (root / "shop/cli.py").as_uri(), "AUR411") == []  # `run` is an entry point

    status = await command(client, "aurelis.crossfileStatus", {})
    assert status["folders"][0]["index_used"] is True
    assert status["folders"][0]["files_with_duplicates"] == 1

    # Rewriting the copy in the editor: once the file is re-indexed, its finding goes;
    # undoing the edit brings it back.
    original = (root / "shop/orders.py").read_text()
    open_doc(client, orders, original)
    body = types.Range(types.Position(16, 0), types.Position(25, 0))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=orders, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=body, text="    return sum(lines) * tax\n")
            ],
        )
    )
    await wait_until(lambda: codes(client, orders, "AUR410") == [], timeout=60)
    old_body = "".join(original.splitlines(keepends=True)[16:25])
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=orders, version=3),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(16, 0), types.Position(17, 0)), text=old_body
                )
            ],
        )
    )
    await wait_until(lambda: len(codes(client, orders, "AUR410")) == 1, timeout=60)
    assert codes(client, billing, "AUR410") == []
    assert codes(client, orders, "AUR410")[0].range.start == types.Position(15, 4)


async def test_pull_clients_get_cross_file_findings_of_unopened_files(client: LanguageClient, tmp_path):
    root = make_project(tmp_path / "ws")
    prepare(client)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(pull_diagnostics=True),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
            initialization_options={"index": {"enabled": False}, "analysis": ALL_RULES},
        )
    )
    billing = (root / "shop/billing.py").as_uri()

    async def billing_report():
        report = await client.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(previous_result_ids=[])
        )
        return [d for item in report.items if item.uri == billing for d in item.items if d.code == "AUR411"]

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while not (found := await billing_report()) and loop.time() < deadline:
        await asyncio.sleep(0.1)
    assert [d.data["name"] for d in found] == ["never_called"]
    assert billing not in client.diagnostics  # nothing was pushed to a pulling client


async def test_dead_code_follows_edits_in_open_documents(client: LanguageClient, tmp_path):
    root = make_project(tmp_path / "ws")
    await _start(client, root, {"index": {"enabled": False}})  # dead code needs no index
    billing = (root / "shop/billing.py").as_uri()
    await wait_until(lambda: names(codes(client, billing, "AUR411")) == {"never_called"})

    # A new open buffer starts using never_called: its finding goes (billing.py is not even open).
    app = (root / "shop/app.py").as_uri()
    open_doc(client, app, "from shop import billing\n\n\ndef go():\n    return 1\n")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=app, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(4, 11), types.Position(4, 12)),
                    text="billing.never_called(1)",
                )
            ],
        )
    )
    await wait_until(lambda: codes(client, billing, "AUR411") == [])
    # …and the new file's own unused function is reported in the open buffer
    await wait_until(lambda: names(codes(client, app, "AUR411")) == {"go"})

    # Removing the use brings it back.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=app, version=3),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(4, 11), types.Position(4, 34)), text="2"
                )
            ],
        )
    )
    await wait_until(lambda: names(codes(client, billing, "AUR411")) == {"never_called"})
    await wait_until(lambda: names(codes(client, app, "AUR411")) == {"go"})

    # A suppression comment typed into the open buffer silences its finding.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=app, version=4),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(3, 9), types.Position(3, 9)),
                    text="  # aurelis: ignore[AUR411]",
                )
            ],
        )
    )
    await wait_until(lambda: app in client.diagnostics and codes(client, app, "AUR411") == [])

    # Files changed on disk (watched files) count too: a new caller, then its deletion.
    caller = root / "shop/caller.py"
    caller.write_text("from shop.billing import never_called\n\nprint(never_called(2))\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=caller.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    await wait_until(lambda: codes(client, billing, "AUR411") == [])
    caller.unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=caller.as_uri(), type=types.FileChangeType.Deleted)]
        )
    )
    await wait_until(lambda: names(codes(client, billing, "AUR411")) == {"never_called"})

    # The "Ignore AUR411 on this line" quick fix, applied as an editor would.
    open_doc(client, billing, (root / "shop/billing.py").read_text())
    [diag] = await wait_until(lambda: codes(client, billing, "AUR411"))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=billing),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    [ignore] = [a for a in actions if a.title == "Ignore AUR411 on this line"]
    assert ignore.diagnostics[0].code == "AUR411"
    [doc_edit] = ignore.edit.document_changes
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=billing, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in doc_edit.edits
            ],
        )
    )
    await wait_until(lambda: codes(client, billing, "AUR411") == [])
