"""The lexical legs of a folder: BM25 over the whole chunk and over its name alone."""

from __future__ import annotations

from aurelis.index.chunker import chunk_source
from aurelis.index.lexical import ChunkLexicon
from aurelis.index.texts import query_tokens

SRC = b"""
def padding(self):
    return self._padding


def render_cells(table, width):
    cells = []
    for cell in table.cells:
        cell_width = width - cell.padding_left - cell.padding_right
        cells.append(cell.render(cell_width, cell.padding))
    return cells
"""


def test_the_name_leg_finds_the_short_function_the_long_body_outscores():
    lex = ChunkLexicon()
    chunks = {c.name.rsplit(".", 1)[-1]: c for c in chunk_source("pkg/table.py", SRC, "python")}
    for c in chunks.values():
        lex.set(c.id, c)
    whole, names = lex.search(query_tokens("Get cell padding."), 10)
    # The whole-chunk leg favours the body that says cell and padding again and again...
    assert whole[0][0] == chunks["render_cells"].id
    # ...the name leg knows which one is called padding.
    assert names[0][0] == chunks["padding"].id

    lex.remove(chunks["padding"].id)
    whole, names = lex.search(query_tokens("Get cell padding."), 10)
    assert chunks["padding"].id not in dict(whole) | dict(names)
    # The allowed set filters both legs.
    lex.set(chunks["padding"].id, chunks["padding"])
    whole, names = lex.search(query_tokens("Get cell padding."), 10, allowed={chunks["padding"].id})
    assert [c for c, _ in whole] == [c for c, _ in names] == [chunks["padding"].id]
