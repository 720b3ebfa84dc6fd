"""Search latency of the shared index (qdrant-client's local mode) against the local hnswlib index,
with and without a local overlay of dirty files, on ~100k lines of the standard library.

Three indexes of the same files and the same vectors (one embeddings cache, so the corpus is
encoded once):
- hnswlib: the default store;
- qdrant: ``index.store.kind = "qdrant"`` in local mode, every file published;
- qdrant + overlay: a read-only client of that collection with ``--dirty`` files edited in
  buffers (indexed locally; the collection is searched with those paths excluded).

Each query is searched once first (its vector is then cached), so the figures are the store,
the filter and the fusion, not the model. Rounds interleave the three.

    .venv/bin/python bench/shared_index_bench.py [--lines 100000] [--queries 200] [--dirty 20]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.index_bench import stdlib_files  # noqa: E402  (after the path set-up)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--dirty", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    from aurelis.config.index import IndexSettings, StoreSettings
    from aurelis.index.embedder import Embedder
    from aurelis.index.service import WorkspaceIndex
    from aurelis.index.shared import close_clients
    from aurelis.index.texts import dense_query

    work = Path(tempfile.mkdtemp(prefix="aurelis-shared-bench-"))
    cache = Path(
        os.environ.get("AURELIS_BENCH_CACHE", Path(tempfile.gettempdir()) / "aurelis-bench-embeddings")
    )
    corpus = work / "stdlib"
    files = stdlib_files(args.lines)
    lines = 0
    for path, rel in files:
        dest = corpus / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        lines += dest.read_bytes().count(b"\n")
    print(f"corpus: {len(files)} files, {lines} lines; load {os.getloadavg()[0]:.2f}")

    emb = Embedder(cache_dir=cache)
    t = time.perf_counter()
    local = WorkspaceIndex(corpus, IndexSettings(), emb, index_dir=work / "hnsw")
    local.build()
    print(
        f"hnswlib built: {len(local.chunks())} chunks in {time.perf_counter() - t:.1f}s (encoded {emb.stats.encoded})"
    )

    store = work / "qdrant"
    t = time.perf_counter()
    qs = IndexSettings(store=StoreSettings(kind="qdrant", path=str(store)))
    shared = WorkspaceIndex(corpus, qs, emb, index_dir=work / "q1")
    shared.build()
    print(
        f"qdrant local mode built and published: {shared.status()['shared_files']} files in {time.perf_counter() - t:.1f}s"
    )

    ro = IndexSettings(store=StoreSettings(kind="qdrant", path=str(store), publish="never"))
    overlay = WorkspaceIndex(corpus, ro, emb, index_dir=work / "q2")
    overlay.build()
    rng = random.Random(7)
    dirty = rng.sample([rel for _, rel in files], min(args.dirty, len(files)))
    for rel in dirty:  # an edit in a buffer: a comment line changes every chunk's text of the file
        text = (corpus / rel).read_text("utf-8")
        overlay.update_file(corpus / rel, text="# edited in the editor\n" + text, persist=False)
    st = overlay.status()
    print(f"qdrant + overlay: {st['shared_files']} shared files, {st['overlay_files']} overlay files")

    chunks = [c for c in local.chunks() if c.kind in ("function", "method")]
    queries = [
        " ".join(c.short_name.split("_")) or c.short_name
        for c in rng.sample(chunks, min(args.queries, len(chunks)))
    ]
    sides = {"hnswlib": local, "qdrant": shared, "qdrant+overlay": overlay}
    for q in queries:  # the query vectors are cached from here on
        emb.encode_query(dense_query(q))

    for mode in ("dense", "hybrid"):
        times: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.rounds):
            for name, idx in sides.items():
                for q in queries:
                    t = time.perf_counter()
                    idx.search(q, 10, mode)
                    times[name].append((time.perf_counter() - t) * 1000)
        print(
            f"\nsearch, mode {mode}, {len(queries)} queries x {args.rounds} rounds (cached query vectors); load {os.getloadavg()[0]:.2f}"
        )
        print(f"{'store':<16} {'p50 ms':>8} {'p95 ms':>8}")
        for name, xs in times.items():
            print(f"{name:<16} {statistics.median(xs):>8.2f} {pct(xs, 0.95):>8.2f}")
    close_clients()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
