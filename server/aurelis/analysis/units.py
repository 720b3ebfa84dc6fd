"""Split a Python document into analysis units, so an edit re-analyses only its unit.

A unit is a run of whole lines: each top-level function; each method of a
top-level class; the "shell" of a top-level class (its header and every
class-level line that is not a method); and the module shell (every line not
in a top-level function or class). Every byte of the document belongs to
exactly one unit (its *own* spans), so a finding is kept by the one unit that
owns its start. Typing in a method body changes only that method's unit and
the shells around it, which are small (rust-analyzer's "typing in a function
body never invalidates global data", in miniature).

Rules see a unit through an ``ast`` of a *virtual source*: the unit's own lines
(plus, for a method, its class header) at their real line numbers, every other
line left empty. Line numbers and columns are the document's, so offsets need
no mapping; the padding costs next to nothing to parse.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

    from aurelis.workspace.document import Document

_DEFS = ("function_definition", "class_definition")


@dataclass(slots=True)
class Unit:
    kind: str  # "module" | "function" | "class" | "method"
    start: int  # byte span of whole lines (the last one with its newline)
    end: int
    node: Node  # the statement (the module's root for the module shell)
    holes: list[tuple[int, int]] = field(default_factory=list)  # spans of the units nested in this shell
    header: tuple[int, int] | None = None  # a method's class header lines (context, not owned)
    group: int = -1  # index of the top-level class a class/method unit belongs to
    needs_pass: bool = False  # a class shell whose every statement is a method: give the body a `pass`

    @property
    def roots(self) -> list[Node]:
        """Tree-sitter nodes to walk for the unit's own nodes (computed only for units analysed)."""
        if self.kind == "module":
            return [self.node]
        return _trailing(self.node, self.end)

    def own_spans(self) -> list[tuple[int, int]]:
        spans, pos = [], self.start
        for s, e in self.holes:
            if s > pos:
                spans.append((pos, s))
            pos = max(pos, e)
        if pos < self.end:
            spans.append((pos, self.end))
        return spans

    def owns(self, offset: int) -> bool:
        if not self.start <= offset < self.end and not (offset == self.end == self.start):
            return False
        i = bisect.bisect_right(self.holes, (offset, float("inf"))) - 1
        return not (i >= 0 and self.holes[i][0] <= offset < self.holes[i][1])


def _line_span(src: bytes, starts: list[int], node: Node) -> tuple[int, int] | None:
    """The whole lines of ``node``, or None when it shares a line with another statement."""
    node_start, node_end = node.start_byte, node.end_byte
    first = bisect.bisect_right(starts, node_start) - 1
    if src[starts[first] : node_start].strip():
        return None
    last = bisect.bisect_right(starts, max(node_start, node_end - 1)) - 1
    end = starts[last + 1] if last + 1 < len(starts) else len(src)
    tail = src[node_end:end].strip()
    if tail and not tail.startswith(b"#"):
        return None
    return starts[first], end


def _definition(node: Node) -> Node | None:
    """The function/class a top-level statement defines (through decorators), else None."""
    kind = node.type
    if kind == "decorated_definition":
        inner = node.child_by_field_name("definition")
        return inner if inner is not None and inner.type in _DEFS else None
    return node if kind in _DEFS else None


def _trailing(node: Node, end: int) -> list[Node]:
    """``node`` plus sibling comments that start on its lines (tree-sitter may hang them outside)."""
    out = [node]
    sib = node.next_sibling
    while sib is not None and sib.start_byte < end:
        out.append(sib)
        sib = sib.next_sibling
    return out


