"""textDocument/documentSymbol from the incremental tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from aurelis.lsp import convert
from aurelis.workspace.outline import Symbol, outline

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext
    from aurelis.workspace.document import Document

SYMBOL_KIND = {  # outline/chunk kind -> LSP kind (also used by workspace/symbol)
    "function": types.SymbolKind.Function,
    "method": types.SymbolKind.Method,
    "class": types.SymbolKind.Class,
    "interface": types.SymbolKind.Interface,
    "namespace": types.SymbolKind.Namespace,
}


def _to_lsp(doc: Document, sym: Symbol) -> types.DocumentSymbol:
    rng = convert.node_range(doc, sym.node)
    sel = convert.node_range(doc, sym.name_node) if sym.name_node is not None else rng
    return types.DocumentSymbol(
        name=sym.name,
        kind=SYMBOL_KIND.get(sym.kind, types.SymbolKind.Function),
        range=rng,
        selection_range=sel,
        children=[_to_lsp(doc, c) for c in sym.children],
    )


def register(ctx: ServerContext) -> None:
    @ctx.ls.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        doc = ctx.engine.documents.get(params.text_document.uri)
        return [_to_lsp(doc, s) for s in outline(doc)]
