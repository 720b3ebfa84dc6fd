"""Over a real stdio session: the quick fix and fix-all never remove a name that another
module of the workspace imports, and AUR401 takes such a name for a re-export."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_support import SERVER_COMMAND, capabilities, command, open_doc, prepare, wait_until

URLS = "import os\nfrom urllib.parse import quote, urlparse\n"
API = "from .urls import quote\nfrom pkg import urls\n\ndef get(u):\n    return quote(u), urls.urlparse(u)\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


async def start(client: LanguageClient, tmp_path) -> Path:
    """A package whose urls.py imports names api.py imports from it; the session on it."""
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/__init__.py").write_text("")
    (root / "pkg/urls.py").write_text(URLS)
    (root / "pkg/api.py").write_text(API)
    prepare(client)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-8"], code_action_resolve=False),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
            initialization_options={"index": {"enabled": False}},
        )
    )
    return root


async def test_fix_all_keeps_what_sibling_modules_import(client: LanguageClient, tmp_path):
    root = await start(client, tmp_path)

    async def read() -> bool:
        status = await command(client, "aurelis.crossfileStatus", {})
        return status["idle"] and status["folders"] and status["folders"][0]["python_files"] == 3

    for _ in range(1500):  # the background pass reads the folder; poll its status
        if await read():
            break
    else:
        raise AssertionError("the cross-file pass never read the folder")

    uri = (root / "pkg/urls.py").as_uri()
    open_doc(client, uri, URLS)
    flagged = await wait_until(lambda: [d for d in client.diagnostics.get(uri, []) if d.code == "AUR401"])
    assert [d.message for d in flagged] == ["`os` imported but unused"]  # quote/urlparse are re-exports

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(1, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    fix_all = next(a for a in actions if a.kind == "source.fixAll.aurelis")
    quick = next(a for a in actions if a.kind == types.CodeActionKind.QuickFix and "Remove" in a.title)
    for action in (fix_all, quick):
        (doc_edit,) = action.edit.document_changes
        edited = [e.new_text for e in doc_edit.edits]
        ranges = [(e.range.start.line, e.range.end.line) for e in doc_edit.edits]
        assert ranges == [(0, 1)] and edited == [""], (action.title, ranges, edited)  # only `import os`


async def test_a_name_another_module_starts_importing_is_no_longer_flagged(client: LanguageClient, tmp_path):
    """AUR401 in an open file follows edits of *other* files: when api.py starts importing `os`
    from urls.py, urls.py's finding goes away without urls.py being touched (a quick fix offered
    on the stale finding would break api.py), and comes back when the import is removed."""
    root = await start(client, tmp_path)
    urls, api = (root / "pkg/urls.py").as_uri(), (root / "pkg/api.py").as_uri()
    open_doc(client, urls, URLS)
    open_doc(client, api, API)

    def unused() -> list[str] | None:
        got = [d.message for d in client.diagnostics.get(urls, []) if d.code == "AUR401"]
        return got if urls in client.diagnostics else None

    assert await wait_until(lambda: unused() == ["`os` imported but unused"], timeout=60)
    for version, text in ((2, "from .urls import os\n" + API), (3, API)):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=api, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        want = [] if version == 2 else ["`os` imported but unused"]
        await wait_until(lambda want=want: unused() == want, timeout=60)
