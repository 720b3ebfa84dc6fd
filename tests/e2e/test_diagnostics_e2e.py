"""Rule diagnostics and their code actions over a real stdio session."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_support import SERVER_COMMAND, capabilities, open_doc, prepare, rules_session, wait_until

URI = "file:///tmp/aurelis-diag-e2e/mod.py"


def published(client: LanguageClient, uri: str = URI) -> list[types.Diagnostic] | None:
    diags = client.diagnostics.get(uri)
    return None if diags is None else list(diags)


def codes(client: LanguageClient, uri: str = URI) -> list[str]:
    return [d.code for d in client.diagnostics.get(uri, []) if d.source == "aurelis"]


def change(
    client: LanguageClient, version: int, start: tuple[int, int], end: tuple[int, int], text: str
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(*start), types.Position(*end)), text=text
                )
            ],
        )
    )


async def apply(client: LanguageClient, edit: types.WorkspaceEdit, text: str, version: int) -> str:
    """Apply a versioned WorkspaceEdit the way an editor does: check the version, send didChange."""
    (doc_edit,) = edit.document_changes
    assert doc_edit.text_document.version == version - 1
    changes = [
        types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
        for e in sorted(
            doc_edit.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
        )
    ]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=doc_edit.text_document.uri, version=version
            ),
            content_changes=changes,
        )
    )
    return text


client = rules_session(resolve=True)
eager_client = rules_session(resolve=False)


async def test_diagnostics_after_open_and_incremental_changes(client: LanguageClient):
    open_doc(client, URI, "import os\n\nprint(os.sep)\n")
    await wait_until(lambda: published(client) is not None)
    assert codes(client) == []
    change(client, 2, (0, 9), (0, 9), "\nimport yaml")  # introduce an unused import
    await wait_until(lambda: codes(client) == ["AUR401"])
    (diag,) = published(client)
    assert diag.range == types.Range(types.Position(1, 7), types.Position(1, 11))
    assert diag.source == "aurelis" and diag.severity == types.DiagnosticSeverity.Warning
    assert diag.code_description.href.endswith("#aur401-unused-import")
    assert list(diag.tags) == [types.DiagnosticTag.Unnecessary]
    assert diag.data == {"rule": "unused-import", "category": "maintainability", "fixable": True}
    change(client, 3, (3, 0), (3, 0), "cfg = yaml.load(open('c.yml'))\n")  # now used, but unsafely
    await wait_until(lambda: "AUR203" in codes(client) and "AUR401" not in codes(client))
    change(client, 4, (3, 11), (3, 15), "safe_load")  # and fixed by hand
    await wait_until(lambda: "AUR203" not in codes(client))


async def test_quick_fix_applies_and_diagnostic_disappears(client: LanguageClient):
    text = "import os\nimport sys\n\nprint(sys.argv)\n"
    open_doc(client, URI, text)
    await wait_until(lambda: codes(client) == ["AUR401"])
    (diag,) = published(client)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(URI),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    titles = [a.title for a in actions]
    assert "Remove unused import `os` (AUR401)" in titles and "Ignore AUR401 on this line" in titles
    fix = next(a for a in actions if a.title.startswith("Remove unused import"))
    assert fix.edit is None  # computed lazily
    resolved = await client.code_action_resolve_async(fix)
    (doc_edit,) = resolved.edit.document_changes
    assert doc_edit.text_document.version == 1
    await apply(client, resolved.edit, text, 2)
    await wait_until(lambda: published(client) == [])


async def test_ignore_line_action_silences_the_finding(eager_client: LanguageClient):
    client = eager_client
    open_doc(client, URI, "try:\n    work()\nexcept:\n    log()\n")
    await wait_until(lambda: codes(client) == ["AUR102"])
    (diag,) = published(client)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(URI),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    fix = next(a for a in actions if a.title.startswith("Catch `Exception`"))
    assert fix.edit.document_changes[0].edits[0].new_text == " Exception"  # eager: no resolve support
    ignore = next(a for a in actions if a.title == "Ignore AUR102 on this line")
    (edit,) = ignore.edit.document_changes[0].edits
    assert edit.new_text == "  # aurelis: ignore[AUR102]"
    assert edit.range.start == types.Position(2, 7)
    await apply(client, ignore.edit, "", 2)
    await wait_until(lambda: codes(client) == [] and published(client) == [])


async def test_fix_all_and_stale_version_refused(client: LanguageClient):
    text = "import os\nimport yaml\ntry:\n    cfg = yaml.load(s)\nexcept:\n    cfg = None\n"
    open_doc(client, URI, text)
    await wait_until(lambda: sorted(codes(client)) == ["AUR102", "AUR203", "AUR401"])
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(URI),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
        )
    )
    (fix_all,) = actions
    assert fix_all.kind == "source.fixAll.aurelis"
    resolved = await client.code_action_resolve_async(fix_all)
    (doc_edit,) = resolved.edit.document_changes
    assert doc_edit.text_document.version == 1
    await apply(client, resolved.edit, text, 2)
    await wait_until(lambda: published(client) == [])
    # an action offered for version 1 is refused once the document is at version 2
    try:
        await client.code_action_resolve_async(fix_all)
    except Exception as exc:
        assert "changed" in str(exc)
    else:
        raise AssertionError("a stale action must not resolve")


async def test_suppression_comments_and_closing(client: LanguageClient):
    open_doc(
        client,
        URI,
        "import os  # aurelis: ignore[AUR401]\nimport re  # noqa: F401\nimport io  # aurelis: ignore\nimport sys\n",
    )
    await wait_until(lambda: codes(client) == ["AUR401"])
    assert published(client)[0].range.start.line == 3
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(URI))
    )
    await wait_until(lambda: published(client) == [])


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def pull_client(lsp_client: LanguageClient):
    prepare(lsp_client)
    lsp_client.init_result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-16"], pull_diagnostics=True),
            initialization_options={"index": {"enabled": False}},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_pull_diagnostics_when_the_client_supports_them(pull_client: LanguageClient):
    client = pull_client
    provider = client.init_result.capabilities.diagnostic_provider
    assert provider.workspace_diagnostics is True
    open_doc(client, URI, "import os\n")
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(URI))
    )
    assert [(d.code, d.source) for d in report.items] == [("AUR401", "aurelis")]
    assert report.items[0].range == types.Range(types.Position(0, 7), types.Position(0, 9))
    change(client, 2, (1, 0), (1, 0), "os.getcwd()\n")
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(URI))
    )
    assert report.items == [] or list(report.items) == []
    change(client, 3, (1, 0), (2, 0), "import yaml\n")
    ws = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    (item,) = [i for i in ws.items if i.uri == URI]
    assert item.version == 3
    assert sorted(d.code for d in item.items) == ["AUR401", "AUR401"]
    # a pulling client is never pushed to as well (that would show everything twice)
    assert URI not in client.diagnostics


async def test_rapid_changes_coalesce_and_never_publish_stale_versions(client: LanguageClient):
    versions: list[int | None] = []
    method = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
    original = client.protocol.fm.features[method]

    def record(params: types.PublishDiagnosticsParams):
        if params.uri == URI:
            versions.append(params.version)
        return original(params)

    client.protocol.fm.features[method] = record
    text = "x = 1\n"
    open_doc(client, URI, text)
    for v in range(2, 32):  # 30 keystrokes sent without waiting: each adds one unused import
        change(client, v, (0, 0), (0, 0), f"import m{v}\n")
    await wait_until(lambda: versions and versions[-1] == 31)
    assert len([d for d in published(client) if d.code == "AUR401"]) == 30
    assert versions == sorted(versions)  # never an older version after a newer one
    assert len(versions) < 31  # queued edits were coalesced rather than analysed one by one


async def test_an_edit_in_one_function_updates_findings_in_the_others(client: LanguageClient):
    """Per-unit analysis over LSP: cached units shift, facts cross units, errors stay local."""
    text = "import os\n\n\ndef a():\n    return os.sep\n\n\ndef b(x):\n    unused = x\n    return 1\n"
    open_doc(client, URI, text)
    await wait_until(lambda: codes(client) == ["AUR402"])  # `ast`-based: needs b's unit to parse
    (unused,) = published(client)
    assert unused.range.start == types.Position(8, 4)
    change(client, 2, (4, 11), (4, 17), '"/"')  # the only use of `os`, in another function, goes
    await wait_until(lambda: sorted(codes(client)) == ["AUR401", "AUR402"])
    change(client, 3, (4, 0), (4, 0), "    y = 1\n    print(y)\n")  # two lines above b: its finding moves
    await wait_until(
        lambda: [d.range.start for d in published(client) if d.code == "AUR402"] == [types.Position(10, 4)]
    )
    change(client, 4, (4, 0), (4, 0), "    w = 1 +\n")  # half-typed in a: b is still analysed
    await wait_until(lambda: codes(client) == ["AUR402"])  # (and no unused-import guess meanwhile)
    assert [d.range.start for d in published(client)] == [types.Position(11, 4)]
