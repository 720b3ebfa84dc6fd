"""`aurelis.syntaxTree`: the server's view of a document (like rust-analyzer's
"View Syntax Tree"); lets users and tests see exactly what the server holds."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from aurelis.analysis.syntax import walk

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext


class SyntaxTreeArgs(BaseModel):
    uri: str
    include_text: bool = Field(False, description="Also return the document text.")
    include_spans: bool = Field(
        False, description="Also return a digest of every node's byte and point span."
    )


def register(ctx: ServerContext) -> None:
    @ctx.commands.register("aurelis.syntaxTree", SyntaxTreeArgs)
    def syntax_tree(args: SyntaxTreeArgs) -> dict:
        """The document's version, language, S-expression and syntax-error flag."""
        doc = ctx.engine.documents.get(args.uri)
        result = {
            "uri": doc.uri,
            "version": doc.version,
            "language": doc.language_id,
            "sexp": str(doc.tree.root_node) if doc.tree is not None else None,
            "has_error": doc.has_syntax_errors(),
            "bytes": len(doc.source),
            "oversized": doc.oversized,
            "parses": doc.parse_count,
            "incremental_parses": doc.incremental_parse_count,
        }
        if args.include_text:
            result["text"] = doc.text
        if args.include_spans and doc.tree is not None:
            result["spans"] = span_digest(doc.tree.root_node)
        return result


def span_digest(root) -> str:
    """sha1 over (type, bytes, points) of every node: equal only if positions agree too."""
    h = hashlib.sha1()
    for n in walk(root):
        h.update(f"{n.type}{n.start_byte},{n.end_byte}{tuple(n.start_point)}{tuple(n.end_point)};".encode())
    return h.hexdigest()
