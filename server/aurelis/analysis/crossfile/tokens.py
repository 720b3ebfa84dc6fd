"""Normalised token streams and their similarity, for near-duplicate detection.

A function is reduced to its token sequence with every identifier replaced by
``ID`` and every literal by ``STR``/``NUM``; keywords, operators and
punctuation stay. Two copies that differ only by renamed variables therefore
produce the same stream, and small edits cost only a few tokens of similarity.
Works on any tree-sitter grammar (node types are matched by shape, not per
language).
"""

from __future__ import annotations

import textwrap
from difflib import SequenceMatcher

from aurelis.analysis.syntax import walk
from aurelis.workspace import languages

_STRING_TYPES = {
    "string",
    "string_literal",
    "template_string",
    "interpreted_string_literal",
    "raw_string_literal",
    "char_literal",
    "rune_literal",
    "concatenated_string",
}
_NUMBER_TYPES = {
    "integer",
    "float",
    "number",
    "int_literal",
    "float_literal",
    "integer_literal",
    "imaginary_literal",
}


def _kind(node_type: str) -> str | None:
    """``ID``/``STR``/``NUM`` for a leaf-ish node type, else None (keep its text)."""
    if node_type in _STRING_TYPES:
        return "STR"
    if node_type in _NUMBER_TYPES:
        return "NUM"
    if node_type.endswith("identifier") or node_type == "identifier":
        return "ID"
    return None


def normalise(text: str, language: str = "python") -> list[str]:
    """The normalised token stream of ``text`` (a function's source).

    Comments are dropped; strings and numbers are not descended into (an
    f-string is one ``STR``). Unknown languages yield whitespace-split words.
    """
    text = textwrap.dedent(text)
    if not languages.supported(language):
        return text.split()
    source = text.encode("utf-8", "surrogatepass")
    tree = languages.parser(language).parse(source)
    out: list[str] = []
    skip_until = -1  # end byte of a literal whose children we must not emit
    for node in walk(tree.root_node):
        if node.start_byte < skip_until:
            continue
        t = node.type
        if "comment" in t:
            skip_until = node.end_byte
            continue
        kind = _kind(t)
        if kind is not None:
            out.append(kind)
            skip_until = node.end_byte
            continue
        if node.child_count == 0:
            tok = source[node.start_byte : node.end_byte].decode("utf-8", "replace")
            if tok.strip():
                out.append(tok)
    return out


def similarity(a: list[str], b: list[str]) -> float:
    """Similarity of two token streams in [0, 1] (difflib ratio: 2·matches / total)."""
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def similar_enough(a: list[str], b: list[str], threshold: float) -> float | None:
    """The similarity when it reaches ``threshold``, else None (checks cheap bounds first)."""
    if not a or not b:
        return None
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < threshold:  # length alone rules it out
        return None
    m = SequenceMatcher(None, a, b, autojunk=False)
    # cheap upper bounds first: most candidate pairs stop here
    if m.real_quick_ratio() < threshold or m.quick_ratio() < threshold:
        return None
    r = m.ratio()
    return r if r >= threshold else None
