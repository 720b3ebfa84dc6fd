"""The document model: incremental edits keep the tree equal to a fresh parse."""

from __future__ import annotations

from aurelis.workspace import languages
from aurelis.workspace.document import Change, Document
from aurelis.workspace.positions import Encoding, Pos


def fresh_sexp(doc: Document) -> str:
    return str(languages.parser(doc.language_id).parse(doc.source).root_node)


def test_incremental_edit_reuses_tree_and_matches_fresh_parse():
    doc = Document("file:///m.py", "def f(a):\n    return a\n", 1, "python")
    doc.apply_changes([Change("a, b", Pos(0, 6), Pos(0, 7))], 2)
    doc.apply_changes([Change(" + b", Pos(1, 12), Pos(1, 12))], 3)
    assert doc.text == "def f(a, b):\n    return a + b\n"
    assert doc.version == 3
    assert doc.incremental_parse_count == 2
    assert str(doc.tree.root_node) == fresh_sexp(doc)


def test_whole_document_change_is_a_full_parse():
    doc = Document("file:///m.py", "x = 1\n", 1, "python")
    doc.apply_changes([Change("class A:\n    pass\n")], 2)
    assert doc.incremental_parse_count == 0
    assert "class_definition" in str(doc.tree.root_node)


def test_syntax_error_never_breaks_the_model():
    doc = Document("file:///m.py", "def f(:\n    return (\n", 1, "python")
    assert doc.has_syntax_errors()
    doc.apply_changes([Change("x):\n    return 1\n", Pos(0, 6), Pos(2, 0))], 2)
    assert doc.text == "def f(x):\n    return 1\n"
    assert not doc.has_syntax_errors()
    assert str(doc.tree.root_node) == fresh_sexp(doc)


def test_crlf_and_emoji_edits_in_utf16():
    doc = Document("file:///m.py", "s = '😀'\r\nt = 2\r\n", 1, "python", Encoding.UTF16)
    # replace the emoji (2 UTF-16 units at chars 5..7) with CJK
    doc.apply_changes([Change("名", Pos(0, 5), Pos(0, 7))], 2)
    doc.apply_changes([Change("\r\nu = 3", Pos(1, 5), Pos(1, 5))], 3)
    assert doc.text == "s = '名'\r\nt = 2\r\nu = 3\r\n"
    assert str(doc.tree.root_node) == fresh_sexp(doc)


def test_languages_by_id_and_extension():
    assert Document("file:///a.go", "package main\n").language_id == "go"
    assert Document("file:///a.rs", "fn main() {}\n").language_id == "rust"
    assert Document("file:///a.tsx", "const a = <b/>;\n").language_id == "typescriptreact"
    assert Document("file:///a.txt", "hello").tree is None  # unsupported: text only, no crash
    js = Document("file:///x", "function f() {}", language_id="javascript")
    assert "function_declaration" in str(js.tree.root_node)


def test_invalid_utf8_and_lone_surrogates_do_not_crash():
    doc = Document("file:///m.py", "x = '\ud800'\n", 1, "python")  # lone surrogate from a UTF-16 client
    assert doc.tree is not None
    doc.apply_changes([Change("y", Pos(0, 0), Pos(0, 1))], 2)
    assert doc.text.startswith("y = ")


def test_line_table_updated_in_place_matches_a_rescan():
    import random

    from aurelis.workspace.positions import line_starts

    rng = random.Random(7)
    pieces = ["a", "\n", "\r", "\r\n", "é", "😀", "xy", ""]
    doc = Document("file:///m.txt", "ab\r\ncd\nef\rgh\r\n", 1, "plaintext")
    for i in range(3000):
        n = doc.line_count
        a = Pos(rng.randrange(n + 1), rng.randrange(6))
        b = Pos(rng.randrange(n + 1), rng.randrange(6))
        if (b.line, b.character) < (a.line, a.character):
            a, b = b, a
        doc.apply_changes([Change("".join(rng.choice(pieces) for _ in range(rng.randrange(4))), a, b)], i)
        assert doc.lines.starts == line_starts(doc.source), f"line table wrong after edit {i}: {doc.source!r}"


def test_a_queue_of_changes_is_one_reparse_and_matches_a_fresh_parse():
    doc = Document("file:///m.py", "def f(a):\n    return a\n", 1, "python")
    changes = [Change(ch, Pos(1, 12 + i), Pos(1, 12 + i)) for i, ch in enumerate(" + 1")]
    changes.append(Change("b", Pos(0, 6), Pos(0, 7)))
    doc.apply_changes(changes, 2)
    assert doc.text == "def f(b):\n    return a + 1\n"
    assert doc.incremental_parse_count == 1
    assert str(doc.tree.root_node) == fresh_sexp(doc)


def test_changes_before_a_whole_text_replacement_are_skipped():
    doc = Document("file:///m.py", "x = 1\n", 1, "python")
    doc.apply_changes(
        [Change("junk", Pos(0, 0), Pos(0, 1)), Change("y = 2\n"), Change("z", Pos(0, 0), Pos(0, 1))], 2
    )
    assert doc.text == "z = 2\n"
    assert str(doc.tree.root_node) == fresh_sexp(doc)


def test_oversized_document_is_text_only_until_it_shrinks():
    doc = Document("file:///m.py", "x = 1\n" * 100, 1, "python", max_bytes=300)
    assert doc.oversized and doc.tree is None and doc.parse_count == 0
    doc.apply_changes([Change("y", Pos(0, 0), Pos(0, 1))], 2)
    assert doc.text.startswith("y = 1\n") and doc.tree is None
    doc.apply_changes([Change("def f():\n    pass\n")], 3)
    assert not doc.oversized and str(doc.tree.root_node) == fresh_sexp(doc)
    doc.apply_changes([Change("x = 1\n" * 100, Pos(2, 0), Pos(2, 0))], 4)
    assert doc.oversized and doc.tree is None
