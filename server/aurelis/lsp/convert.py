"""LSP types <-> the plain workspace types (positions, ranges, changes)."""

from __future__ import annotations

from lsprotocol import types

from aurelis.workspace.document import Change, Document
from aurelis.workspace.positions import Pos


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
