"""The search reranker: its features say what they claim, its tables are counted as claimed,
its weights file is checked, and the search keeps its contract with it on."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aurelis.index import rerank
from aurelis.index.chunk import Chunk
from aurelis.index.fusion import fuse
from aurelis.index.rerank import FEATURES, Candidate, Tables, features, learn_tables, load_model
from aurelis.index.texts import tokens
from tests.index.chunks import chunk


def row(x: np.ndarray, i: int, name: str) -> float:
    return float(x[i, FEATURES.index(name)])


def cands(*chunks: Chunk) -> list[Candidate]:
    return [Candidate(c, 1.0 - 0.1 * i, 0.5 - 0.01 * i, 0.0, 0.0) for i, c in enumerate(chunks)]


def test_the_query_words_in_a_name_and_their_abbreviations_count():
    said = chunk("m.iter_child_nodes", "def iter_child_nodes(self):\n    yield from self.nodes\n")
    other = chunk("m.find_all", "def find_all(self, kind):\n    return [n for n in self.nodes]\n")
    c = cands(other, said)
    x = features(
        "Iterates over all direct child nodes of the node.", c, [tokens(k.text) for k in (other, said)]
    )
    assert row(x, 1, "name_prefix_cov") == 1.0  # iter < iterates, child, node < nodes
    assert row(x, 0, "name_prefix_cov") == 0.0
    assert row(x, 1, "name_cov") > row(x, 0, "name_cov")
    assert row(x, 1, "yields_fit") == 1.0 and row(x, 0, "yields_fit") == -1.0


def test_a_description_that_says_return_fits_code_that_returns_a_value():
    returns = chunk("m.total", "def total(items):\n    return sum(items)\n")
    silent = chunk("m.log_total", "def log_total(items):\n    print(sum(items))\n")
    x = features("Return the total of the items.", cands(returns, silent), [[], []])
    assert row(x, 0, "returns_fit") == 1.0 and row(x, 1, "returns_fit") == -1.0
    x = features("Print the total of the items.", cands(returns, silent), [[], []])
    assert row(x, 0, "returns_fit") == 0.0 and row(x, 1, "returns_fit") == 0.0


def test_a_noun_phrase_fits_a_property_and_parameters_named_in_the_query_count():
    prop = chunk("m.Request.user_agent", "@property\ndef user_agent(self):\n    return self._ua\n", "method")
    plain = chunk("m.evolve", "def evolve(inst, **changes):\n    return inst\n")
    x = features("The user agent.", cands(prop, plain), [[], []])
    assert row(x, 0, "noun_property") == 1.0 and row(x, 1, "noun_property") == 0.0
    x = features("Create a new instance with *changes* applied.", cands(prop, plain), [[], []])
    assert row(x, 1, "params_said") == 0.5 and row(x, 0, "params_said") == 0.0  # changes, not inst


def test_body_coverage_is_weighted_by_idf():
    a = chunk("m.a", "def a():\n    return 1\n")
    b = chunk("m.b", "def b():\n    return 2\n")
    idf = {"rare": 5.0, "common": 0.1}
    x = features("rare common", cands(a, b), [["rare"], ["common"]], idf)
    assert row(x, 0, "body_cov") == pytest.approx(5.0 / 5.1)
    assert row(x, 1, "body_cov") == pytest.approx(0.1 / 5.1)


def test_a_candidate_missing_from_the_dense_leg_gets_the_floor_not_the_top():
    a, b = chunk("m.a", "def a():\n    pass\n"), chunk("m.b", "def b():\n    pass\n")
    c = [Candidate(a, 1.0, 0.8, 0.0, 0.0), Candidate(b, 0.9, None, 3.0, 0.0)]
    x = features("anything", c, [[], []])
    assert row(x, 0, "dense_gap") == 0.0
    assert row(x, 1, "dense_gap") == pytest.approx(0.0)  # floor = the only dense score there is
    c = [Candidate(a, 1.0, 0.8, 0.0, 0.0), Candidate(b, 0.9, 0.5, 0.0, 0.0), Candidate(b, 0.8, None, 1, 0)]
    x = features("anything", c, [[], [], []])
    assert row(x, 2, "dense_gap") == pytest.approx(-0.3)
    assert row(x, 2, "dense_rank") == 0.0 and row(x, 1, "lexical_rank") == 0.0


def test_tables_count_first_words_by_kind_and_word_pairs_beyond_shared_words():
    pairs = [(f"Represents a thing {i}.", "class", f"m.Thing{i}") for i in range(6)]
    pairs += [(f"Create a widget {i}.", "function", f"m.make_widget_{i}") for i in range(6)]
    t = learn_tables(pairs, min_count=5)
    assert t.kind["represents"]["class"] > 0 > t.kind["represents"]["function"]
    assert t.kind["create"]["function"] > 0 > t.kind["create"]["class"]
    assert t.words["create"]["make"] > 0  # a different word for the same act
    assert "widget" not in t.words.get("widget", {})  # the same word is the name features' job
    x = features(
        "Create a widget.",
        cands(
            chunk("m.make_widget", "def make_widget():\n    return 1\n"), chunk("m.W", "class W:\n", "class")
        ),
        [[], []],
        tables=t,
    )
    assert row(x, 0, "translation") > 0 and row(x, 1, "translation") == 0
    assert row(x, 0, "kind_fit") > 0 > row(x, 1, "kind_fit")


def test_weights_files_that_do_not_fit_leave_the_fused_order(tmp_path):
    load_model.cache_clear()
    try:
        assert load_model(tmp_path / "absent.json") is None
        bad = tmp_path / "bad.json"
        bad.write_text("{not json")
        assert load_model(bad) is None
        for tables in (
            [],
            {"kind": {"the": ["class"]}, "words": {}},
            {"kind": {}, "words": {"a": {"b": "x"}}},
        ):
            wrong = tmp_path / "wrong.json"
            w = [0.0] * len(FEATURES)
            wrong.write_text(json.dumps({"features": list(FEATURES), "weights": w, "tables": tables}))
            assert load_model(wrong) is None, tables  # a malformed table never reaches a search
        nan = tmp_path / "nan.json"
        nan.write_text(
            json.dumps(
                {
                    "features": list(FEATURES),
                    "weights": [float("nan")] * len(FEATURES),
                    "tables": {"kind": {}, "words": {}},
                }
            )
        )
        assert load_model(nan) is None
        other = tmp_path / "other.json"
        other.write_text(
            json.dumps({"features": ["x"], "weights": [1.0], "tables": {"kind": {}, "words": {}}})
        )
        assert load_model(other) is None
        good = tmp_path / "good.json"
        w = [0.0] * len(FEATURES)
        w[FEATURES.index("name_cov")] = 1.0
        good.write_text(
            json.dumps({"features": list(FEATURES), "weights": w, "tables": {"kind": {}, "words": {}}})
        )
        model = load_model(good)
        assert model is not None and model.tables == Tables({}, {})
        x = np.zeros((3, len(FEATURES)), dtype=np.float32)
        x[2, FEATURES.index("name_cov")] = 1.0
        assert model.order(x) == [2, 0, 1]  # ties keep the fused order
    finally:
        load_model.cache_clear()


def test_the_shipped_weights_load_and_fit_the_features():
    model = load_model(rerank.WEIGHTS)
    assert model is not None, (
        "server/aurelis/index/rerank_weights.json is missing or stale: run bench/search_train.py"
    )
    assert model.trees is not None, "the shipped reranker is the tree ensemble"
    x = np.random.default_rng(0).normal(size=(30, len(FEATURES)))
    s = model.trees.score(x)
    assert s.shape == (30,) and np.isfinite(s).all() and len(set(s.round(9))) > 1
    assert sorted(model.order(x)) == list(range(30))


def test_a_trees_file_is_checked_before_a_search_uses_it(tmp_path):
    leaf_only = {"roots": [0], "feature": [-1], "threshold": [0.0], "left": [0], "right": [0], "value": [0.0]}
    split = {
        "roots": [0],
        "feature": [FEATURES.index("name_cov")],
        "threshold": [0.5],
        "left": [1],
        "right": [2],
        "value": [0.0, 0.0, 1.0],
    }
    split = {
        k: v + [0] * (3 - len(v)) if k in ("feature", "threshold", "left", "right") else v
        for k, v in split.items()
    }
    split["feature"][1:] = [-1, -1]
    load_model.cache_clear()
    try:
        path = tmp_path / "trees.json"
        loop = dict(split, left=[0, 0, 0])  # a child before its parent could loop
        for trees in (leaf_only | {"value": [float("inf")]}, loop, dict(split, feature=[99, -1, -1]), [1, 2]):
            path.write_text(
                json.dumps({"features": list(FEATURES), "trees": trees, "tables": {"kind": {}, "words": {}}})
            )
            assert load_model(path) is None, trees
            load_model.cache_clear()
        path.write_text(
            json.dumps({"features": list(FEATURES), "trees": split, "tables": {"kind": {}, "words": {}}})
        )
        model = load_model(path)
        assert model is not None and model.trees is not None
        x = np.zeros((3, len(FEATURES)), dtype=np.float32)
        x[1, FEATURES.index("name_cov")] = 1.0  # > 0.5: the right leaf, score 1
        assert model.order(x) == [1, 0, 2]
    finally:
        load_model.cache_clear()


# -- in the real index (real model, real BM25) -------------------------------------------------
PREDICATES = {
    "paths/checks.py": """import os


