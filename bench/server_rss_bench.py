"""RSS of the real `aurelis serve` process after it indexed ~100k lines, over a stdio LSP session.

Starts `python -m aurelis serve` (this tree's code) on the docstring-stripped stdlib corpus of
index_bench.py with an empty cache, so that everything is encoded; polls `aurelis.status` until the
index is ready, then reads the server's VmRSS and VmHWM (peak) from /proc/<pid>/status. It runs a
few `aurelis.search` requests (query embeddings included) and reads VmRSS again. That is the
figure a user sees in `top` for the language server they keep open; nothing of the bench's own
process (the client) is counted.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/server_rss_bench.py [--lines 100000] [--backend onnx]
        [--runs 1]

Prints per run and the medians; the load average beside each figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from index_bench import stdlib_files, strip_docstrings
from lsprotocol import types
from pytest_lsp.client import make_test_lsp_client

QUERIES = [
    "parse a URL into its components",
    "read a configuration file with sections",
    "compute the greatest common divisor",
    "wrap text to a given width",
    "start a thread pool and submit work",
]


def smaps_top(pid: int, n: int = 8) -> list[tuple[str, float]]:
    """The ``n`` largest RSS holders of ``pid`` by mapping (a file, ``[heap]``, or ``[anon]``), in MB."""
    sizes: dict[str, float] = {}
    name = "[anon]"
    with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                name = parts[5] if len(parts) > 5 else "[anon]"
                name = name.rsplit("/", 1)[-1]
            elif parts and parts[0] == "Rss:":
                sizes[name] = sizes.get(name, 0.0) + int(parts[1]) / 1024
    return sorted(sizes.items(), key=lambda kv: -kv[1])[:n]


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS (of which RssAnon: heap; RssFile: mapped libraries) and VmHWM (peak) of ``pid`` in MB."""
    out = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                out[key] = int(value.split()[0]) / 1024
    return out


async def one_run(corpus: Path, cache: Path, backend: str, smaps: bool = False) -> dict[str, float]:
    env = {**os.environ, "AURELIS_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1"}
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "aurelis", "serve", env=env)
    pid = client._server.pid  # the server process pytest-lsp started
    await client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(corpus.as_uri(), "corpus")],
            initialization_options={"index": {"backend": backend}},
        )
    )
    t = time.perf_counter()
    status: dict = {}
    while True:
        status = await client.workspace_execute_command_async(
            types.ExecuteCommandParams("aurelis.status", [{}])
        )
        if status["state"] in ("ready", "error"):
            break
        if time.perf_counter() - t > 3600:
            raise TimeoutError(f"index not ready after an hour: {status}")
        await asyncio.sleep(0.5)  # a bench polling a status, not a test's synchronisation
    if status["state"] != "ready":
        raise RuntimeError(f"indexing failed: {status['last_error']}")
    built = time.perf_counter() - t
    after_index = proc_status(pid)
    if smaps:
        print(
            "largest RSS holders after indexing (MB):", ", ".join(f"{k} {v:.0f}" for k, v in smaps_top(pid))
        )
    load_index = os.getloadavg()[0]
    for q in QUERIES:
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams("aurelis.search", [{"query": q, "k": 10}])
        )
    after_search = proc_status(pid)
    await client.shutdown_session()
    return {
        "chunks": status["chunks"],
        "build_s": built,
        "rss_index": after_index["VmRSS"],
        "anon_index": after_index["RssAnon"],
        "file_index": after_index["RssFile"],
        "hwm": after_index["VmHWM"],
        "rss_search": after_search["VmRSS"],
        "hwm_search": after_search["VmHWM"],
        "load": load_index,
    }


async def run(args) -> int:
    work = Path(tempfile.mkdtemp(prefix="aurelis-rss-bench-"))
    corpus = work / "corpus"
    lines = 0
    for path, rel in stdlib_files(args.lines):
        src = path.read_bytes()
        lines += src.count(b"\n")
        dest = corpus / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(strip_docstrings(src))
    print(
        f"corpus: {lines} stdlib lines under {corpus}; backend {args.backend}; load {os.getloadavg()[0]:.1f}"
    )
    runs = []
    for i in range(args.runs):
        r = await one_run(corpus, work / f"cache{i}", args.backend, args.smaps)  # a fresh cache: a cold index
        runs.append(r)
        print(
            f"run {i + 1}: {r['chunks']} chunks in {r['build_s']:.0f} s; server RSS after indexing "
            f"{r['rss_index']:.0f} MB (heap {r['anon_index']:.0f}, mapped files {r['file_index']:.0f}; "
            f"peak so far {r['hwm']:.0f} MB), after {len(QUERIES)} searches "
            f"{r['rss_search']:.0f} MB (peak {r['hwm_search']:.0f} MB); load {r['load']:.1f}",
            flush=True,
        )
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(
        f"median of {len(runs)}: server RSS after indexing {med['rss_index']:.0f} MB, after searches "
        f"{med['rss_search']:.0f} MB, peak {med['hwm_search']:.0f} MB ({args.backend}; load at end "
        f"{os.getloadavg()[0]:.1f})"
    )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--backend", default="onnx", choices=["auto", "onnx", "sentence-transformers"])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--smaps", action="store_true", help="print the largest RSS holders by mapping")
    return asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
