"""Fit the search reranker (``aurelis/index/rerank.py``) and write its model file.

Fitted on the ``train`` libraries of ``bench/search_quality.py`` only (installed from pinned
sdists like the others; neither the dev nor the test split): their functions', methods' and
classes' first docstring sentences are the queries, as in the benchmark, all kinds together so
that the reranker does not learn that every target is a function. The tables (first word ->
kind, description word -> name sub-token) are counted on the training pairs; the training rows
see tables counted without their own library (as a new workspace would), the shipped file has
tables from all of them. The model: LambdaMART trees (lightgbm, the ``bench`` extra; 800 trees of
15 leaves: 300 were as good with 25 train libraries, with 30 dev goes 0.701 -> 0.708; monotone in
the features whose direction is known, checked against lightgbm's own predictions before it is
written), or with ``--linear`` a linear score (listwise softmax, L2).
The training queries include targets of any length (``TRAIN_MIN_LINES``), not only the
benchmark's >= 3 lines. Queries from train libraries the model's tuning never saw
(``Library.tuned`` False) weigh ``UNTUNED_WEIGHT`` times as much as the others (the trees' only
view of how well the dense leg does on code the model has not met).

    pip install -e '.[bench]'
    .venv/bin/python bench/search_train.py             # writes server/aurelis/index/rerank_weights.json
    .venv/bin/python bench/search_train.py --dry-run   # fit and report on dev, write nothing
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_quality as sq

ALL_KINDS = ("function", "method", "class")
# The benchmark scores only targets of >= 3 lines; trained on those alone, the trees learned that
# short code is never the answer and ranked a two-line predicate below anything longer. Users ask
# for short code too: the training queries include every documented target (dev +0.004 as well).
TRAIN_MIN_LINES = 1


def training_pairs(cache: Path) -> dict[str, list]:
    """Per train library: (query, kind, path, qualified name) of each target."""
    from aurelis.index.chunker import chunk_source

    out: dict[str, list] = {}
    for lib in sq.LIBRARIES:
        if lib.split != "train":
            continue
        corpus, queries = sq.prepare(lib, cache, ALL_KINDS, TRAIN_MIN_LINES)
        kinds: dict[str, dict[str, str]] = {}
        rows = out.setdefault(lib.name, [])
        for q in queries:
            if q.path not in kinds:
                source = (corpus / q.path).read_bytes()
                kinds[q.path] = {c.name: c.kind for c in chunk_source(q.path, source, "python")}
            rows.append((q.text, kinds[q.path].get(q.name, "function"), q.path, q.name))
    return out


def feature_rows(libs, cache: Path, pairs: dict[str, list], tables_for, kinds, min_lines: int = 3) -> list:
    """(features, positives) of each query whose target is among the candidates."""
    from aurelis.index.service import WorkspaceIndex

    settings, emb = sq.make_embedder()
    emb.load()
    sq.remember_queries(emb)
    rows = []
    with tempfile.TemporaryDirectory(prefix="aurelis-train-") as tmp:
        for lib in libs:
            corpus, queries = sq.prepare(lib, cache, kinds, min_lines)
            idx = WorkspaceIndex(corpus, settings, emb, index_dir=Path(tmp) / lib.name)
            idx.build()
            tables = tables_for(lib.name)
            for q in queries:
                x, chunks = idx.candidates(q.text, tables)
                y = np.array([(c.path, c.name) == (q.path, q.name) for c in chunks])
                rows.append((x, [(c.path, c.name) for c in chunks], y))
            print(f"  {lib.name:<15} {len(queries):5d} queries", flush=True)
    return rows


def fit(rows, lam: float = 1e-3, epochs: int = 400, lr: float = 0.05) -> np.ndarray:
    """Linear weights by Adam on the mean listwise softmax loss (+ lam/2 |w|^2). The lists are
    padded to one length (padding masked out) so that each epoch is a few array operations."""
    data = [(x.astype(np.float64), y) for x, _, y in rows if y.any()]
    n, f = len(data), data[0][0].shape[1]
    width = max(len(y) for _, y in data)
    xs = np.zeros((n, width, f))
    ys = np.zeros((n, width))
    real = np.zeros((n, width), dtype=bool)
    for i, (x, y) in enumerate(data):
        xs[i, : len(y)] = x
        ys[i, : len(y)] = y
        real[i, : len(y)] = True
    w, m, v = np.zeros(f), np.zeros(f), np.zeros(f)
    for ep in range(1, epochs + 1):
        z = np.where(real, xs @ w, -np.inf)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        t = ys * p  # the loss is -log P(any of the target's windows)
        t /= t.sum(axis=1, keepdims=True)
        g = np.einsum("nk,nkf->f", p - t, xs) / n + lam * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**ep)) / (np.sqrt(v / (1 - 0.999**ep)) + 1e-8)
    return w


# Lists from the libraries the model's tuning never saw (``Library.tuned`` False) count this many
# times: their dense scores are as good as a new workspace's, while the tuned libraries' are better
# than that (the model learned those very pairs). Dev MRR@10 0.709 / 0.711 / 0.711 at 1 / 2 / 3,
# classes 0.736 / 0.731 / 0.735 (docs/search-quality.md, sixth round).
UNTUNED_WEIGHT = 3.0


# Features whose direction is known: more of them never makes a candidate worse, all else equal.
# The trees keep to that on pools unlike the training ones (a small workspace); dev +0.002.
INCREASING = (
    "fused",
    "dense_gap",
    "dense_rank",
    "dense",
    "body_cov",
    "name_prefix_cov",
    "params_said",
    "returns_fit",
    "yields_fit",
    "noun_property",
    "kind_fit",
    "translation",
    "bool_fit",
    "raises_fit",
    "setter_fit",
    "create_fit",
)


def fit_trees(rows, leaves: int = 15, trees: int = 800, lr: float = 0.05, weights=None):
    """A LambdaMART ensemble (lightgbm; the ``bench`` extra) on the same lists; ``weights``: one
    per list (default 1), multiplying its gradients."""
    try:
        import lightgbm
    except ImportError:
        raise SystemExit("the trees need lightgbm: pip install -e '.[bench]' (or --linear)") from None

    from aurelis.index.rerank import FEATURES

    weights = [1.0] * len(rows) if weights is None else weights
    data = [(x, y, w) for (x, _, y), w in zip(rows, weights, strict=True) if y.any()]
    model = lightgbm.LGBMRanker(
        objective="lambdarank",
        n_estimators=trees,
        learning_rate=lr,
        num_leaves=leaves,
        min_child_samples=50,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        lambdarank_truncation_level=10,
        monotone_constraints=[int(f in INCREASING) for f in FEATURES],
        monotone_constraints_method="intermediate",
        random_state=0,
        n_jobs=os.cpu_count() or 1,
        verbose=-1,
    )
    model.fit(
        np.concatenate([x for x, _, _ in data]),
        np.concatenate([y for _, y, _ in data]).astype(int),
        sample_weight=np.concatenate([np.full(len(y), w) for _, y, w in data]),
        group=[len(y) for _, y, _ in data],
    )
    return model


def flat_trees(model) -> dict[str, list]:
    """The ensemble as ``aurelis.index.trees.Trees`` reads it: nodes in pre-order (children after
    their parent), leaves with feature -1."""
    out: dict[str, list] = {k: [] for k in ("roots", "feature", "threshold", "left", "right", "value")}

    def add(node: dict) -> int:
        i = len(out["feature"])
        for k in ("feature", "threshold", "left", "right", "value"):
            out[k].append(0)
        if "leaf_value" in node:
            out["feature"][i], out["value"][i] = -1, float(node["leaf_value"])
            return i
        if node["decision_type"] != "<=" or node.get("missing_type") not in (None, "None"):
            raise SystemExit(
                f"a split this evaluator does not know: {node['decision_type']}, {node.get('missing_type')}"
            )
        out["feature"][i], out["threshold"][i] = int(node["split_feature"]), float(node["threshold"])
        out["left"][i] = add(node["left_child"])
        out["right"][i] = add(node["right_child"])
        return i

    for tree in model.booster_.dump_model()["tree_info"]:
        out["roots"].append(add(tree["tree_structure"]))
    return out


def mrr(rows, score=None) -> float:
    """MRR@10 over (path, name) results, as the search returns them (windows merged); ``score``
    maps a list's feature rows to scores (None: the fused order)."""
    rr = []
    for x, keys, y in rows:
        if score is None:
            order: Iterable[int] = range(len(keys))
        else:
            s = score(x)
            order = sorted(range(len(keys)), key=lambda i: (-float(s[i]), i))
        seen: list = []
        rank = None
        for i in order:
            if keys[i] in seen:
                continue
            seen.append(keys[i])
            if y[i]:
                rank = len(seen) - 1
                break
            if len(seen) >= 10:
                break
        rr.append(0.0 if rank is None else 1.0 / (rank + 1))
    return float(np.mean(rr))