def split(doc: Document) -> list[Unit]:
    """The units of ``doc``: the module shell first, then the definitions in document order."""
    assert doc.tree is not None
    root = doc.tree.root_node
    size = len(doc.source)
    if doc.language_id != "python":
        return [Unit("module", 0, size, root)]
    # A syntax error stays in its unit: that unit's `ast` is None, the others still parse, so a
    # half-typed line does not blank the file's diagnostics (tree-sitter's recovery keeps the rest).
    src, starts = doc.source, doc.lines.starts
    units: list[Unit] = []
    holes: list[tuple[int, int]] = []
    group = 0
    for child in root.named_children:
        definition = _definition(child)
        span = _line_span(src, starts, child) if definition is not None else None
        if definition is None or span is None:
            continue
        holes.append(span)
        if definition.type == "function_definition":
            units.append(Unit("function", span[0], span[1], child))
            continue
        units.extend(_class_units(doc, child, definition, span, group))
        group += 1
    return [Unit("module", 0, size, root, holes=holes), *units]


def _class_units(doc: Document, stmt: Node, cls: Node, span: tuple[int, int], group: int) -> list[Unit]:
    whole = Unit("class", span[0], span[1], stmt, group=group)
    body = cls.child_by_field_name("body")
    colon = next((c for c in cls.children if c.type == ":"), None)
    if body is None or colon is None:
        return [whole]
    src, starts = doc.source, doc.lines.starts
    colon_line = bisect.bisect_right(starts, colon.start_byte) - 1
    if bisect.bisect_right(starts, body.start_byte) - 1 <= colon_line:
        return [whole]  # `class A: x = 1`: the body shares the header's line
    header = (span[0], starts[colon_line + 1] if colon_line + 1 < len(starts) else len(src))
    methods: list[Unit] = []
    others = False
    for child in body.named_children:
        inner = _definition(child)
        m_span = (
            _line_span(src, starts, child)
            if inner is not None and inner.type == "function_definition"
            else None
        )
        if m_span is None:
            others = others or child.type != "comment"
            continue
        methods.append(Unit("method", m_span[0], m_span[1], child, header=header, group=group))
    whole.holes = [(m.start, m.end) for m in methods]
    whole.needs_pass = bool(methods) and not others
    return [whole, *methods]


def virtual_source(doc: Document, unit: Unit) -> str:
    """The text the unit's ``ast`` is parsed from: its lines at their line numbers, the rest empty."""
    src, starts = doc.source, doc.lines.starts
    spans = unit.own_spans()
    if unit.header is not None:
        spans = [unit.header, *spans]
    parts: list[bytes] = []
    line = 0
    for s, e in spans:
        first = bisect.bisect_right(starts, s) - 1
        parts.append(b"\n" * (first - line))
        chunk = src[s:e]
        if not chunk.endswith((b"\n", b"\r")):
            chunk += b"\n"
        parts.append(chunk)
        line = bisect.bisect_left(starts, e) if e < len(src) else len(starts)
    if unit.needs_pass and unit.holes:
        # the class body holds only methods, all elsewhere: a `pass` keeps the header valid
        s = unit.holes[0][0]
        first = bisect.bisect_right(starts, s) - 1
        indent = len(src[s : s + 200]) - len(src[s : s + 200].lstrip(b" \t"))
        return (b"".join(parts) + b"\n" * max(0, first - line) + b" " * indent + b"pass\n").decode(
            "utf-8", "surrogatepass"
        )
    return b"".join(parts).decode("utf-8", "surrogatepass")


def walk_unit(unit: Unit) -> Iterator[Node]:
    """Pre-order walk of the unit's own tree-sitter nodes (nested units' subtrees skipped)."""
    holes = unit.holes
    for top in unit.roots:
        cursor = top.walk()  # a cursor made from ``top`` cannot leave it
        while True:
            node = cursor.node
            assert node is not None  # a cursor always stands on a node
            skip = False
            if holes:
                i = bisect.bisect_right(holes, (node.start_byte, float("inf"))) - 1
                skip = i >= 0 and holes[i][0] <= node.start_byte and node.end_byte <= holes[i][1]
            if not skip:
                yield node
                if cursor.goto_first_child():
                    continue
            if cursor.goto_next_sibling():
                continue
            while cursor.goto_parent() and not cursor.goto_next_sibling():
                pass
            if cursor.node == top:
                break
