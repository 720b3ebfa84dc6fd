"""LSP types <-> the plain workspace types (positions, ranges, changes)."""

from __future__ import annotations

from typing import Any

from lsprotocol import converters, types

from aurelis.workspace.document import Change, Document
from aurelis.workspace.positions import Pos

_CONVERTER = converters.get_converter()


def lsp_json(value: Any) -> Any:
    """An lsprotocol object as the plain JSON the client would receive (lsprotocol's converter)."""
    return _CONVERTER.unstructure(value)


def pos(p: types.Position) -> Pos:
    return Pos(p.line, p.character)


def lsp_pos(p: Pos) -> types.Position:
    return types.Position(line=p.line, character=p.character)


def change(c: types.TextDocumentContentChangeEvent) -> Change:
    if isinstance(c, types.TextDocumentContentChangePartial):
        return Change(c.text, pos(c.range.start), pos(c.range.end))
    return Change(c.text)


def byte_range(doc: Document, start: int, end: int) -> types.Range:
    """The LSP range of bytes ``start..end`` of ``doc`` in the negotiated encoding."""
    return types.Range(start=lsp_pos(doc.position_at(start)), end=lsp_pos(doc.position_at(end)))


def node_range(doc: Document, node) -> types.Range:  # node: tree_sitter.Node
    return byte_range(doc, node.start_byte, node.end_byte)
