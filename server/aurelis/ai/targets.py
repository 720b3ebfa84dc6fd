"""Which code an AI command works on, resolved explicitly from the cursor.

- docstring: the innermost function or class whose *header* lines (decorators,
  ``def``/``class`` line up to its colon) hold the cursor, or whose name the cursor
  is on; else the innermost definition whose lines hold the cursor's line.
- explain / fix: the selection, else the innermost enclosing definition, else the
  innermost enclosing top-level statement.

Everything is line-based: column 0 of an indented ``def`` is that ``def``'s line,
not the whitespace of the class body around it (the byte there belongs to the
class, which is how a docstring edit once replaced a whole class).
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from aurelis.workspace.document import Document

_DEFS = ("function_definition", "class_definition")


@dataclass(frozen=True)
class Definition:
    node: Node  # the function_definition / class_definition
    outer: Node  # the decorated_definition around it, or ``node``

    @property
    def name(self) -> str:
        n = self.node.child_by_field_name("name")
        return n.text.decode("utf-8", "replace") if n is not None and n.text else ""

    @property
    def kind(self) -> str:
        return "class" if self.node.type == "class_definition" else "function"

    @property
    def header_rows(self) -> tuple[int, int]:
        """First and last row of the header: decorators through the line of the colon."""
        body = self.node.child_by_field_name("body")
        colon_row = self.node.start_point[0]
        for child in self.node.children:
            if child == body:
                break
            colon_row = child.end_point[0]
        return self.outer.start_point[0], colon_row

    @property
    def rows(self) -> tuple[int, int]:
        return self.outer.start_point[0], self.outer.end_point[0]


def _definitions(doc: Document) -> list[Definition]:
    if doc.tree is None:
        return []
    out: list[Definition] = []
    stack = [doc.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in _DEFS:
            parent = node.parent
            outer = parent if parent is not None and parent.type == "decorated_definition" else node
            out.append(Definition(node, outer))
        stack.extend(node.children)
    return out


def _row(doc: Document, offset: int) -> int:
    return doc.source.count(b"\n", 0, offset)


def docstring_target(doc: Document, offset: int) -> Definition | None:
    """The definition a docstring command at byte ``offset`` documents (see the module doc)."""
    row = _row(doc, offset)
    defs = _definitions(doc)

    def innermost(found: list[Definition]) -> Definition | None:
        # nested definitions start later (or on the same row, deeper): the last start wins
        return max(found, key=lambda d: d.node.start_byte, default=None)

    on_name = [
        d
        for d in defs
        if (n := d.node.child_by_field_name("name")) is not None and n.start_byte <= offset <= n.end_byte
    ]
    if on_name:
        return innermost(on_name)
    in_header = [d for d in defs if d.header_rows[0] <= row <= d.header_rows[1]]
    if in_header:
        return innermost(in_header)
    return innermost([d for d in defs if d.rows[0] <= row <= d.rows[1]])


def enclosing_definition(doc: Document, offset: int) -> Definition | None:
    """The innermost definition whose lines hold the line of ``offset``."""
    row = _row(doc, offset)
    found = [d for d in _definitions(doc) if d.rows[0] <= row <= d.rows[1]]
    return max(found, key=lambda d: d.node.start_byte, default=None)


def enclosing_statement(doc: Document, offset: int) -> Node | None:
    """The top-level statement whose lines hold the line of ``offset`` (None on a blank line)."""
    if doc.tree is None:
        return None
    row = _row(doc, offset)
    for child in doc.tree.root_node.named_children:
        if child.start_point[0] <= row <= child.end_point[0] and child.type != "comment":
            return child
    return None


def line_span(doc: Document, node: Node) -> tuple[int, int]:
    """Byte span of ``node``'s whole lines (start of its first line .. its end)."""
    return doc.source.rfind(b"\n", 0, node.start_byte) + 1, node.end_byte
