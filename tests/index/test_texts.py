"""What the index embeds and tokenises for a chunk, and what it makes of a query."""

from __future__ import annotations

from collections import Counter

from aurelis.index import texts
from aurelis.index.chunker import chunk_source
from aurelis.index.texts import DenseOptions, LexicalOptions, QueryOptions

SRC = b"""import os


class HeaderMap:
    kind = "headers"

    @property
    def size(self):
        return len(self.items)

    def parse_header_links(self, value,
                           strict=False):
        out = []
        for part in value.split(","):
            out.append(part.strip())
        return out

    class Meta:
        ordering = 1


def send_file(path):
    return os.path.basename(path)
"""


def _chunks():
    return {c.name: c for c in chunk_source("pkg/headers.py", SRC, "python")}


def test_lexical_fields_count_the_own_name_and_the_owners_as_configured(monkeypatch):
    chunk = _chunks()["pkg.headers.HeaderMap.parse_header_links"]
    monkeypatch.setattr(texts, "LEXICAL", LexicalOptions(name_weight=5, owner_weight=1, path_weight=0))
    counts = Counter(texts.chunk_tokens(chunk))
    # "parse_header_links" is in the name 5 times and in the body once (its def line).
    assert counts["parse_header_links"] == 6
    assert counts["link"] == 6
    assert counts["headermap"] == 1  # the owner once; the body never says HeaderMap
    monkeypatch.setattr(texts, "LEXICAL", LexicalOptions(name_weight=1, owner_weight=0, path_weight=0))
    assert Counter(texts.chunk_tokens(chunk))["parse_header_links"] == 2


def test_the_name_leg_holds_the_own_name_twice_and_the_owner_and_nothing_of_the_body():
    method = _chunks()["pkg.headers.HeaderMap.parse_header_links"]
    counts = Counter(texts.name_tokens(method))
    assert counts == {"parse": 2, "header": 3, "link": 2, "parse_header_links": 2, "headermap": 1, "map": 1}
    # A top-level function's owner is its module.
    assert texts.name_tokens(_chunks()["pkg.headers.send_file"]) == ["send", "file", "send_file"] * 2 + [
        "header"
    ]


def test_a_class_leaves_its_members_names_to_the_members_when_configured(monkeypatch):
    cls = _chunks()["pkg.headers.HeaderMap"]
    monkeypatch.setattr(texts, "LEXICAL", LexicalOptions(members=True))
    with_members = set(texts.chunk_tokens(cls))
    assert {"parse_header_links", "size", "meta"} <= with_members
    monkeypatch.setattr(texts, "LEXICAL", LexicalOptions(members=False))
    without = Counter(texts.chunk_tokens(cls))
    # Members' signatures (decorated, multi-line, nested class) are gone; the header and
    # class attributes stay.
    assert not {"parse_header_links", "strict", "size", "property", "meta", "ordering"} & set(without)
    assert without["kind"] >= 1 and without["headermap"] >= 1
    # A method's own tokens are untouched by the option.
    method = _chunks()["pkg.headers.HeaderMap.parse_header_links"]
    assert "parse_header_links" in texts.chunk_tokens(method)


def test_query_markup_is_dropped_for_both_legs_when_configured(monkeypatch):
    q = "Create a :class:`~werkzeug.local.LocalProxy` for ``Content-Range`` via :meth:`bind`."
    assert texts.clean_query(q) == q  # off: the query as typed
    monkeypatch.setattr(texts, "QUERY", QueryOptions(markup=True))
    assert texts.clean_query(q) == "Create a werkzeug.local.LocalProxy for Content-Range via bind ."
    assert "class" not in texts.query_tokens(q) and "meth" not in texts.query_tokens(q)
    # Markup alone is still a query (nothing is emptied).
    assert texts.clean_query("``") == "``"


def test_the_embedded_query_carries_the_prefix_and_the_lexical_one_does_not(monkeypatch):
    q = "Parse the :class:`Link` header."
    assert texts.dense_query(q) == "def " + q
    monkeypatch.setattr(texts, "QUERY", QueryOptions(dense_prefix="snippet "))
    assert texts.dense_query(q) == "snippet " + q
    assert "snippet" not in texts.query_tokens(q)  # the prefix is the dense leg's only
    # An empty prefix leaves the (cleaned) query as it is.
    monkeypatch.setattr(texts, "QUERY", QueryOptions(markup=True, dense_prefix=""))
    assert texts.dense_query(q) == "Parse the Link header."


def test_question_words_leave_the_lexical_query_when_configured(monkeypatch):
    q = "how do I parse the header links"
    assert "how" in texts.query_tokens(q)
    monkeypatch.setattr(texts, "LEXICAL", LexicalOptions(query_stopwords=True))
    assert texts.query_tokens(q) == ["parse", "header", "link"]
    # A query made only of such words keeps them rather than searching for nothing.
    assert texts.query_tokens("what does it do") == ["what", "doe", "do"]


def test_dense_text_leads_with_what_the_code_is(monkeypatch):
    method = _chunks()["pkg.headers.HeaderMap.parse_header_links"]
    plain = texts.dense_text(method).splitlines()[0]
    assert plain == ("method pkg.headers.HeaderMap.parse_header_links (parse header links) in pkg/headers.py")
    monkeypatch.setattr(texts, "DENSE", DenseOptions(natural=True))
    lines = texts.dense_text(method).splitlines()
    assert lines[0] == "parse header links: method of header map, in pkg headers"
    assert lines[1].lstrip().startswith("def parse_header_links(")
    func = _chunks()["pkg.headers.send_file"]
    assert texts.dense_text(func).splitlines()[0] == "send file: function, in pkg headers"
