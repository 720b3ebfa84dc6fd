"""A learned second stage over the hybrid ranking's top candidates.

The fused ranking (dense + BM25 + names) misses what a reader sees at once: that the query's
words *are* the candidate's name, that "Return ..." describes a function that returns, that
"The user agent." describes a property. ``features`` turns each of the top ``POOL`` candidates
into a few such numbers; a score fitted by ``bench/search_train.py`` on libraries that are
neither the benchmark's dev nor its test split orders them: boosted regression trees
(LambdaMART, ``trees.py``) or a linear score (listwise softmax). The model ships in
``rerank_weights.json`` beside this module; without it, or for a file that is malformed or does
not match ``FEATURES``, the fused order stands.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aurelis.index.chunk import Chunk
from aurelis.index.names import words
from aurelis.index.texts import QUERY_STOPWORDS, STOPWORDS, tokens
from aurelis.index.trees import Trees

log = logging.getLogger(__name__)

POOL = 50  # candidates the second stage re-orders (the fused order stands below them)
WEIGHTS = Path(__file__).with_name("rerank_weights.json")


@dataclass(frozen=True)
class Candidate:
    chunk: Chunk
    fused: float  # score in the fused ranking
    dense: float | None  # cosine, None when the dense leg did not return it
    lexical: float  # BM25 over the whole chunk (0: not returned)
    names: float  # BM25 over the name alone (0: not returned)


FEATURES = (
    "fused",
    "fused_rank",
    "dense_gap",
    "dense_rank",
    "lexical",
    "lexical_rank",
    "names",
    "names_rank",
    "name_cov",
    "query_in_name",
    "owner_cov",
    "body_cov",
    "name_prefix_cov",
    "name_said",
    "params_said",
    "method",
    "function",
    "class",
    "module",
    "private",
    "dunder",
    "init",
    "log_lines",
    "window",
    "returns_fit",
    "yields_fit",
    "noun_property",
    "called_hook",
    "kind_fit",
    "translation",
    "bias",
    # read by the trees (a linear score cannot use them well): absolute levels and the pool
    "dense",
    "query_len",
    "name_len",
    "same_name",
    "owner_rank",
    "member_rank",
    "bool_fit",
    "raises_fit",
    "setter_fit",
    "create_fit",
    "classmethod",
    "staticmethod",
    # code the description names (``:meth:`close```, ````encoding````): usually code the target
    # uses or sits beside, not the target itself
    "refs",
    "ref_in_body",
    "ref_is_name",
    "ref_sibling",
)

_DEF = re.compile(r"^\s*(?:async\s+)?def\s+\w+\s*\((.*?)\)\s*(?:->[^:]*)?:", re.S)
_RETURN_VALUE = re.compile(r"^\s*return\s+\S", re.M)
_YIELD = re.compile(r"\byield\b")
_PROPERTY = re.compile(r"^\s*@(?:\w+\.)*(?:cached_)?property\b", re.M)
_ARTICLE = ("the", "a", "an")
_RETURN_WORDS = ("return", "returns", "get", "gets", "compute", "computes", "calculate", "calculates")
_YIELD_WORDS = frozenset(["iterate", "iterates", "iterator", "yield", "yields", "generator", "generate"])
_CONTENT_DROP = STOPWORDS | QUERY_STOPWORDS
_BOOL_WORDS = frozenset(["whether", "check", "checks", "is", "test", "tests", "determine", "determines"])
_BOOL_NAME = ("is_", "has_", "can_", "should_", "_is_", "_has_", "_can_")
_BOOL_RETURN = re.compile(r"^\s*return\s+(?:not\b|True\b|False\b|.*(?:==|!=|\bin\b|\bis\b|<|>))", re.M)
_RAISE_WORDS = frozenset(
    ["raise", "raises", "error", "exception", "validate", "validates", "ensure", "ensures"]
)
_RAISE = re.compile(r"^\s*raise\b", re.M)
_SET_WORDS = ("set", "sets", "update", "updates", "store", "stores")
_SELF_ASSIGN = re.compile(r"^\s*self\.\w+(?:\[[^\]]*\])?\s*=[^=]", re.M)
_CREATE_WORDS = (
    "create",
    "creates",
    "make",
    "makes",
    "build",
    "builds",
    "construct",
    "constructs",
    "alternative",
    "new",
)
_CREATE_NAME = ("from_", "create", "make", "build", "new")
_CLASSMETHOD = re.compile(r"^\s*@classmethod\b", re.M)
_STATICMETHOD = re.compile(r"^\s*@staticmethod\b", re.M)
# ``name``, `name`, :role:`~pkg.name`, :meth:`name()`: the last dotted part
_REF = re.compile(r"`+[~!.]?(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)(?:\(\))?`+")


def code_refs(query: str) -> set[str]:
    """The identifiers a description quotes as code, lowercased."""
    return {m.lower() for m in _REF.findall(query)}


def _content(toks: Sequence[str]) -> set[str]:
    return {t for t in toks if t not in _CONTENT_DROP}


@functools.lru_cache(maxsize=4096)
def _name_parts(name: str) -> tuple[frozenset[str], frozenset[str]]:
    owners, _, own = name.rpartition(".")
    owner = owners.rpartition(".")[2]
    return _parts(own), _parts(owner)


def _parts(identifier: str) -> frozenset[str]:
    """The identifier's sub-tokens. ``tokens`` adds the whole identifier for BM25; it would count
    twice beside its parts, but a one-word name (``wrap``, ``Text``) is its own only part."""
    parts = frozenset(tokens(identifier))
    return parts - {identifier.lower()} if len(parts) > 1 else parts


def _params(chunk: Chunk) -> set[str]:
    m = _DEF.match(chunk.signature or chunk.text)
    if not m:
        return set()
    out = set()
    for p in m.group(1).split(","):
        p = p.strip().lstrip("*").split(":")[0].split("=")[0].strip()
        if p and p not in ("self", "cls"):
            out.add(p.lower())
    return out


def _dense_key(c: Candidate) -> float:
    return c.dense + 10.0 if c.dense is not None else 0.0  # cosines are > -10; absent: unranked


def _lexical_key(c: Candidate) -> float:
    return c.lexical


def _names_key(c: Candidate) -> float:
    return c.names


def _ranks(candidates: Sequence[Candidate], key: Callable[[Candidate], float]) -> dict[int, int]:
    """Each candidate's rank (by ``id``) on one leg; those the leg did not return have none."""
    ordered = sorted(candidates, key=key, reverse=True)
    return {id(c): r for r, c in enumerate(ordered) if key(c) > 0}


