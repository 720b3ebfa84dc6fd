"""The document model: text, version, language and an incrementally kept tree.

An open document is UTF-8 bytes plus a line table and a tree-sitter tree. An
incremental change edits the old tree (``Tree.edit``) and reparses with it, so
tree-sitter reuses every untouched subtree. Parsing never fails: a syntax
error becomes ERROR/MISSING nodes and the rest of the tree stays usable.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Parser, Tree

from aurelis.workspace import edit_shape, languages
from aurelis.workspace.positions import Encoding, LineIndex, Pos, text_units, ts_point


@dataclass(frozen=True, slots=True)
class Change:
    """One content change: replace ``start..end`` with ``text``; no range = whole text."""

    text: str
    start: Pos | None = None
    end: Pos | None = None


def decode_lenient(data: bytes) -> tuple[str, bool]:
    """Decode UTF-8, replacing invalid sequences; returns (text, was_valid)."""
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), False


def decode_declared(data: bytes) -> str | None:
    """Python source in the encoding its PEP 263 coding line declares (None: undeclared or wrong)."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


class Document:
    """An open (or scanned) source file; plain Python so rules and tests use it directly."""

    def __init__(
        self,
        uri: str,
        text: str,
        version: int | None = None,
        language_id: str | None = None,
        encoding: Encoding = Encoding.UTF16,
        max_bytes: int | None = None,
    ) -> None:
        self.uri = uri
        self.version = version
        self.encoding = encoding
        self.max_bytes = max_bytes  # larger text is tracked without a tree (size policy)
        lid = languages.normalize(language_id)
        if not languages.supported(lid):
            lid = languages.language_for_path(uri)
        self.language_id: str | None = lid
        self._language_parser: Parser | None = languages.parser(lid) if lid else None
        self._set_bytes(_encode(text))
        self.tree: Tree | None = None
        self.parse_count = 0
        self.incremental_parse_count = 0
        self._fresh_parse()

    @property
    def oversized(self) -> bool:
        """Over the size limit: the text is kept, but there is no tree (so no rules run)."""
        return self.max_bytes is not None and len(self._data) > self.max_bytes

    @property
    def _parser(self) -> Parser | None:
        return None if self.oversized else self._language_parser

    def _fresh_parse(self) -> None:
        if self._parser is None:
            self.tree = None
            return
        self.tree = self._parser.parse(self._data)
        self.parse_count += 1

    # -- content ---------------------------------------------------------------
    def _set_bytes(self, data: bytes, lines: LineIndex | None = None) -> None:
        self._data = data
        self._text: str | None = None
        self.lines = lines or LineIndex(data)

    @property
    def source(self) -> bytes:
        """The UTF-8 bytes tree-sitter parsed."""
        return self._data

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._data.decode("utf-8", errors="surrogatepass")
        return self._text

    @property
    def line_count(self) -> int:
        return len(self.lines.starts)

    # -- positions -------------------------------------------------------------
    def offset_at(self, pos: Pos, encoding: Encoding | None = None) -> int:
        return self.lines.offset(pos, encoding or self.encoding)

    def position_at(self, offset: int, encoding: Encoding | None = None) -> Pos:
        return self.lines.position(offset, encoding or self.encoding)

    def end_position(self, encoding: Encoding | None = None) -> Pos:
        return self.position_at(len(self._data), encoding)

    # -- edits -----------------------------------------------------------------
    def apply_changes(self, changes: list[Change], version: int | None = None) -> None:
        """Apply LSP content changes in order, each relative to the previous result.

        The tree is edited per change but reparsed once at the end: a queue of
        keystrokes costs one incremental parse, not one each. Changes before the last
        whole-text replacement are skipped (it overwrites them)."""
        if not changes:
            if version is not None:
                self.version = version
            return
        for i in range(len(changes) - 1, -1, -1):
            if changes[i].start is None or changes[i].end is None:
                self._set_bytes(_encode(changes[i].text))
                self.tree = None  # replaced: parsed fresh below
                changes = changes[i + 1 :]
                break
        for change in changes:
            self._apply_incremental(change)
        if self.tree is not None and self._parser is not None:
            self.tree = self._parser.parse(self._data, self.tree)
            self.parse_count += 1
            self.incremental_parse_count += 1
        else:
            self._fresh_parse()  # replaced, or crossed the size limit either way
        if version is not None:
            self.version = version

    def _apply_incremental(self, change: Change) -> None:
        assert change.start is not None and change.end is not None
        old = self._data
        start = self.lines.offset(change.start, self.encoding)
        old_end = self.lines.offset(change.end, self.encoding)
        if old_end < start:  # a reversed range: treat as its normalised form
            start, old_end = old_end, start
        # the same edit, placed where the incremental reparse is cheap (edit_shape.py)
        start, old_end, inserted = edit_shape.shape(old, start, old_end, _encode(change.text))
        new = old[:start] + inserted + old[old_end:]
        new_end = start + len(inserted)
        if self.tree is not None:
            self.tree.edit(
                start_byte=start,
                old_end_byte=old_end,
                new_end_byte=new_end,
                start_point=ts_point(old, start),
                old_end_point=ts_point(old, old_end),
                new_end_point=ts_point(new, new_end),
            )
        self._set_bytes(new, self.lines.edited(new, start, old_end, new_end))

    def has_syntax_errors(self) -> bool:
        return bool(self.tree is not None and self.tree.root_node.has_error)

    def __repr__(self) -> str:
        return f"Document({self.uri!r}, v{self.version}, {self.language_id}, {len(self._data)} bytes)"


def _encode(text: str) -> bytes:
    # Lone surrogates can arrive from a UTF-16 client; keep them rather than crash.
    return text.encode("utf-8", errors="surrogatepass")


__all__ = ["Change", "Document", "Encoding", "Pos", "decode_lenient", "text_units"]
