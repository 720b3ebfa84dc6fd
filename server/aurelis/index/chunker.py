"""Tree-sitter chunking: one chunk per function, method and class, windows for the rest.

A class chunk is its header, docstring and member signatures (member bodies are
elided: methods are chunks of their own). Module-level code outside definitions
goes into windows of ``window_lines``; a function longer than ``chunk_lines`` is
split into overlapping windows so no part of it is cut off by the model's
token limit.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from tree_sitter import Node

from aurelis.index.chunk import Chunk
from aurelis.index.names import module_name
from aurelis.workspace import languages
from aurelis.workspace.outline import DEFINITION_KINDS

_JS_FUNCTION_VALUES = {"arrow_function", "function_expression", "function", "generator_function"}
_COMMENTS = {"comment", "line_comment", "block_comment"}


@dataclass
class ChunkOptions:
    chunk_lines: int = 60
    window_lines: int = 30


def chunk_source(
    relpath: str, source: bytes, language: str, options: ChunkOptions | None = None
) -> list[Chunk]:
    """All chunks of one file (``source`` is its UTF-8 bytes)."""
    return _Chunker(relpath, source, language, options or ChunkOptions()).run()


class _Chunker:
    def __init__(self, relpath: str, source: bytes, language: str, options: ChunkOptions) -> None:
        self.relpath = relpath
        self.src = source
        self.lang = language
        self.opts = options
        self.kinds = DEFINITION_KINDS.get(language, {})  # "namespace": qualifies members, no chunk
        self.module = module_name(relpath)
        self.chunks: list[Chunk] = []
        self.covered: list[tuple[int, int]] = []  # line spans of top-level definitions
        self.seen: dict[str, int] = {}
        self.line_starts = [0]
        for i, b in enumerate(source):
            if b == 10:
                self.line_starts.append(i + 1)

    def run(self) -> list[Chunk]:
        tree = languages.parser(self.lang).parse(self.src)
        self._walk(tree.root_node, self.module, in_class=False, top=True)
        self._module_windows()
        self.chunks.sort(key=lambda c: (c.start_byte, c.part))
        return self.chunks

    # -- definitions -----------------------------------------------------------
    def _definition(self, node: Node) -> tuple[str, Node] | None:
        """(kind, inner node) when ``node`` is a definition (decorators and JS arrow functions included)."""
        if self.lang == "python" and node.type == "decorated_definition":
            inner = node.child_by_field_name("definition")
            if inner is not None and inner.type in self.kinds:
                return self.kinds[inner.type], inner
            return None
        if node.type in self.kinds:
            return self.kinds[node.type], node
        if node.type == "variable_declarator" and self.lang in (
            "javascript",
            "typescript",
            "typescriptreact",
        ):
            value = node.child_by_field_name("value")
            if value is not None and value.type in _JS_FUNCTION_VALUES:
                return "function", node
        return None

    def _walk(self, node: Node, prefix: str, in_class: bool, top: bool) -> None:
        # Depth-first in source order with an explicit stack: deeply nested code (thousands of
        # levels) must not hit Python's recursion limit and fail the whole index.
        stack = [(iter(node.named_children), prefix, in_class, top)]
        while stack:
            children, prefix, in_class, top = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                continue
            found = self._definition(child)
            if found is None:
                stack.append((iter(child.named_children), prefix, in_class, top))
                continue
            kind, inner = found
            name = self._name(inner)
            qual = f"{prefix}.{name}" if prefix else name
            if top:
                self.covered.append((child.start_point.row, child.end_point.row))
            if kind == "namespace":
                stack.append((iter(inner.named_children), qual, inner.type == "impl_item", False))
            elif kind in ("class", "interface"):
                self._class(child, inner, qual, kind)
                stack.append((iter(inner.named_children), qual, True, False))
            else:
                self._function(child, inner, qual, "method" if in_class or kind == "method" else "function")

    def _name(self, node: Node) -> str:
        if node.type == "method_declaration" and self.lang == "go":
            recv = node.child_by_field_name("receiver")
            own = _text(node.child_by_field_name("name"))
            rtype = _first_of(recv, "type_identifier") if recv is not None else None
            return f"{_text(rtype)}.{own}" if rtype is not None else own
        for field in ("name", "type"):
            n = node.child_by_field_name(field)
            if n is not None:
                return _text(n)
        return "<anonymous>"

    def _function(self, outer: Node, inner: Node, qual: str, kind: str) -> None:
        sig = self._signature(outer, inner)
        doc = self._docstring(outer, inner)
        first, last = outer.start_point.row, outer.end_point.row
        limit = self.opts.chunk_lines
        if last - first + 1 <= limit:
            self._emit(kind, qual, outer.start_byte, outer.end_byte, sig, doc)
            return
        step = max(1, limit - limit // 4)  # a quarter of overlap between windows
        part, row = 1, first
        while row <= last:
            end_row = min(last, row + limit - 1)
            start_b = outer.start_byte if row == first else self.line_starts[row]
            end_b = outer.end_byte if end_row == last else self._line_end(end_row)
            self._emit(kind, qual, start_b, end_b, sig, doc, part=part)
            if end_row == last:
                break
            part, row = part + 1, row + step

    def _class(self, outer: Node, inner: Node, qual: str, kind: str) -> None:
        """Header, docstring and member signatures: member bodies are elided."""
        body = inner.child_by_field_name("body")
        pieces: list[bytes] = []
        pos = outer.start_byte
        members = [c for c in (body.named_children if body is not None else []) if self._definition(c)]
        for member in members:
            found = self._definition(member)
            assert found is not None  # members were filtered on it
            _, m_inner = found
            m_body = m_inner.child_by_field_name("body")
            if m_body is None:
                continue
            pieces.append(self.src[pos : m_body.start_byte].rstrip())
            pieces.append(b" ...")
            pos = m_body.end_byte
        pieces.append(self.src[pos : outer.end_byte])
        text = b"".join(pieces).decode("utf-8", "replace")
        self._emit(
            kind,
            qual,
            outer.start_byte,
            outer.end_byte,
            self._signature(outer, inner),
            self._docstring(outer, inner),
            text=text,
        )

    def _signature(self, outer: Node, inner: Node) -> str:
        body = inner.child_by_field_name("body")
        if inner.type == "variable_declarator":
            value = inner.child_by_field_name("value")
            body = value.child_by_field_name("body") if value is not None else None
        end = body.start_byte if body is not None else self._line_end(inner.start_point.row)
        sig = self.src[inner.start_byte : end].decode("utf-8", "replace").strip()
        return " ".join(sig.rstrip(":{=> ").split())

    def _docstring(self, outer: Node, inner: Node) -> str:
        if self.lang == "python":
            body = inner.child_by_field_name("body")
            first = body.named_children[0] if body is not None and body.named_children else None
            if first is not None and first.type == "expression_statement" and first.named_children:
                s = first.named_children[0]
                if s.type == "string":
                    content = "".join(_text(c) for c in s.named_children if c.type == "string_content")
                    return inspect.cleandoc(content)
            return ""
        lines: list[str] = []
        prev = outer.prev_named_sibling
        if outer.parent is not None and outer.parent.type in ("export_statement", "lexical_declaration"):
            prev = outer.parent.prev_named_sibling
        while prev is not None and prev.type in _COMMENTS:
            lines.insert(0, _strip_comment(_text(prev)))
            prev = prev.prev_named_sibling
        return "\n".join(x for x in lines if x).strip()

    # -- module-level windows --------------------------------------------------
    def _module_windows(self) -> None:
        n_lines = len(self.line_starts)
        covered = bytearray(n_lines)
        for a, b in self.covered:
            for r in range(a, min(b, n_lines - 1) + 1):
                covered[r] = 1
        run: list[int] = []
        for row in range(n_lines):
            if not covered[row] and self._line_text(row).strip():
                if run and row != run[-1] + 1 and len(run) >= self.opts.window_lines:
                    self._window(run)
                    run = []
                run.append(row)
                if len(run) >= self.opts.window_lines:
                    self._window(run)
                    run = []
        if run:
            self._window(run)

    def _window(self, rows: list[int]) -> None:
        parts = [self._line_text(r) for r in rows]
        text = "\n".join(parts)
        if len(text.strip()) < 3:
            return
        start_b = self.line_starts[rows[0]]
        self._emit("module", self.module, start_b, self._line_end(rows[-1]), "", "", text=text)

    # -- helpers ---------------------------------------------------------------
    def _line_end(self, row: int) -> int:
        if row + 1 < len(self.line_starts):
            return self.line_starts[row + 1] - 1
        return len(self.src)

    def _line_text(self, row: int) -> str:
        return self.src[self.line_starts[row] : self._line_end(row)].decode("utf-8", "replace")

    def _point(self, byte: int) -> tuple[int, int]:
        import bisect

        row = bisect.bisect_right(self.line_starts, byte) - 1
        return row, byte - self.line_starts[row]

    def _emit(
        self,
        kind: str,
        qual: str,
        start: int,
        end: int,
        sig: str,
        doc: str,
        text: str | None = None,
        part: int = 0,
    ) -> None:
        base = f"{self.relpath}::{qual}"
        n = self.seen.get(base, 0)
        self.seen[base] = n + 1
        sl, sc = self._point(start)
        el, ec = self._point(end)
        self.chunks.append(
            Chunk(
                id=f"{base}#{n}",
                path=self.relpath,
                language=self.lang,
                kind=kind,
                name=qual,
                start_byte=start,
                end_byte=end,
                start_line=sl,
                start_col=sc,
                end_line=el,
                end_col=ec,
                text=text if text is not None else self.src[start:end].decode("utf-8", "replace"),
                signature=sig,
                docstring=doc,
                part=part,
            )
        )


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def _first_of(node: Node, type_: str) -> Node | None:
    stack = [node]
    while stack:
        n = stack.pop(0)
        if n.type == type_:
            return n
        stack.extend(n.named_children)
    return None


def _strip_comment(text: str) -> str:
    lines = []
    for line in text.strip().splitlines():
        line = line.strip()
        for marker in ("///", "//!", "//", "/**", "/*", "*/", "*"):
            if line.startswith(marker):
                line = line[len(marker) :]
                break
        line = line.removesuffix("*/")
        lines.append(line.strip())
    return "\n".join(lines).strip()
