"""`aurelis.syntaxTree`: the server's view of a document (like rust-analyzer's
"View Syntax Tree"); lets users and tests see exactly what the server holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer


class SyntaxTreeArgs(BaseModel):
    uri: str
    include_text: bool = Field(False, description="Also return the document text.")


def register(server: AurelisServer) -> None:
    @server.commands.register("aurelis.syntaxTree", SyntaxTreeArgs)
    def syntax_tree(server: AurelisServer, args: SyntaxTreeArgs) -> dict:
        """The document's version, language, S-expression and syntax-error flag."""
        doc = server.engine.documents.get(args.uri)
        result = {
            "uri": doc.uri,
            "version": doc.version,
            "language": doc.language_id,
            "sexp": str(doc.tree.root_node) if doc.tree is not None else None,
            "has_error": doc.has_syntax_errors(),
            "parses": doc.parse_count,
            "incremental_parses": doc.incremental_parse_count,
        }
        if args.include_text:
            result["text"] = doc.text
        return result
