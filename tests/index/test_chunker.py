"""Tree-sitter chunking: qualified names, exact ranges, class summaries, windows, languages."""

from __future__ import annotations

from aurelis.index.chunker import ChunkOptions, chunk_source
from aurelis.index.names import split_identifier

PY = '''"""Module doc."""
import os

LIMIT = 3


class Store:
    """Keeps things."""

    size = 0

    @property
    def count(self):
        """How many."""
        return self.size

    def add(self, item,
            force=False):
        self.size += 1


def helper(x):
    return x * 2
'''


def _by_name(chunks):
    return {c.name: c for c in chunks}


def test_python_chunks_have_qualified_names_kinds_and_exact_ranges():
    src = PY.encode()
    chunks = chunk_source("pkg/store.py", src, "python")
    named = _by_name(chunks)
    assert set(named) == {
        "pkg.store",
        "pkg.store.Store",
        "pkg.store.Store.count",
        "pkg.store.Store.add",
        "pkg.store.helper",
    }
    assert named["pkg.store.Store"].kind == "class"
    assert named["pkg.store.Store.count"].kind == "method"
    assert named["pkg.store.helper"].kind == "function"
    for c in chunks:
        if c.kind != "module":
            assert src[c.start_byte : c.end_byte].decode() == c.text or c.kind == "class"
    count = named["pkg.store.Store.count"]
    assert count.text.startswith("@property\n    def count(self):")  # decorators belong to the chunk
    assert (count.start_line, count.start_col) == (11, 4)
    assert count.docstring == "How many."
    assert named["pkg.store.Store.add"].signature == "def add(self, item, force=False)"
    helper = named["pkg.store.helper"]
    assert (helper.start_line, helper.end_line, helper.end_col) == (21, 22, len("    return x * 2"))


def test_class_chunk_is_header_docstring_and_member_signatures():
    cls = _by_name(chunk_source("store.py", PY.encode(), "python"))["store.Store"]
    assert '"""Keeps things."""' in cls.text and "size = 0" in cls.text
    assert (
        "def count(self): ..." in cls.text
        and "def add(self, item,\n            force=False): ..." in cls.text
    )
    assert "return self.size" not in cls.text and "self.size += 1" not in cls.text


def test_module_level_code_goes_into_windows():
    mod = [c for c in chunk_source("store.py", PY.encode(), "python") if c.kind == "module"]
    assert len(mod) == 1
    assert mod[0].text == '"""Module doc."""\nimport os\nLIMIT = 3'
    many = "\n".join(f"X{i} = {i}" for i in range(25)) + "\n"
    windows = [c for c in chunk_source("c.py", many.encode(), "python", ChunkOptions(window_lines=10))]
    assert [(w.start_line, w.end_line) for w in windows] == [(0, 9), (10, 19), (20, 24)]


def test_oversize_function_is_split_into_overlapping_windows():
    body = "".join(f"    v{i} = {i}\n" for i in range(100))
    src = f"def big():\n{body}".encode()
    parts = chunk_source("b.py", src, "python", ChunkOptions(chunk_lines=40))
    assert [(p.part, p.start_line) for p in parts] == [(1, 0), (2, 30), (3, 60), (4, 90)]  # 40 lines, step 30
    assert all(p.name == "b.big" for p in parts)
    assert parts[0].start_line == 0 and parts[-1].end_line == 100
    assert parts[1].start_line < parts[0].end_line  # overlap
    assert len({p.id for p in parts}) == 4


def test_other_languages_through_their_grammars():
    js = (
        b"// Adds.\nexport function addItem(cart, item) { return cart.concat(item); }\n"
        b"class Cart {\n  total() { return 0; }\n}\nconst fmt = (c) => `${c}`;\n"
    )
    assert {(c.name, c.kind) for c in chunk_source("web/cart.js", js, "javascript")} >= {
        ("web.cart.addItem", "function"),
        ("web.cart.Cart", "class"),
        ("web.cart.Cart.total", "method"),
        ("web.cart.fmt", "function"),
    }
    assert _by_name(chunk_source("web/cart.js", js, "javascript"))["web.cart.addItem"].docstring == "Adds."
    ts = b"interface Shape { area(): number }\nfunction area(s: Shape): number { return s.area(); }\n"
    assert {c.name: c.kind for c in chunk_source("geo.ts", ts, "typescript")}["geo.Shape"] == "interface"
    go = b"package shop\n\ntype Cart struct{ n int }\n\nfunc (c *Cart) Add(x int) { c.n += x }\n"
    assert {c.name for c in chunk_source("cart.go", go, "go")} >= {"cart.Cart", "cart.Cart.Add"}
    rs = b"struct Cart { n: u32 }\nimpl Cart {\n    fn add(&mut self) { self.n += 1; }\n}\n"
    named = _by_name(chunk_source("src/cart.rs", rs, "rust"))
    assert named["cart.Cart.add"].kind == "method" and named["cart.Cart"].kind == "class"


def test_identifier_splitting():
    assert split_identifier("parseHTTPResponse_v2") == ["parse", "http", "response", "v", "2"]
    assert split_identifier("total_price") == ["total", "price"]