def path_kind(path):
    kind = "file" if os.path.isfile(path) else "dir"
    print(kind)


def is_dir(path):
    return os.path.isdir(path)


class DirectoryWalker:
    def __init__(self, root):
        self.root = root

    def walk(self):
        yield from os.walk(self.root)
""",
}


@pytest.fixture
def index(built):
    """The index tests' workspace (real model, real BM25), plus a module of path predicates."""
    for rel, text in PREDICATES.items():
        path = built.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        assert built.update_file(path)
    return built


@pytest.mark.parametrize(
    "query",
    ["Return True if the path is a directory.", "send a parcel", "Walk the tree under the root.", "price"],
)
def test_the_second_stage_only_reorders_the_fused_pool(index, monkeypatch, query):
    from aurelis.index import service

    monkeypatch.setattr(service, "RERANK", False)
    fused = index.search(query, 30)
    monkeypatch.setattr(service, "RERANK", True)
    reranked = index.search(query, 30)
    assert {h.chunk_id for h in reranked} == {h.chunk_id for h in fused}  # nothing added, nothing lost
    scores = [h.score for h in reranked]
    assert scores == sorted(scores, reverse=True)  # callers may still cut by score
    x, chunks = index.candidates(query, load_model().tables)
    assert x.shape == (len(chunks), len(FEATURES)) and np.isfinite(x).all()


