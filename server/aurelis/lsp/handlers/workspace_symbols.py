"""workspace/symbol from the index's symbol table (exact, prefix, then fuzzy matches)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from aurelis.lsp.handlers.symbols import SYMBOL_KIND

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer


def register(server: AurelisServer) -> None:
    @server.feature(types.WORKSPACE_SYMBOL)
    def workspace_symbol(params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        out: list[types.WorkspaceSymbol] = []
        for idx in server.engine.indexes.indexes():
            for c in idx.symbols(params.query, limit=200):
                rng = types.Range(types.Position(c.start_line, c.start_col), types.Position(c.end_line, c.end_col))
                container = c.name.rsplit(".", 1)[0] if "." in c.name else None
                out.append(types.WorkspaceSymbol(
                    name=c.short_name, kind=SYMBOL_KIND.get(c.kind, types.SymbolKind.Function),
                    location=types.Location(idx.uri_of(c.path), rng), container_name=container,
                ))
        return out[:200]