def _translation(own: frozenset[str], trans: list[dict[str, float]]) -> float:
    """Mean over the name's sub-tokens of the best PMI any query word has with it."""
    if not own or not trans:
        return 0.0
    return sum(max((t.get(tok, 0.0) for t in trans), default=0.0) for tok in own) / len(own)


def _prefix_cov(own: frozenset[str], qtok: set[str]) -> float:
    """Share of the name's sub-tokens that abbreviate a query word or are abbreviated by one
    (``iter``/``iterates``, ``attr``/``attribute``, ``env``/``environment``)."""
    return sum(any(_abbreviates(t, q) for q in qtok) for t in own) / len(own)


KINDS = ("function", "method", "class", "module")


@dataclass(frozen=True)
class Tables:
    """What descriptions say about the code they describe, counted on the training pairs:
    ``kind``: log P(kind | the description's first word) minus log P(kind) ("Represents ..."
    describes a class, "Return ..." a function); ``words``: PMI of a description word and a
    name sub-token that is neither it nor its abbreviation ("create" / "make", "check" / "is")."""

    kind: dict[str, dict[str, float]]
    words: dict[str, dict[str, float]]


def learn_tables(pairs: Sequence[tuple[str, str, str]], min_count: int = 5) -> Tables:
    """``pairs``: (description, kind, qualified name) of each training target."""
    from collections import Counter

    first: Counter[str] = Counter()
    first_kind: Counter[tuple[str, str]] = Counter()
    kinds: Counter[str] = Counter()
    word_n: Counter[str] = Counter()
    tok_n: Counter[str] = Counter()
    both: Counter[tuple[str, str]] = Counter()
    for text, kind, name in pairs:
        qwords = _query_words(text)
        f = qwords[0] if qwords else ""
        first[f] += 1
        first_kind[(f, kind)] += 1
        kinds[kind] += 1
        own, _ = _name_parts(name)
        qtok = _content(tokens(text))
        for w in qtok:
            word_n[w] += 1
        for t in own:
            tok_n[t] += 1
            for w in qtok:
                if w != t and not _abbreviates(t, w):
                    both[(w, t)] += 1
    n = len(pairs) or 1
    kind_table: dict[str, dict[str, float]] = {}
    for f, c in first.items():
        if c < min_count:
            continue
        kind_table[f] = {
            k: round(math.log((first_kind[(f, k)] + 1) / (c + len(KINDS))) - math.log(kinds[k] / n + 1e-9), 3)
            for k in KINDS
            if kinds[k]
        }
    words: dict[str, dict[str, float]] = {}
    for (w, t), c in both.items():
        if c < min_count:
            continue
        pmi = math.log(c * n / (word_n[w] * tok_n[t]))
        if pmi > 0:
            words.setdefault(w, {})[t] = round(pmi, 3)
    return Tables(kind_table, words)