def test_a_predicate_query_finds_the_predicate_with_the_shipped_weights(index, monkeypatch):
    from aurelis.index import service

    query = "Return True if the path is a directory."
    x, chunks = index.candidates(query, load_model().tables)
    names = [c.name for c in chunks]
    at = {n: i for i, n in enumerate(names)}
    # what the features see: is_dir returns a value, path_kind prints one
    assert x[at["paths.checks.is_dir"], FEATURES.index("returns_fit")] == 1.0
    assert x[at["paths.checks.path_kind"], FEATURES.index("returns_fit")] == -1.0
    monkeypatch.setattr(service, "RERANK", True)
    assert index.search(query, 1)[0].name == "paths.checks.is_dir"


def test_a_pooled_result_whose_chunk_went_is_dropped_and_nothing_is_listed_twice(index, monkeypatch):
    monkeypatch.setattr(rerank, "POOL", 6)  # the small workspace has fewer chunks than the real pool
    query = "Return True if the path is a directory."
    dense, lexical, names = index._legs(query, "hybrid", 50, None)
    fused = fuse(dense, lexical, names)
    assert len(fused) > rerank.POOL  # the rest below the pool must follow the re-ordered pool
    ranked = [("gone.py::vanished#0", fused[0][1] + 1.0), *fused]  # removed between the legs and the pool
    out = index._reranked(query, ranked, dense, lexical, names)
    ids = [cid for cid, _ in out]
    assert len(ids) == len(set(ids))
    assert "gone.py::vanished#0" not in ids and set(ids) == {cid for cid, _ in fused}
    scores = [s for _, s in out]
    assert scores[: rerank.POOL - 1] == sorted(scores[: rerank.POOL - 1], reverse=True)
