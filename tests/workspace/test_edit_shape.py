"""Edits told to tree-sitter at a cheaper equivalent place (edit_shape.py) still give
exactly the text the client asked for and a tree equal to a fresh parse."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from aurelis.workspace import languages
from aurelis.workspace.document import Change, Document
from aurelis.workspace.edit_shape import shape
from aurelis.workspace.positions import Encoding, Pos

REAL = Path(asyncio.__file__).parent / "base_events.py"  # a real, large module with a big class
PROBE = "    def _probe(self, value):\n        unused = value == None\n        return value\n\n"


def test_every_shaped_edit_gives_the_same_text():
    rng = random.Random(5)
    alphabet = [b"a", b"b", b" ", b"\n", b"\r\n", b"def ", "é".encode(), "😀".encode(), b"    ", b"#"]
    moved = 0
    for _ in range(50_000):
        old = b"".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        start = rng.randrange(len(old) + 1)
        end = start if rng.random() < 0.5 else rng.randrange(start, len(old) + 1)
        inserted = (
            b"" if rng.random() < 0.3 else b"".join(rng.choice(alphabet) for _ in range(rng.randrange(4)))
        )
        s, e, ins = shape(old, start, end, inserted)
        assert 0 <= s <= e <= len(old)
        assert old[:s] + ins + old[e:] == old[:start] + inserted + old[end:], (old, start, end, inserted)
        moved += (s, e) != (start, end)
    assert moved > 1000  # edits were really moved, not all left where they were


def test_a_method_inserted_at_a_line_start_is_placed_after_def():
    old = b"class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        pass\n"
    at = old.index(b"    def g")
    probe = PROBE.encode()
    s, e, ins = shape(old, at, at, probe)
    assert old[s - 3 : s] == b"def" and s == e  # inside the line, not at its start
    new = old[:at] + probe + old[at:]
    s, e, ins = shape(new, at, at + len(probe), b"")  # and removed again
    assert new[s - 3 : s] == b"def" and ins == b"" and e - s == len(probe)


def test_a_replacement_is_trimmed_to_what_changes():
    assert shape(b"x = value + 1\n", 0, 13, b"x = value + 2") == (12, 13, b"2")


def test_random_edits_on_a_real_file_keep_the_tree_equal_to_a_fresh_parse():
    text = REAL.read_text(encoding="utf-8")
    doc = Document(REAL.as_uri(), text, 1, "python", Encoding.UTF8)
    parser = languages.parser("python")
    rng = random.Random(11)
    pieces = [PROBE, "\n", "    ", "x", "# note\n", "):", "def f(self):\n        pass\n", ""]
    lines = text.splitlines(keepends=True)
    for i in range(300):
        line = rng.randrange(len(lines))
        col = 0 if rng.random() < 0.5 else rng.randrange(len(lines[line].encode()) + 1)
        end_line = line if rng.random() < 0.6 else min(len(lines) - 1, line + rng.randrange(4))
        end_col = col if end_line == line else 0
        piece = rng.choice(pieces)
        a, b = doc.offset_at(Pos(line, col)), doc.offset_at(Pos(end_line, end_col))
        expected = doc.source[:a] + piece.encode() + doc.source[b:]
        doc.apply_changes([Change(piece, Pos(line, col), Pos(end_line, end_col))], i + 2)
        assert doc.source == expected
        lines = doc.text.splitlines(keepends=True) or [""]
        if i % 10 == 0 or piece == PROBE:
            assert str(doc.tree.root_node) == str(parser.parse(doc.source).root_node), f"edit {i}"
    assert doc.incremental_parse_count == 300