def _query_words(query: str) -> list[str]:
    return [w.lower() for w in words(query)]


def _abbreviates(t: str, q: str) -> bool:
    return t == q or (len(t) >= 3 and len(q) >= 3 and (q.startswith(t) or t.startswith(q)))


def features(
    query: str,
    candidates: Sequence[Candidate],
    body_tokens: Sequence[Sequence[str]],
    idf: dict[str, float] | None = None,
    tables: Tables | None = None,
) -> np.ndarray:
    """One row of ``FEATURES`` per candidate (``body_tokens``: each candidate's lexical tokens;
    ``idf``: the query tokens' idf in the folder, weighting the body's coverage)."""
    qwords = _query_words(query)
    qset = set(qwords)
    qtok = _content(tokens(query)) or set(tokens(query))
    idf = idf or {}
    qweight = {t: idf.get(t, 0.0) for t in qtok}
    qtotal = sum(qweight.values()) or 1.0
    first = qwords[0] if qwords else ""
    noun = first in _ARTICLE
    hook = "called" in qset or "hook" in qset
    kind_fit = tables.kind.get(first, {}) if tables else {}
    trans = [tables.words[w] for w in qtok if w in tables.words] if tables else []
    n = len(candidates)
    dense_vals = [c.dense for c in candidates if c.dense is not None]
    top_dense = max(dense_vals) if dense_vals else 0.0
    floor = min(dense_vals) if dense_vals else 0.0
    max_lex = max((c.lexical for c in candidates), default=0.0) or 1.0
    max_names = max((c.names for c in candidates), default=0.0) or 1.0
    max_fused = max((c.fused for c in candidates), default=0.0) or 1.0
    rank_of = {
        "dense": _ranks(candidates, _dense_key),
        "lexical": _ranks(candidates, _lexical_key),
        "names": _ranks(candidates, _names_key),
    }
    first_at: dict[str, int] = {}  # each qualified name's best place in the pool
    member_at: dict[str, int] = {}  # each owner's best-placed member
    short_count: dict[str, int] = {}
    for i, c in enumerate(candidates):
        first_at.setdefault(c.chunk.name, i)
        member_at.setdefault(c.chunk.name.rpartition(".")[0], i)
        short_count[c.chunk.short_name] = short_count.get(c.chunk.short_name, 0) + 1
    pool_names = {name.lower() for name in first_at}
    says_bool = first in _BOOL_WORDS or "whether" in qset or ("true" in qset and "if" in qset)
    says_raise = bool(qset & _RAISE_WORDS)
    says_set = first in _SET_WORDS
    says_create = first in _CREATE_WORDS or "constructor" in qset
    refs = code_refs(query)
    rows = np.zeros((n, len(FEATURES)), dtype=np.float32)
    for i, (c, body) in enumerate(zip(candidates, body_tokens, strict=True)):
        own, owner = _name_parts(c.chunk.name)
        owner_name = c.chunk.name.rpartition(".")[0]
        short = c.chunk.short_name
        lines = c.chunk.end_line - c.chunk.start_line + 1
        params = _params(c.chunk) if c.chunk.kind in ("function", "method") else set()
        body_set = set(body)
        text = c.chunk.text
        classmethod_ = bool(_CLASSMETHOD.search(text))
        rows[i] = (
            c.fused / max_fused,
            1.0 / (1 + i),
            (c.dense if c.dense is not None else floor) - top_dense,
            1.0 / (1 + rank_of["dense"][id(c)]) if id(c) in rank_of["dense"] else 0.0,
            c.lexical / max_lex,
            1.0 / (1 + rank_of["lexical"][id(c)]) if id(c) in rank_of["lexical"] else 0.0,
            c.names / max_names,
            1.0 / (1 + rank_of["names"][id(c)]) if id(c) in rank_of["names"] else 0.0,
            len(own & qtok) / len(own) if own else 0.0,
            len(own & qtok) / len(qtok) if qtok else 0.0,
            len(owner & qtok) / len(owner) if owner else 0.0,
            sum(w for t, w in qweight.items() if t in body_set) / qtotal,
            _prefix_cov(own, qtok) if own else 0.0,
            1.0 if short.lower() in qset else 0.0,
            len(params & qset) / len(params) if params else 0.0,
            c.chunk.kind == "method",
            c.chunk.kind == "function",
            c.chunk.kind in ("class", "interface"),
            c.chunk.kind == "module",
            short.startswith("_") and not short.startswith("__"),
            short.startswith("__") and short.endswith("__"),
            short == "__init__",
            math.log1p(max(lines, 1)),
            c.chunk.part > 0,
            (first in _RETURN_WORDS) * (1.0 if _RETURN_VALUE.search(text) else -1.0),
            (bool(qset & _YIELD_WORDS)) * (1.0 if _YIELD.search(text) else -1.0),
            noun * (1.0 if _PROPERTY.search(text) else 0.0),
            hook * (1.0 if short.startswith(("on_", "_on_", "handle")) or short.startswith("__") else 0.0),
            kind_fit.get("class" if c.chunk.kind == "interface" else c.chunk.kind, 0.0),
            _translation(own, trans),
            1.0,
            c.dense if c.dense is not None else floor,
            math.log1p(len(qtok)),
            len(own),
            math.log1p(short_count[short] - 1),
            1.0 / (1 + first_at[owner_name]) if owner_name in first_at else 0.0,
            1.0 / (1 + member_at[c.chunk.name]) if c.chunk.name in member_at else 0.0,
            says_bool * (1.0 if short.lower().startswith(_BOOL_NAME) or _BOOL_RETURN.search(text) else -1.0),
            says_raise * (1.0 if _RAISE.search(text) else -1.0),
            says_set * (1.0 if _SELF_ASSIGN.search(text) else -1.0),
            says_create * (1.0 if short.lower().startswith(_CREATE_NAME) or classmethod_ else -1.0),
            classmethod_,
            1.0 if _STATICMETHOD.search(text) else 0.0,
            math.log1p(len(refs)),
            len(refs & body_set) / len(refs) if refs else 0.0,
            short.lower() in refs,
            any(f"{owner_name}.{r}".lower() in pool_names for r in refs - {short.lower()}),
        )
    return rows