def main() -> int:
    from aurelis.index import rerank, service

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "aurelis-bench")
    ap.add_argument("--lam", type=float, default=1e-3)
    ap.add_argument("--linear", action="store_true", help="a linear score instead of the trees")
    ap.add_argument("--out", type=Path, default=rerank.WEIGHTS)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--rows", type=Path, help="also save the feature rows here (pickle) for experiments")
    ap.add_argument("--from-rows", type=Path, help="fit on rows saved by --rows (same model and features)")
    args = ap.parse_args()
    os.environ["AURELIS_CACHE_DIR"] = str(args.cache / "aurelis")
    service.RERANK = False  # the candidates are the fused ranking's

    pairs = training_pairs(args.cache)
    print(f"training pairs: {sum(map(len, pairs.values()))} from {len(pairs)} libraries", flush=True)

    def learn(exclude: str | None) -> rerank.Tables:
        kept = [(t, k, n) for lib, rows in pairs.items() if lib != exclude for t, k, _, n in rows]
        return rerank.learn_tables(kept)

    train_libs = [lib for lib in sq.LIBRARIES if lib.split == "train"]
    tables = learn(None)
    dev_libs = [lib for lib in sq.LIBRARIES if lib.split == "dev"]
    if args.from_rows:
        import pickle

        saved = pickle.loads(args.from_rows.read_bytes())
        train, dev, dev_class = saved["train"], saved["dev"], saved["dev classes"]
        weights = saved.get("train weights", [1.0] * len(train))
    else:
        held_out = {lib.name: learn(lib.name) for lib in train_libs}
        train, weights = [], []
        for tuned in (True, False):
            libs = [lib for lib in train_libs if lib.tuned == tuned]
            rows = feature_rows(libs, args.cache, pairs, held_out.__getitem__, ALL_KINDS, TRAIN_MIN_LINES)
            train += rows
            weights += [1.0 if tuned else UNTUNED_WEIGHT] * len(rows)
        dev = feature_rows(dev_libs, args.cache, pairs, lambda _: tables, sq.FUNCTIONS)
        dev_class = feature_rows(dev_libs, args.cache, pairs, lambda _: tables, ("class",))
    if args.rows:
        import pickle

        args.rows.write_bytes(
            pickle.dumps({"train": train, "train weights": weights, "dev": dev, "dev classes": dev_class})
        )
    w = fit(train, args.lam)
    model = {"weights": [round(float(x), 5) for x in w]}
    score = lambda x: x @ w  # noqa: E731
    if not args.linear:
        from aurelis.index.trees import Trees

        booster = fit_trees(train, weights=weights)
        model = {"trees": flat_trees(booster)}
        ours = Trees.parse(model["trees"], len(rerank.FEATURES))
        # the shipped evaluator must score exactly as lightgbm does
        for x, _, _ in dev + dev_class:
            gap = np.abs(ours.score(x) - booster.predict(x)).max()
            if gap > 1e-9:
                raise SystemExit(f"the tree evaluator differs from lightgbm by {gap}")
        print(f"linear       dev MRR@10 {mrr(dev, score):.3f}, classes {mrr(dev_class, score):.3f}")
        score = ours.score
    for name, rows in (("train", train), ("dev", dev), ("dev classes", dev_class)):
        print(f"{name:<12} MRR@10 fused {mrr(rows, None):.3f} -> reranked {mrr(rows, score):.3f}")
    if args.linear:
        for n, x in sorted(zip(rerank.FEATURES, w, strict=True), key=lambda t: -abs(t[1])):
            print(f"   {n:<16} {x:+.3f}")
    if args.dry_run:
        return 0
    kind = "linear score" if args.linear else "LambdaMART trees"
    payload = {
        "about": f"bench/search_train.py: search reranker ({kind}), fitted on the train split of bench/search_quality.py",
        "features": list(rerank.FEATURES),
        **model,
        "tables": {"kind": tables.kind, "words": tables.words},
    }
    args.out.write_text(json.dumps(payload, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
