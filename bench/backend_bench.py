"""The two embedding backends side by side, same run, same chunks: `index_bench.py` once per
backend (fresh process, fresh cache each), then one table.

Rows: cold index throughput, the model alone, RSS after indexing (index_bench.py's own process,
not a server: see bench/server_rss_bench.py), search p50/p95 with the
query embedding, warm re-index, and retrieval quality (MRR@10) with a 95% bootstrap
confidence interval of the paired per-query difference (onnx - torch).

    HF_HUB_OFFLINE=1 python bench/backend_bench.py [--lines 100000] [--queries 400] [--max-tokens 128]
        [--backends onnx,sentence-transformers]

Needs the torch extra for the second backend (`make setup-torch`, or the shared dev venv).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def bootstrap_ci(diffs: list[float], rounds: int = 2000, seed: int = 11) -> tuple[float, float]:
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(rounds))
    return means[int(0.025 * rounds)], means[int(0.975 * rounds) - 1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--raw-sample", type=int, default=300)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--backends", default="onnx,sentence-transformers")
    args = ap.parse_args()

    results = {}
    for backend in args.backends.split(","):
        name = f"backend_{backend}_{args.max_tokens}.json"
        print(f"== {backend} (load average {os.getloadavg()[0]:.1f})", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "index_bench.py"),
                "--lines",
                str(args.lines),
                "--queries",
                str(args.queries),
                "--raw-sample",
                str(args.raw_sample),
                "--backend",
                backend,
                "--max-tokens",
                str(args.max_tokens),
                "--out",
                name,
            ],
            check=True,
        )
        results[backend] = json.loads((HERE / "results" / name).read_text())

    names = list(results)
    rows = [
        ("chunks", lambda r: f"{r['chunks']}"),
        ("cold index, chunks/s", lambda r: f"{r['cold_chunks_per_s']:.1f}"),
        ("cold index, chunks per CPU-s", lambda r: f"{r['cold_chunks_per_cpu_s']:.1f}"),
        ("model alone, chunks/s", lambda r: f"{r['raw_chunks_per_s']:.1f}"),
        ("RSS after indexing, MB", lambda r: f"{r['rss_mb_after_index']:.0f}"),
        ("RSS at end, MB", lambda r: f"{r['rss_mb_end']:.0f}"),
        ("warm re-index, s", lambda r: f"{r['warm_s']:.2f}"),
        ("dense search p50 / p95, ms", lambda r: "{p50:.1f} / {p95:.1f}".format(**r["latency_ms"]["dense"])),
        (
            "hybrid search p50 / p95, ms",
            lambda r: "{p50:.1f} / {p95:.1f}".format(**r["latency_ms"]["hybrid"]),
        ),
        ("MRR@10 dense", lambda r: f"{r['quality']['dense']['mrr10']:.3f}"),
        ("MRR@10 hybrid", lambda r: f"{r['quality']['hybrid']['mrr10']:.3f}"),
        ("load average at end", lambda r: f"{r['load_average_end']:.1f}"),
    ]
    print()
    print(f"{'':32}" + "".join(f"{n:>24}" for n in names))
    for label, fmt in rows:
        print(f"{label:32}" + "".join(f"{fmt(results[n]):>24}" for n in names))
    if len(names) == 2:
        a, b = (results[n] for n in names)
        if a["queries"] == b["queries"]:
            for mode in ("dense", "hybrid"):
                diffs = [
                    x - y
                    for x, y in zip(a["reciprocal_ranks"][mode], b["reciprocal_ranks"][mode], strict=True)
                ]
                lo, hi = bootstrap_ci(diffs)
                print(
                    f"MRR@10 {mode} difference {names[0]} - {names[1]}: {sum(diffs) / len(diffs):+.3f} "
                    f"(95% CI {lo:+.3f} .. {hi:+.3f}, {len(diffs)} paired queries)"
                )
        ratio = a["cold_chunks_per_s"] / b["cold_chunks_per_s"]
        print(f"cold index throughput {names[0]} / {names[1]}: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
