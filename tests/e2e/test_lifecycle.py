"""The server's life over stdio: initialize, text sync, settings, errors, shutdown."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_support import SERVER_COMMAND, capabilities, command, open_doc, prepare, wait_until

URI = "file:///tmp/aurelis-e2e/mod.py"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient):
    prepare(lsp_client)
    lsp_client.init_result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-16", "utf-8"]),
            initialization_options={"index": {"enabled": False, "max_file_bytes": "lots", "colour": "blue"}},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_initialize_advertises_incremental_sync_and_utf8(client: LanguageClient):
    server_caps = client.init_result.capabilities
    sync = server_caps.text_document_sync
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.open_close is True
    assert server_caps.position_encoding == "utf-8"  # preferred even though the client listed utf-16 first
    assert "aurelis.syntaxTree" in server_caps.execute_command_provider.commands


async def test_open_change_close(client: LanguageClient):
    open_doc(client, URI, "def f(x):\n    return x\n")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(1, 11), end=types.Position(1, 12)), text="x + 1"
                )
            ],
        )
    )
    tree = await command(client, "aurelis.syntaxTree", {"uri": URI, "include_text": True})
    assert tree["text"] == "def f(x):\n    return x + 1\n"
    assert tree["version"] == 2
    assert "binary_operator" in tree["sexp"]
    assert tree["incremental_parses"] == 1
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(URI))
    )
    with pytest.raises(Exception, match="not open"):
        await command(client, "aurelis.syntaxTree", {"uri": URI})


async def test_bad_settings_warn_and_server_goes_on(client: LanguageClient):
    await wait_until(lambda: client.messages)
    text = "\n".join(m.message for m in client.messages)
    assert "index.max_file_bytes" in text and "valid integer" in text
    assert "index.colour" in text and "unknown setting" in text
    assert all(m.type == types.MessageType.Warning for m in client.messages)
    open_doc(client, URI, "x = 1\n")
    tree = await command(client, "aurelis.syntaxTree", {"uri": URI})
    assert tree["sexp"].startswith("(module")


async def test_unknown_command_lists_known_ones(client: LanguageClient):
    with pytest.raises(Exception) as info:
        await command(client, "aurelis.noSuchThing")
    message = str(info.value)
    assert "unknown command 'aurelis.noSuchThing'" in message
    assert "aurelis.syntaxTree" in message


async def test_wrong_argument_shape_is_invalid_params(client: LanguageClient):
    for bad in ([{"uri": 42}], ["just a string"], [{"uri": "file:///a.py"}, {"uri": "file:///b.py"}]):
        with pytest.raises(Exception) as info:
            await command(client, "aurelis.syntaxTree", *bad)
        assert "Traceback" not in str(info.value)
        assert getattr(info.value, "code", types.ErrorCodes.InvalidParams) == types.ErrorCodes.InvalidParams


async def test_handler_exception_does_not_kill_server(client: LanguageClient):
    # documentSymbol on a document that was never opened raises inside the handler.
    with pytest.raises(Exception):  # noqa: B017  (pytest-lsp raises its own JsonRpc error class)
        await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier("file:///never-opened.py"))
        )
    # didChange for an unknown document: a failing notification handler is logged, not fatal.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri="file:///ghost.py", version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="x")],
        )
    )
    open_doc(client, URI, "class A:\n    def m(self):\n        pass\n")
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(URI))
    )
    assert [s.name for s in symbols] == ["A"]
    assert [c.name for c in symbols[0].children] == ["m"]
    assert symbols[0].children[0].kind == types.SymbolKind.Method
