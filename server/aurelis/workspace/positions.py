"""Conversions between editor positions and byte offsets.

Editors address text as (line, character) where *character* counts code units
of the negotiated encoding (UTF-16 by default in LSP, UTF-8 when negotiated).
Tree-sitter addresses bytes of the UTF-8 text and (row, byte-column) points
whose rows end at ``\\n`` only. Everything here works on UTF-8 bytes so that the
document model never re-encodes the whole text per keystroke.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import Enum


class Encoding(str, Enum):
    """Position encodings a client may negotiate (LSP 3.17 ``PositionEncodingKind``)."""

    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


def choose_encoding(offered: list[str] | None) -> Encoding:
    """Prefer UTF-8 (no conversion needed), else UTF-16, the protocol default."""
    if offered and Encoding.UTF8.value in offered:
        return Encoding.UTF8
    return Encoding.UTF16


@dataclass(frozen=True, slots=True)
class Pos:
    """A zero-based editor position in some encoding's code units."""

    line: int
    character: int


_BREAK = re.compile(rb"\r\n|\r|\n")


def line_starts(data: bytes) -> list[int]:
    """Byte offsets where each line starts; ``\\r\\n``, ``\\n`` and lone ``\\r`` end lines."""
    if b"\r" not in data:
        starts = [0]
        find = data.find
        i = find(b"\n")
        while i != -1:
            starts.append(i + 1)
            i = find(b"\n", i + 1)
        return starts
    return [0, *(m.end() for m in _BREAK.finditer(data))]


def units_to_bytes(line: bytes, units: int, encoding: Encoding) -> int:
    """Byte length of the first ``units`` code units of ``line`` (clamped to the line).

    A position that falls inside a character (the middle of a surrogate pair)
    is moved back to the start of that character.
    """
    if units <= 0:
        return 0
    if encoding is Encoding.UTF8:
        n = min(units, len(line))
        # Never split a multi-byte sequence: back up over continuation bytes.
        while 0 < n < len(line) and (line[n] & 0xC0) == 0x80:
            n -= 1
        return n
    if line.isascii():
        return min(units, len(line))
    text = line.decode("utf-8", errors="surrogatepass")
    count = 0
    for idx, ch in enumerate(text):
        width = 2 if (encoding is Encoding.UTF16 and ord(ch) > 0xFFFF) else 1
        if count + width > units:
            return len(text[:idx].encode("utf-8", errors="surrogatepass"))
        count += width
    return len(line)


def bytes_to_units(line: bytes, nbytes: int, encoding: Encoding) -> int:
    """Number of code units in the first ``nbytes`` bytes of ``line``."""
    prefix = line[: max(0, nbytes)]
    if encoding is Encoding.UTF8 or prefix.isascii():
        return len(prefix)
    text = prefix.decode("utf-8", errors="ignore")
    if encoding is Encoding.UTF32:
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def text_units(text: str, encoding: Encoding) -> int:
    """Length of ``text`` in code units of ``encoding``."""
    if encoding is Encoding.UTF8:
        return len(text.encode("utf-8", errors="surrogatepass"))
    if encoding is Encoding.UTF32 or text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class LineIndex:
    """Line table of a UTF-8 buffer, converting positions both ways."""

    __slots__ = ("data", "starts")

    def __init__(self, data: bytes, starts: list[int] | None = None) -> None:
        self.data = data
        self.starts = line_starts(data) if starts is None else starts

    def edited(self, new: bytes, start: int, old_end: int, new_end: int) -> LineIndex:
        """The line table after bytes ``start..old_end`` became ``start..new_end`` in ``new``.

        Only the edited region is rescanned: a line start depends on the byte before it
        (and, after a ``\\r``, the byte at it), so starts before ``start`` and after
        ``old_end`` survive, the latter shifted.
        """
        old = self.starts
        lo = bisect.bisect_left(old, start)  # old starts < start are untouched
        hi = bisect.bisect_right(old, old_end)  # old starts > old_end move by delta
        delta = new_end - old_end
        scan_from = max(start - 1, 0)
        middle = [0] if start == 0 else []
        middle += [
            scan_from + m.end()
            for m in _BREAK.finditer(new[scan_from : new_end + 1])
            if start <= scan_from + m.end() <= new_end
        ]
        tail = old[hi:]
        if delta:
            tail = [p + delta for p in tail]
        return LineIndex(new, old[:lo] + middle + tail)

    def line_content_end(self, line: int) -> int:
        """Byte offset of the end of ``line``'s content, before its line break."""
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.data)
        if end > self.starts[line] and self.data[end - 1] == 0x0A:
            end -= 1
        if end > self.starts[line] and self.data[end - 1] == 0x0D:
            end -= 1
        return end

    def line_bytes(self, line: int) -> bytes:
        return self.data[self.starts[line] : self.line_content_end(line)]

    def offset(self, pos: Pos, encoding: Encoding) -> int:
        """Byte offset of ``pos``; lines past the end clamp to the end of the text,
        characters past the end of a line clamp to the end of that line (LSP rule)."""
        if pos.line < 0:
            return 0
        if pos.line >= len(self.starts):
            return len(self.data)
        start = self.starts[pos.line]
        return start + units_to_bytes(self.line_bytes(pos.line), pos.character, encoding)

    def position(self, offset: int, encoding: Encoding) -> Pos:
        offset = max(0, min(offset, len(self.data)))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        col = min(offset, self.line_content_end(line)) - start
        return Pos(line, bytes_to_units(self.line_bytes(line), col, encoding))


def ts_point(data: bytes, offset: int) -> tuple[int, int]:
    """Tree-sitter point (row, byte column) of ``offset``: rows end at ``\\n`` only."""
    row = data.count(b"\n", 0, offset)
    col = offset - (data.rfind(b"\n", 0, offset) + 1)
    return (row, col)
