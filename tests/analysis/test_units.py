"""Splitting a document into analysis units (units.py): ownership, spans and virtual sources."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

from aurelis.analysis.units import split, virtual_source, walk_unit
from tests.analysis.rule_support import doc_of

SRC = '''\
"""Module doc."""
import os

X = 1


@decorator
def top(a):
    return a  # trailing


class Shop:
    """A shop."""

    items = []

    @property
    def size(self):
        return len(self.items)

    class Meta:
        ordering = 1

    def add(self, item): self.items.append(item)


class One: x = 1


if os.name == "nt":
    def windows():
        pass
'''


def kinds(src: str) -> list[tuple[str, str]]:
    doc = doc_of(src)
    return [(u.kind, doc.source[u.start : u.end].decode().splitlines()[0]) for u in split(doc)]


def test_units_are_functions_methods_class_shells_and_the_module_shell():
    assert kinds(SRC) == [
        ("module", '"""Module doc."""'),
        ("function", "@decorator"),
        ("class", "class Shop:"),
        ("method", "    @property"),
        ("method", "    def add(self, item): self.items.append(item)"),
        ("class", "class One: x = 1"),  # the body shares the header's line: one unit
    ]


def test_every_byte_belongs_to_exactly_one_unit():
    doc = doc_of(SRC)
    units = split(doc)
    for offset in range(len(doc.source)):
        owners = [u.kind for u in units if u.owns(offset)]
        assert len(owners) == 1, (offset, owners)
    shop = units[2]
    assert shop.holes == [(units[3].start, units[3].end), (units[4].start, units[4].end)]
    # the nested class and the functions under `if` stay in their shells
    assert b"class Meta" in b"".join(doc.source[s:e] for s, e in shop.own_spans())
    assert b"def windows" in b"".join(doc.source[s:e] for s, e in units[0].own_spans())


def test_walk_covers_own_nodes_only():
    doc = doc_of(SRC)
    module, top, shop, size, _add, _one = split(doc)

    def names(u):
        return {
            doc.source[n.start_byte : n.end_byte].decode() for n in walk_unit(u) if n.type == "identifier"
        }

    assert "a" in names(top) and "decorator" in names(top) and "len" not in names(top)
    assert {"items", "Meta", "ordering"} <= names(shop) and "len" not in names(shop)
    assert "len" in names(size) and "append" not in names(size)
    comments = [n for n in walk_unit(top) if n.type == "comment"]
    assert [doc.source[c.start_byte : c.end_byte] for c in comments] == [b"# trailing"]
    assert "windows" in names(module) and "top" not in names(module)


def test_virtual_sources_keep_line_numbers_and_give_a_method_its_class():
    doc = doc_of(SRC)
    module, _top, shop, size, _add, _ = split(doc)
    tree = ast.parse(virtual_source(doc, size))
    (cls,) = tree.body
    assert isinstance(cls, ast.ClassDef) and cls.name == "Shop" and cls.lineno == 12
    (method,) = cls.body
    assert method.name == "size" and method.lineno == 18 and method.decorator_list[0].lineno == 17
    shell = ast.parse(virtual_source(doc, shop)).body[0]
    assert [type(s).__name__ for s in shell.body] == ["Expr", "Assign", "ClassDef"]
    assert [s.__class__.__name__ for s in ast.parse(virtual_source(doc, module)).body] == [
        "Expr",
        "Import",
        "Assign",
        "If",
    ]


def test_a_class_of_methods_only_gets_a_pass_in_its_shell():
    doc = doc_of("class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        return 2\n")
    shell = split(doc)[1]
    assert shell.needs_pass
    cls = ast.parse(virtual_source(doc, shell)).body[0]
    assert [type(s).__name__ for s in cls.body] == ["Pass"]


def test_a_syntax_error_stays_in_its_unit():
    doc = doc_of("def f():\n    x = 1 +\n\ndef g():\n    return 1\n\n\ndef h(a=[]):\n    return a\n")
    assert doc.has_syntax_errors()
    units = split(doc)
    parsed = {doc.source[u.start : u.end].split(b"(")[0]: _parses(virtual_source(doc, u)) for u in units[1:]}
    assert parsed[b"def h"] is True  # the unit after the broken one is still analysed
    assert False in parsed.values()


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def test_real_files_split_into_units_whose_sources_parse_at_their_lines():
    lib = Path(sysconfig.get_paths()["stdlib"])
    for path in [
        lib / "asyncio" / "base_events.py",
        lib / "json" / "decoder.py",
        lib / "email" / "message.py",
    ]:
        doc = doc_of(path.read_text(encoding="utf-8"), str(path))
        units = split(doc)
        assert any(u.kind == "method" for u in units)
        for u in units:
            tree = ast.parse(virtual_source(doc, u))
            if u.kind in ("function", "method"):
                fn = tree.body[0] if u.kind == "function" else tree.body[0].body[0]
                first = fn.decorator_list[0].lineno if fn.decorator_list else fn.lineno
                assert doc.lines.starts[first - 1] == u.start
