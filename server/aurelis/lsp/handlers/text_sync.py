"""didOpen / didChange / didSave / didClose into the engine's document model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from aurelis.lsp import convert

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer


def register(server: AurelisServer) -> None:
    docs = server.engine.documents

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        td = params.text_document
        doc = docs.open(td.uri, td.text, td.version, td.language_id)
        server.events.opened.fire(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        td = params.text_document
        doc = docs.change(td.uri, [convert.change(c) for c in params.content_changes], td.version)
        server.events.changed.fire(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        server.events.saved.fire(docs.find(uri), uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        docs.close(uri)
        server.events.closed.fire(uri)
