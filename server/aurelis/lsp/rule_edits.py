"""Rule findings as workspace edits: a fix's byte-offset edits for the document version
they were computed for, the minimal edit between two texts, and the
``# aurelis: ignore[CODE]`` comment (shared by the per-file and cross-file actions)."""

from __future__ import annotations

from lsprotocol import types

from aurelis.analysis.engine import line_of
from aurelis.analysis.rule import Edit, Finding
from aurelis.analysis.suppressions import ignore_comment
from aurelis.lsp import convert
from aurelis.workspace.document import Document

_STRINGISH = {"string", "string_content", "concatenated_string"}


def workspace_edit(doc: Document, edits: list[Edit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                edits=[
                    types.TextEdit(range=convert.byte_range(doc, e.start, e.end), new_text=e.text)
                    for e in sorted(edits, key=lambda e: e.start)
                ],
            )
        ]
    )


def minimal_edit(old: bytes, new: bytes) -> Edit:
    """One edit turning ``old`` into ``new``: the differing middle, on character boundaries."""
    n = min(len(old), len(new))
    p = 0
    while p < n and old[p] == new[p]:
        p += 1
    while p > 0 and (old[p : p + 1] and old[p] & 0xC0 == 0x80):
        p -= 1
    s = 0
    while s < n - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    while s > 0 and old[len(old) - s] & 0xC0 == 0x80:
        s -= 1
    return Edit(p, len(old) - s, new[p : len(new) - s].decode("utf-8", "surrogatepass"))


def ignore_edit(doc: Document, finding: Finding) -> Edit | None:
    """Append (or extend) `# aurelis: ignore[CODE]` on the finding's first line."""
    line = line_of(doc, finding.start)
    end = doc.lines.line_content_end(line)
    if doc.source[doc.lines.starts[line] : end].rstrip().endswith(b"\\"):
        return None  # a line continuation: a comment there would break the statement
    comment = None
    if doc.tree is not None:
        node = doc.tree.root_node.descendant_for_byte_range(max(end - 1, 0), end)
        while node is not None:
            if node.type == "comment" and node.start_point[0] == line:
                comment = node
                break
            if node.type in _STRINGISH and node.start_byte < end < node.end_byte:
                return None  # the line ends inside a multi-line string
            node = node.parent
    if comment is not None:
        existing = doc.source[comment.start_byte : comment.end_byte].decode("utf-8", "replace")
        return Edit(comment.start_byte, comment.end_byte, ignore_comment(existing, finding.code))
    return Edit(end, end, "  " + ignore_comment(None, finding.code))
