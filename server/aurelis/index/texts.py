"""What is embedded and what is tokenised for each chunk, and for each query.

The dense text leads with what the code is (kind, qualified name, also split into words),
so the part that survives the model's token limit says it; then the code as written. The
lexical side is identifier sub-tokens (camelCase and snake_case split) plus the whole
identifiers, with the name's field weighted above the body's (a BM25F by repetition).

``DENSE``, ``LEXICAL`` and ``QUERY`` hold the choices; ``bench/search_quality.py`` swaps in
the variants it measures (a change was kept only when the test split showed a gain).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from aurelis.index.chunk import Chunk
from aurelis.index.names import humanize, module_name, split_identifier, words

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "self",
        "cls",
        "def",
        "return",
        "none",
        "true",
        "false",
    ]
)

# Words of a question or a description that name no code: dropped from the lexical query only.
QUERY_STOPWORDS = frozenset(
    [
        "how",
        "what",
        "which",
        "where",
        "when",
        "who",
        "why",
        "does",
        "do",
        "did",
        "can",
        "could",
        "should",
        "would",
        "i",
        "we",
        "you",
        "my",
        "our",
        "me",
        "there",
        "some",
        "any",
        "all",
        "given",
        "whether",
        "code",
        "function",
        "method",
        "find",
        "show",
    ]
)


@dataclass(frozen=True)
class DenseOptions:
    path: bool = True  # "in <relpath>"
    # "bind to environ: method of map, in werkzeug routing map" instead of the raw names
    natural: bool = False


@dataclass(frozen=True)
class LexicalOptions:
    name_weight: int = 8  # times the chunk's own name's tokens count (``bind_to_environ``)
    owner_weight: int = 2  # times its owners' (``werkzeug.routing.map.Map``)
    path_weight: int = 1
    body_weight: int = 1
    query_stopwords: bool = False  # drop QUERY_STOPWORDS from the lexical query
    members: bool = False  # a class's body tokens include its members' signatures (else: theirs only)


@dataclass(frozen=True)
class QueryOptions:
    markup: bool = False  # drop reST/Markdown markup (:class:`~x.Y`, ``code``, **bold**) from queries
    # Put before the query that is embedded (not the lexical leg's): "def " makes a description
    # look a little more like the code it is compared with (dev split: dense MRR@10 0.572 -> 0.600,
    # hybrid 0.632 -> 0.642; class-seeking queries gain too, 0.434 -> 0.450).
    dense_prefix: str = "def "


DENSE = DenseOptions()
LEXICAL = LexicalOptions()
QUERY = QueryOptions()

_MARKUP = re.compile(r":[a-z]+:(?=`)|`~|`+|\*\*|(?<=\w)\(\)")


def clean_query(query: str) -> str:
    """The query both legs see: markup removed when configured (``:meth:`bind``` -> ``bind``)."""
    if not QUERY.markup:
        return query
    return " ".join(_MARKUP.sub(" ", query).split()) or query


def dense_query(query: str) -> str:
    """The text of a query that is embedded."""
    return QUERY.dense_prefix + clean_query(query)


def dense_text(chunk: Chunk) -> str:
    o = DENSE
    if o.natural:
        head = natural_head(chunk)
    else:
        head = f"{chunk.kind} {chunk.name} ({humanize(chunk.name)})"
        if o.path:
            head += f" in {chunk.path}"
    parts = [head]
    if chunk.docstring and chunk.docstring not in chunk.text:
        parts.append(chunk.docstring)
    parts.append(chunk.text)
    return "\n".join(parts)


def dense_version() -> str:
    """What the stored vectors depend on besides the model: "" for the original dense text (so
    indexes built with it stay valid), a tag for each other (an index built otherwise is rebuilt)."""
    o = DENSE
    if not o.natural and o.path:
        return ""
    return "+text:natural" if o.natural else "+text:no-path"


def natural_head(chunk: Chunk) -> str:
    """``bind to environ: method of map, in werkzeug routing map`` (names in words)."""
    module = module_name(chunk.path)
    inner = chunk.name[len(module) + 1 :] if chunk.name.startswith(module + ".") else chunk.name
    owners, _, own = inner.rpartition(".")
    said = f"{humanize(own or chunk.name)}: {chunk.kind}"
    if owners:
        said += " of " + ", ".join(humanize(o) for o in owners.split("."))
    return f"{said}, in {' '.join(split_identifier(module.replace('.', '_')))}"


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for w in words(text):
        out.extend(_word_tokens(w))
    return out


def query_tokens(query: str) -> list[str]:
    """The lexical leg of a query: its sub-tokens, question words dropped when configured."""
    query = clean_query(query)
    if LEXICAL.query_stopwords:
        kept = [w for w in words(query) if w.lower() not in QUERY_STOPWORDS]
        return tokens(" ".join(kept)) or tokens(query)
    return tokens(query)


@functools.lru_cache(maxsize=1 << 18)
def _word_tokens(word: str) -> tuple[str, ...]:
    """Sub-tokens of one identifier (memoised: code repeats its identifiers a lot)."""
    subs = split_identifier(word)
    out = [_stem(s) for s in subs if len(s) > 1 and s not in STOPWORDS]
    if len(subs) > 1:
        out.append(word.lower())
    return tuple(out)


def chunk_tokens(chunk: Chunk) -> list[str]:
    # A match on what the code is called matters more than one in its body.
    o = LEXICAL
    owners, _, own = chunk.name.rpartition(".")
    fields = ((own, o.name_weight), (owners, o.owner_weight), (chunk.path, o.path_weight))
    out = [t for text, w in fields if w for t in tokens(text) * w]
    return out + tokens(f"{chunk.docstring} {_lexical_body(chunk, o)}") * o.body_weight


def name_tokens(chunk: Chunk) -> list[str]:
    """The name leg: the chunk's own name (twice) and its owner's last part (``Table`` of
    ``rich.table.Table.padding``, the module for a function), nothing of the body."""
    owners, _, own = chunk.name.rpartition(".")
    return tokens(own) * 2 + tokens(owners.rpartition(".")[2])


# A member as the chunker leaves it in its class: decorators, then a signature ending ": ..."
_MEMBER = re.compile(
    r"^[ \t]*(?:@[^\n]*\n[ \t]*)*(?:async[ \t]+)?(?:def|class)[ \t].*?:[ \t]*\.\.\.[ \t]*$", re.M | re.S
)


def _lexical_body(chunk: Chunk, o: LexicalOptions) -> str:
    text = chunk.text
    if not o.members and chunk.kind in ("class", "interface") and chunk.language == "python":
        head, _, rest = text.partition("\n")  # the header stays; members' signatures are theirs
        text = head + "\n" + _MEMBER.sub("", rest)
    return text


def _stem(word: str) -> str:
    """A light plural/gerund strip so "prices"/"price" and "parsing"/"parse" meet."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
