"""Parse benchmark: incremental reparse after a one-character edit vs a full parse
of a 5,000-line real Python file, and the `initialize` round trip of `aurelis serve`.

    .venv/bin/python bench/parse_bench.py [--runs N]

Prints medians (and p95 where useful). The file is the first 5,000 lines of the
interpreter's own `_pydecimal.py` (real code, ships with every CPython).
"""

from __future__ import annotations

import _pydecimal
import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from aurelis.workspace import languages
from aurelis.workspace.document import Change, Document
from aurelis.workspace.positions import Encoding


def p95(xs: list[float]) -> float:
    return sorted(xs)[int(0.95 * (len(xs) - 1))]


def source_5000_lines() -> str:
    lines = Path(_pydecimal.__file__).read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) >= 5000
    return "".join(lines[:5000])


def _random_identifier_end(doc: Document, rng: random.Random) -> int:
    """End byte of a random identifier in the middle of the file."""
    while True:
        line = rng.randrange(100, 4900)
        node = doc.tree.root_node.descendant_for_byte_range(
            doc.lines.starts[line] + 8, doc.lines.starts[line] + 8
        )
        if node is not None and node.type == "identifier":
            return node.end_byte


def bench_parse(runs: int) -> None:
    text = source_5000_lines()
    data = text.encode()
    parser = languages.parser("python")
    full = []
    for _ in range(max(10, runs // 10)):
        t = time.perf_counter()
        parser.parse(data)
        full.append(time.perf_counter() - t)

    rng = random.Random(0)
    doc = Document("file:///bench.py", text, 1, "python", Encoding.UTF16)
    incremental, tree_only = [], []
    for i in range(runs):
        # Typing: one letter appended to a random identifier, so the text stays valid Python.
        start = _random_identifier_end(doc, rng)
        pos = doc.position_at(start)
        t = time.perf_counter()
        doc.apply_changes(
            [Change("x", pos, pos)], i + 2
        )  # what a didChange does: line table + edit + reparse
        incremental.append(time.perf_counter() - t)
        # the tree-sitter part alone, on the same kind of edit
        start = _random_identifier_end(doc, rng)
        tree = doc.tree.copy()
        new = doc.source[:start] + b"x" + doc.source[start:]
        t = time.perf_counter()
        row = doc.source.count(b"\n", 0, start)
        col = start - (doc.source.rfind(b"\n", 0, start) + 1)
        tree.edit(start, start, start + 1, (row, col), (row, col), (row, col + 1))
        parser.parse(new, tree)
        tree_only.append(time.perf_counter() - t)
    ms = 1000
    print(f"file: first 5,000 lines of {Path(_pydecimal.__file__).name} ({len(data):,} bytes)")
    print(
        f"full parse                       median {statistics.median(full) * ms:7.3f} ms   p95 {p95(full) * ms:7.3f} ms  (n={len(full)})"
    )
    print(
        f"incremental didChange (1 char)   median {statistics.median(incremental) * ms:7.3f} ms   p95 {p95(incremental) * ms:7.3f} ms  (n={runs})"
    )
    print(
        f"  of which tree.edit + reparse   median {statistics.median(tree_only) * ms:7.3f} ms   p95 {p95(tree_only) * ms:7.3f} ms"
    )
    print(
        f"speed-up full/incremental        {statistics.median(full) / statistics.median(incremental):7.1f}x"
    )
    bench_method_insert(doc, parser, runs)


PROBE = "    def _probe(self, value):\n        unused = value == None\n        return value\n\n"


def bench_method_insert(doc: Document, parser, runs: int) -> None:
    """A method inserted at the start of a line before another method (what the latency bench
    does): the reparse as Document places the edit (``workspace/edit_shape.py``: slid inside
    the line) against the same edit told to tree-sitter at the line start."""
    rng = random.Random(1)
    lines = doc.text.split("\n")
    starts = [i for i in range(100, len(lines) - 100) if lines[i].startswith("    def ")]
    shaped, at_line_start = [], []
    version = 10_000
    for _ in range(runs):
        line = rng.choice(starts)
        pos = doc.position_at(doc.lines.starts[line])
        at = doc.lines.starts[line]
        old, tree = doc.source, doc.tree.copy()
        new = old[:at] + PROBE.encode() + old[at:]
        t = time.perf_counter()
        row = old.count(b"\n", 0, at)
        tree.edit(at, at, at + len(PROBE), (row, 0), (row, 0), (row + PROBE.count("\n"), 0))
        parser.parse(new, tree)
        at_line_start.append(time.perf_counter() - t)
        version += 2
        t = time.perf_counter()
        doc.apply_changes([Change(PROBE, pos, pos)], version)
        shaped.append(time.perf_counter() - t)
        end = doc.position_at(doc.lines.starts[line + PROBE.count("\n")])
        doc.apply_changes([Change("", pos, end)], version + 1)  # and removed again
    ms = 1000
    print(
        f"method inserted at a line start, didChange as placed by edit_shape  median {statistics.median(shaped) * ms:7.3f} ms   p95 {p95(shaped) * ms:7.3f} ms  (n={runs})"
    )
    print(
        f"  the same edit told to tree-sitter at the line start (reparse only) median {statistics.median(at_line_start) * ms:7.3f} ms   p95 {p95(at_line_start) * ms:7.3f} ms"
    )


def _frame(msg: dict) -> bytes:
    body = json.dumps(msg).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _read(stream) -> dict:
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b"\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _wait_idle(pid: int, quiet: float = 0.3, timeout: float = 30.0) -> None:
    """Until the process has used no CPU for ``quiet`` seconds (Linux /proc)."""
    deadline = time.monotonic() + timeout
    last = _cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = _cpu_ticks(pid)
        if now == last:
            return
        last = now


def bench_initialize(runs: int) -> None:
    roundtrip, cold = [], []
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"processId": None, "rootUri": None, "capabilities": {}},
    }
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "aurelis", "serve", "--log-level", "warning"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        # wait until the process is up and reading: a `$/noop`-free way is to time the request itself
        t1 = time.perf_counter()
        proc.stdin.write(_frame(init))
        proc.stdin.flush()
        msg = _read(proc.stdout)
        t2 = time.perf_counter()
        assert msg.get("id") == 1 and "result" in msg, msg
        proc.stdin.write(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        proc.stdin.write(_frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.flush()
        proc.wait(timeout=30)
        cold.append(t2 - t0)
        roundtrip.append(t2 - t1)
    # A warm round trip: the server already running, initialize answered from a live process.
    warm = []
    for _ in range(runs):
        proc = subprocess.Popen(
            [sys.executable, "-m", "aurelis", "serve", "--log-level", "warning"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        _wait_idle(proc.pid)  # the interpreter has finished importing and waits on stdin
        t1 = time.perf_counter()
        proc.stdin.write(_frame(init))
        proc.stdin.flush()
        _read(proc.stdout)
        warm.append(time.perf_counter() - t1)
        proc.stdin.write(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        proc.stdin.write(_frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.flush()
        proc.wait(timeout=30)
    ms = 1000
    print(
        f"initialize round trip (server running)      median {statistics.median(warm) * ms:7.1f} ms  p95 {p95(warm) * ms:7.1f} ms (n={runs})"
    )
    print(
        f"spawn + initialize response (cold process)  median {statistics.median(cold) * ms:7.1f} ms  p95 {p95(cold) * ms:7.1f} ms (n={runs})"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--init-runs", type=int, default=10)
    args = ap.parse_args()
    bench_parse(args.runs)
    bench_initialize(args.init_runs)


if __name__ == "__main__":
    main()