@dataclass(frozen=True)
class Model:
    score: Callable[[np.ndarray], np.ndarray]  # feature rows -> a score each: the trees', or linear
    tables: Tables
    trees: Trees | None = None  # the ensemble behind ``score`` (the shipped kind), if it is one

    def order(self, x: np.ndarray) -> list[int]:
        """Candidate indices, best first (ties keep the fused order)."""
        s = self.score(x)
        return sorted(range(len(s)), key=lambda i: (-float(s[i]), i))


@functools.lru_cache(maxsize=1)
def load_model(path: Path = WEIGHTS) -> Model | None:
    """The shipped model, or None (the fused order stands) when absent, malformed or for other
    features."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = data["features"]
        tables = Tables(_table(data["tables"]["kind"]), _table(data["tables"]["words"]))
        if tuple(names) != FEATURES:
            log.warning("search reranker weights are for other features: fused order")
            return None
        if "trees" in data:
            trees = Trees.parse(data["trees"], len(FEATURES))
            return Model(trees.score, tables, trees)
        weights = np.asarray(data["weights"], dtype=np.float32)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("no search reranker (%s): fused order", exc)
        return None
    if weights.shape != (len(FEATURES),) or not np.isfinite(weights).all():
        log.warning("search reranker weights are for other features: fused order")
        return None
    return Model(lambda x: x @ weights, tables)


def _table(raw: object) -> dict[str, dict[str, float]]:
    """A {word: {key: number}} table as read from JSON; TypeError for any other shape."""
    if not isinstance(raw, dict):
        raise TypeError("a table is not an object")
    out: dict[str, dict[str, float]] = {}
    for word, row in raw.items():
        if not isinstance(row, dict):
            raise TypeError(f"the table's row {word!r} is not an object")
        out[str(word)] = {str(k): float(v) for k, v in row.items()}
    return out
