"""workspace/symbol from the index's symbol table (exact, prefix, then fuzzy matches)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from aurelis.lsp.convert import lsp_pos
from aurelis.lsp.handlers.indexing import line_index_for
from aurelis.lsp.handlers.symbols import SYMBOL_KIND

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext


def register(ctx: ServerContext) -> None:
    @ctx.ls.feature(types.WORKSPACE_SYMBOL)
    def workspace_symbol(params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        out: list[types.WorkspaceSymbol] = []
        tables: dict = {}  # one line table per file, shared by its symbols
        for idx in ctx.engine.indexes.indexes():
            for c in idx.symbols(params.query, limit=200):
                uri = idx.uri_of(c.path)
                lines = line_index_for(ctx, uri, tables)
                if lines is not None:  # columns in the negotiated encoding, not bytes
                    start = lines.position(c.start_byte, ctx.engine.encoding)
                    end = lines.position(c.end_byte, ctx.engine.encoding)
                    rng = types.Range(lsp_pos(start), lsp_pos(end))
                else:
                    rng = types.Range(
                        types.Position(c.start_line, c.start_col), types.Position(c.end_line, c.end_col)
                    )
                container = c.name.rsplit(".", 1)[0] if "." in c.name else None
                out.append(
                    types.WorkspaceSymbol(
                        name=c.short_name,
                        kind=SYMBOL_KIND.get(c.kind, types.SymbolKind.Function),
                        location=types.Location(uri, rng),
                        container_name=container,
                    )
                )
        return out[:200]
