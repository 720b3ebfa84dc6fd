"""didOpen / didChange / didSave / didClose into the engine's document model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from aurelis.lsp import convert

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext
    from aurelis.workspace.document import Document


def register(ctx: ServerContext) -> None:
    docs = ctx.engine.documents
    told: set[str] = set()  # documents the user was told are over the size limit

    def size_notice(doc: Document) -> None:
        """One info message per document that crosses ``analysis.max_file_bytes``."""
        if not doc.oversized:
            told.discard(doc.uri)
            return
        if doc.uri in told:
            return
        told.add(doc.uri)
        ctx.show_message(
            f"{doc.uri} is larger than analysis.max_file_bytes ({doc.max_bytes} bytes): "
            "it is kept in sync, but not parsed or analysed.",
            types.MessageType.Info,
        )

    @ctx.ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        td = params.text_document
        limit = ctx.engine.settings_for(td.uri).analysis.max_file_bytes
        doc = docs.open(td.uri, td.text, td.version, td.language_id, max_bytes=limit)
        size_notice(doc)
        ctx.events.opened.fire(doc)

    @ctx.ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        td = params.text_document
        doc = docs.change(td.uri, [convert.change(c) for c in params.content_changes], td.version)
        size_notice(doc)
        ctx.events.changed.fire(doc)

    @ctx.ls.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        ctx.events.saved.fire(docs.find(uri), uri)

    @ctx.ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        told.discard(uri)
        docs.close(uri)
        ctx.events.closed.fire(uri)
