"""Warm CLI wall times on `examples/`: `aurelis check`, `aurelis index` with nothing to encode,
`aurelis search` on the indexed folder (dense query included) and `aurelis --version`.

Each command runs once to warm the caches (index, embeddings, .pyc files), then `--runs`
times, interleaved; prints medians. Fresh processes, as a user or CI runs them.

    python bench/cli_bench.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aurelis-cli-bench-"))
    folder = work / "examples"
    shutil.copytree(EXAMPLES, folder)
    env = {**os.environ, "AURELIS_CACHE_DIR": str(work / "cache"), "HF_HUB_OFFLINE": "1"}
    aurelis = [sys.executable, "-m", "aurelis"]
    commands = {
        "--version": [*aurelis, "--version"],
        "check": [*aurelis, "check", str(folder)],
        "index (nothing to encode)": [*aurelis, "index", str(folder)],
        "search (hybrid)": [
            *aurelis,
            "search",
            "shipping cost of a parcel",
            "--path",
            str(folder),
            "--k",
            "3",
        ],
    }
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; folder {folder}")
    for cmd in commands.values():  # warm: builds the index once
        subprocess.run(cmd, env=env, capture_output=True, check=False)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            t = time.perf_counter()
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            times[name].append(time.perf_counter() - t)
            if out.returncode not in (0, 1):
                print(f"{name} failed ({out.returncode}): {out.stderr[-500:]}")
                return 1
            if name.startswith("index") and "(encoded 0," not in out.stdout:
                print(f"index encoded something on a warm run: {out.stdout}")
    for name, ts in times.items():
        print(f"aurelis {name:<28} median {statistics.median(ts):.2f} s (min {min(ts):.2f}, {len(ts)} runs)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
