"""Where to tell tree-sitter an edit happened, among the equivalent places.

Inserting ``"    def g(self):\\n        ...\\n\\n"`` at the start of the line
``"    def f(self):"`` gives the same text as inserting
``"g(self):\\n        ...\\n\\n    def "`` right after that line's ``def``: an
insertion (or deletion) can slide along text that repeats around it. Which of
these places ``Tree.edit`` is told matters for speed, not for the result:
tree-sitter-python's indentation scanner keeps state that the tokens at a line
start depend on, so an edit there makes the incremental parse re-lex everything
up to the end of the enclosing class body (on flask's ``app.py`` ~3 ms, half a
fresh parse), while the same edit placed inside the line costs ~0.2 ms.

So the edit is first trimmed to the bytes that really change (a client may resend
a whole line) and a pure insertion or deletion is then slid, within a bounded
window, to the rightmost place that starts just after a non-blank byte of a line.
The new text is identical by construction, and tree-sitter's result for any true
description of an edit is a correct parse, so this changes only the time it takes.
"""

from __future__ import annotations

SLIDE_LIMIT = 512  # bytes an edit may slide either way: bounds the cost on repetitive text
_BLANK = frozenset(b" \t\r\n\f\v")


def shape(old: bytes, start: int, old_end: int, inserted: bytes) -> tuple[int, int, bytes]:
    """An equivalent edit ``(start, old_end, inserted)``: ``old[:start] + inserted + old[old_end:]``
    is unchanged; the range is trimmed and, when it is a pure insertion or deletion, placed
    where tree-sitter reparses it cheaply (see the module docstring)."""
    start, old_end, inserted = _trim(old, start, old_end, inserted)
    if inserted and start != old_end:
        return start, old_end, inserted  # a replacement has one place only
    if not inserted and start == old_end:
        return start, old_end, inserted  # no change at all
    return _slide(old, start, old_end, inserted)


def _trim(old: bytes, start: int, old_end: int, inserted: bytes) -> tuple[int, int, bytes]:
    """Drop the prefix and suffix that the replaced and the inserted bytes share."""
    if start == old_end or not inserted:
        return start, old_end, inserted
    i, j = common_ends(old[start:old_end], inserted)
    if i or j:
        start, old_end, inserted = start + i, old_end - j, inserted[i : len(inserted) - j]
    return start, old_end, inserted


def common_ends(old: bytes, new: bytes) -> tuple[int, int]:
    """(head, tail): ``new`` starts with ``old``'s first ``head`` bytes and ends with its last
    ``tail`` ones, ``head + tail`` within both lengths. Binary searches whose compares run in C,
    so a megabyte costs microseconds, not a Python loop over its bytes."""
    n = min(len(old), len(new))
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[lo:mid] == new[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    head = lo
    lo, hi = 0, n - head
    a, b = len(old), len(new)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[a - mid : a - lo] == new[b - mid : b - lo]:
            lo = mid
        else:
            hi = mid - 1
    return head, lo


def _slide(old: bytes, start: int, old_end: int, inserted: bytes) -> tuple[int, int, bytes]:
    """Slide a pure insertion (``start == old_end``) or deletion (``not inserted``).

    The moving piece is the inserted bytes, or the deleted ones. Slid to ``pos`` it is
    rotated by ``pos - start``; a step right is valid when the old byte just after it equals
    its first byte, a step left when the old byte just before it equals its last byte."""
    piece = inserted if inserted else old[start:old_end]
    width, gap = len(piece), old_end - start  # gap: the old bytes the piece covers (0 or width)
    lo = start
    while lo > 0 and start - lo < SLIDE_LIMIT and old[lo - 1] == piece[(lo - start - 1) % width]:
        lo -= 1
    hi = start
    while hi + gap < len(old) and hi - start < SLIDE_LIMIT and old[hi + gap] == piece[(hi - start) % width]:
        hi += 1
    for pos in range(hi, lo - 1, -1):  # the rightmost good place
        if (
            pos > 0
            and old[pos - 1] not in _BLANK
            and not _inside_char(old, pos)
            and not _inside_char(old, pos + gap)
        ):
            break
    else:
        return start, old_end, inserted
    if pos == start:
        return start, old_end, inserted
    if inserted:
        k = (pos - start) % width
        return pos, pos, inserted[k:] + inserted[:k]
    return pos, pos + width, b""


def _inside_char(data: bytes, pos: int) -> bool:
    """``pos`` falls between the bytes of one UTF-8 character."""
    return pos < len(data) and (data[pos] & 0xC0) == 0x80
