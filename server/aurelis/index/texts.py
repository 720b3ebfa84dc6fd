"""What is embedded and what is tokenised for each chunk, and for each query.

The dense text leads with the kind, qualified name (also split into words) and
path, so the part that survives the model's token limit says what the code is;
then the signature/docstring/body as written. The lexical side is identifier
sub-tokens (camelCase and snake_case split) plus the whole identifiers.
"""

from __future__ import annotations

import functools

from aurelis.index.chunk import Chunk
from aurelis.index.names import humanize, split_identifier, words

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


def dense_text(chunk: Chunk) -> str:
    head = f"{chunk.kind} {chunk.name} ({humanize(chunk.name)}) in {chunk.path}"
    parts = [head]
    if chunk.docstring and chunk.docstring not in chunk.text:
        parts.append(chunk.docstring)
    parts.append(chunk.text)
    return "\n".join(parts)


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for w in words(text):
        out.extend(_word_tokens(w))
    return out


@functools.lru_cache(maxsize=1 << 18)
def _word_tokens(word: str) -> tuple[str, ...]:
    """Sub-tokens of one identifier (memoised: code repeats its identifiers a lot)."""
    subs = split_identifier(word)
    out = [_stem(s) for s in subs if len(s) > 1 and s not in STOPWORDS]
    if len(subs) > 1:
        out.append(word.lower())
    return tuple(out)


def chunk_tokens(chunk: Chunk) -> list[str]:
    # The name counts twice: a match on what the code is called matters more.
    return tokens(f"{chunk.name} {chunk.name} {chunk.path} {chunk.docstring} {chunk.text}")


def _stem(word: str) -> str:
    """A light plural/gerund strip so "prices"/"price" and "parsing"/"parse" meet."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
