"""Position <-> byte conversions for non-ASCII text and every line-break style."""

from __future__ import annotations

import pytest

from aurelis.workspace.positions import (
    Encoding,
    LineIndex,
    Pos,
    choose_encoding,
    line_starts,
    text_units,
    ts_point,
)

U8, U16 = Encoding.UTF8, Encoding.UTF16


def idx(text: str) -> LineIndex:
    return LineIndex(text.encode("utf-8"))


def test_choose_encoding_prefers_utf8_else_utf16():
    assert choose_encoding(["utf-16", "utf-8"]) is U8
    assert choose_encoding(["utf-32", "utf-16"]) is U16
    assert choose_encoding(None) is U16
    assert choose_encoding([]) is U16


def test_line_starts_all_break_styles():
    assert line_starts(b"a\r\nb\rc\nd") == [0, 3, 5, 7]
    assert line_starts(b"") == [0]
    assert line_starts(b"x\n") == [0, 2]
    assert line_starts(b"\r\n\r\n") == [0, 2, 4]


@pytest.mark.parametrize(
    ("text", "char16", "char8", "expected_prefix"),
    [
        ("héllo = 1", 2, 3, "hé"),  # 2-byte UTF-8, 1 UTF-16 unit
        ("名前 = 1", 2, 6, "名前"),  # CJK: 3 bytes, 1 unit each
        ("x = '😀y'", 7, 9, "x = '😀"),  # astral: 4 bytes, 2 UTF-16 units (surrogate pair)
        ("e\u0301 = 1", 2, 3, "e\u0301"),  # combining mark: its own code point
    ],
)
def test_offsets_for_non_ascii(text, char16, char8, expected_prefix):
    lines = idx(text)
    want = len(expected_prefix.encode("utf-8"))
    assert lines.offset(Pos(0, char16), U16) == want
    assert lines.offset(Pos(0, char8), U8) == want
    assert lines.position(want, U16) == Pos(0, char16)
    assert lines.position(want, U8) == Pos(0, char8)


def test_position_inside_surrogate_pair_moves_to_character_start():
    lines = idx("a😀b")
    # UTF-16 unit 2 is the low surrogate of 😀: clamp back to the start of the emoji.
    assert lines.offset(Pos(0, 2), U16) == 1
    # UTF-8 byte 3 is inside the 4-byte sequence: back up to its first byte.
    assert lines.offset(Pos(0, 3), U8) == 1


def test_crlf_line_content_excludes_break_and_clamps():
    text = "ab\r\ncd\r\n"
    lines = idx(text)
    assert lines.offset(Pos(1, 0), U16) == 4
    assert lines.offset(Pos(0, 99), U16) == 2  # past end of line -> before \r\n
    assert lines.offset(Pos(9, 0), U16) == len(text)  # past last line -> end of text
    assert lines.position(3, U16) == Pos(0, 2)  # the \n of \r\n belongs to line 0's break


def test_ts_point_counts_newlines_only():
    data = "a\r\nbé\nc".encode()
    assert ts_point(data, data.index(b"c")) == (2, 0)
    assert ts_point(data, data.index("é".encode()) + 2) == (1, 3)


def test_text_units():
    assert text_units("a😀", U16) == 3
    assert text_units("a😀", U8) == 5
    assert text_units("名", U16) == 1
