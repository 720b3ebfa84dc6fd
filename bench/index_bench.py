"""Index benchmark on ~100k lines of the interpreter's own standard library.

Prints: cold index time and chunks/s; the model's raw encode throughput on the
same chunks (the limit); warm re-index time; search latency p50/p95 (dense and
hybrid, query embedding included); RSS after indexing (of this process, which runs the
index in-process without an LSP server: bench/server_rss_bench.py measures the real `aurelis
serve`, which holds more: 320 against 292 MB in one run before the int8 graph); retrieval quality with
the docstrings stripped from the corpus and each docstring's first sentence as
the query (MRR@10, recall@10 for lexical, dense, hybrid).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/index_bench.py [--lines 100000] [--queries 400]
        [--backend onnx|sentence-transformers] [--max-tokens 128] [--out NAME.json]

`bench/backend_bench.py` runs it once per backend and prints the two side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SKIP_PARTS = {
    "test",
    "tests",
    "idlelib",
    "site-packages",
    "dist-packages",
    "lib2to3",
    "turtledemo",
    "__pycache__",
    "ensurepip",
    "config-3.11-x86_64-linux-gnu",
}


def stdlib_files(limit_lines: int) -> list[tuple[Path, str]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    out, total = [], 0
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if SKIP_PARTS & set(rel.parts):
            continue
        try:
            data = path.read_bytes()
            data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out.append((path, rel.as_posix()))
        total += data.count(b"\n")
        if total >= limit_lines:
            break
    return out


def strip_docstrings(source: bytes) -> bytes:
    """Remove every module/class/function docstring (an emptied body gets ``...``)."""
    from aurelis.workspace import languages

    tree = languages.parser("python").parse(source)
    cuts: list[tuple[int, int, bytes]] = []

    def visit(node, body_owner: bool):
        block = node if node.type == "module" else node.child_by_field_name("body") if body_owner else None
        if block is not None and block.named_children:
            first = block.named_children[0]
            if (
                first.type == "expression_statement"
                and first.named_children
                and first.named_children[0].type == "string"
            ):
                only = len(block.named_children) == 1
                cuts.append((first.start_byte, first.end_byte, b"..." if only else b""))
        for child in node.named_children:
            visit(child, child.type in ("function_definition", "class_definition"))

    visit(tree.root_node, False)
    out = bytearray(source)
    for start, end, repl in sorted(cuts, reverse=True):
        out[start:end] = repl
    return bytes(out)


def first_sentence(doc: str) -> str:
    para = doc.strip().split("\n\n")[0].replace("\n", " ")
    return re.split(r"(?<=[.!?])\s", para)[0].strip()


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--raw-sample", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=0, help="model threads (0: the index.threads default)")
    ap.add_argument("--backend", default="auto", choices=["auto", "onnx", "sentence-transformers"])
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--out", default=None, help="results file name under bench/results/")
    ap.add_argument(
        "--reuse",
        type=Path,
        default=None,
        help="work dir of an earlier run: skip the cold build, measure warm/search/quality again",
    )
    args = ap.parse_args()

    work = args.reuse or Path(tempfile.mkdtemp(prefix="aurelis-bench-"))
    os.environ["AURELIS_CACHE_DIR"] = str(work / "cache")
    from aurelis.config.index import IndexSettings
    from aurelis.index.chunker import chunk_source
    from aurelis.index.embedder import Embedder
    from aurelis.index.paths import embeddings_cache_dir
    from aurelis.index.service import WorkspaceIndex
    from aurelis.index.texts import dense_text

    # Corpus: stdlib files with docstrings stripped; queries: each docstring's first sentence.
    corpus = work / "corpus"
    files = stdlib_files(args.lines)
    queries: list[tuple[str, str, str]] = []  # (query, relpath, qualified name)
    lines = 0
    for path, rel in files:
        src = path.read_bytes()
        lines += src.count(b"\n")
        for c in chunk_source(rel, src, "python"):
            if c.kind in ("function", "method", "class") and c.part <= 1 and c.docstring:
                q = first_sentence(c.docstring)
                if len(q.split()) >= 4:
                    queries.append((q, rel, c.name))
        dest = corpus / rel
        if args.reuse is None:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(strip_docstrings(src))
    random.Random(7).shuffle(queries)
    queries = queries[: args.queries]
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"work dir: {work}{' (reused: cold figures not measured)' if args.reuse else ''}")
    print(f"corpus: {len(files)} stdlib files, {lines} lines (docstrings stripped); {len(queries)} queries")

    settings = IndexSettings(threads=args.threads, backend=args.backend, max_tokens=args.max_tokens)
    emb = Embedder(
        settings.model,
        settings.max_tokens,
        settings.batch_size,
        settings.threads,
        embeddings_cache_dir(),
        backend=settings.backend,
    )
    t = time.perf_counter()
    emb.load()
    print(
        f"model load: {time.perf_counter() - t:.2f} s ({emb.model_id}, threads {emb.threads}, "
        f"max_tokens {emb.max_tokens}); RSS {rss_mb():.0f} MB"
    )

    idx = WorkspaceIndex(corpus, settings, emb)
    if args.reuse is not None:
        return measure_warm(args, work, corpus, settings, emb, queries, len(files), lines)
    t, c = time.perf_counter(), time.process_time()
    idx.build()
    cold, cold_cpu = time.perf_counter() - t, time.process_time() - c
    n_chunks = len(idx.chunks())
    rss_after = rss_mb()
    print(
        f"cold index: {cold:.1f} s, {n_chunks} chunks, {n_chunks / cold:.1f} chunks/s "
        f"({n_chunks / cold_cpu:.1f} chunks per CPU-second), encoded {emb.stats.encoded}"
    )
    print(f"RSS after indexing: {rss_after:.0f} MB")

    sample = random.Random(3).sample(idx.chunks(), min(args.raw_sample, n_chunks))
    texts = [dense_text(c) for c in sample]
    t, c = time.perf_counter(), time.process_time()
    emb.raw_encode(texts)
    raw, raw_cpu = len(texts) / (time.perf_counter() - t), len(texts) / (time.process_time() - c)
    print(
        f"raw encode (model alone, {len(texts)} of the same chunks): {raw:.1f} chunks/s "
        f"({raw_cpu:.1f} per CPU-second); cold indexing reaches {100 * (n_chunks / cold) / raw:.0f}% of it "
        f"by wall time, {100 * (n_chunks / cold_cpu) / raw_cpu:.0f}% by CPU time (the machine is shared)"
    )

    results = {
        "files": len(files),
        "lines": lines,
        "chunks": n_chunks,
        "cold_s": cold,
        "cold_chunks_per_s": n_chunks / cold,
        "raw_chunks_per_s": raw,
        "cold_chunks_per_cpu_s": n_chunks / cold_cpu,
        "raw_chunks_per_cpu_s": raw_cpu,
        "rss_mb_after_index": rss_after,
    }
    return measure_warm(args, work, corpus, settings, emb, queries, len(files), lines, results)


def measure_warm(args, work, corpus, settings, emb, queries, n_files, lines, results=None) -> int:
    from aurelis.index.service import WorkspaceIndex

    results = dict(results or {"files": n_files, "lines": lines})
    before = emb.stats.encoded
    warm_idx = WorkspaceIndex(corpus, settings, emb)
    t = time.perf_counter()
    warm_idx.build()
    warm = time.perf_counter() - t
    print(
        f"warm re-index (new process state, index from disk): {warm:.2f} s, encoded {emb.stats.encoded - before}"
    )

    latency: dict[str, list[float]] = {}
    quality: dict[str, tuple[float, float]] = {}
    ranks: dict[str, list[float]] = {}  # per query, for paired confidence intervals across runs
    for mode in ("lexical", "dense", "hybrid"):
        emb._queries.clear()
        times, rr, found = [], [], 0
        for q, rel, name in queries:
            t = time.perf_counter()
            hits = warm_idx.search(q, 10, mode)
            times.append((time.perf_counter() - t) * 1000)
            rank = next((i for i, h in enumerate(hits) if h.path == rel and h.name == name), None)
            rr.append(0.0 if rank is None else 1.0 / (rank + 1))
            found += rank is not None
        latency[mode] = times
        ranks[mode] = rr
        quality[mode] = (sum(rr) / len(rr), found / len(queries))
    for mode in ("dense", "hybrid", "lexical"):
        ts = latency[mode]
        print(
            f"search {mode:<7}: p50 {statistics.median(ts):.1f} ms, p95 {pct(ts, 0.95):.1f} ms "
            f"(query embedding included)"
        )
    for mode in ("lexical", "dense", "hybrid"):
        mrr, rec = quality[mode]
        print(f"quality {mode:<7}: MRR@10 {mrr:.3f}, recall@10 {rec:.3f}")
    print(f"RSS at end: {rss_mb():.0f} MB; load average at end: {os.getloadavg()[0]:.1f}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    results.update(
        {
            "warm_s": warm,
            "rss_mb_end": rss_mb(),
            "latency_ms": {m: {"p50": statistics.median(v), "p95": pct(v, 0.95)} for m, v in latency.items()},
            "quality": {m: {"mrr10": a, "recall10": b} for m, (a, b) in quality.items()},
            "reciprocal_ranks": ranks,
            "queries": [q for q, _, _ in queries],
            "model_id": emb.model_id,
            "load_average_end": os.getloadavg()[0],
        }
    )
    name = args.out or ("index_bench_reuse.json" if args.reuse else "index_bench.json")
    (out / name).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
