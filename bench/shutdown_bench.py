"""Shutdown while the index build is loading the model / embedding: time from sending
`shutdown` to the process having exited (after `exit`), over raw stdio, cold cache each run.

The server is started on a copy of `examples/`, answers are given to its requests like an
editor does, and `shutdown` + `exit` are sent as soon as the build reports progress past the
scan. Prints the median; ``--peer SERVER_DIR`` runs the same against another checkout's
`server/` (e.g. the commit before this change) in the same, interleaved rounds.

    python bench/shutdown_bench.py [--runs 5] [--peer /path/to/old/server]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
OURS = Path(__file__).resolve().parents[1] / "server"


def frame(message: dict) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def split(buffer: bytes) -> tuple[list[dict], bytes]:
    out = []
    while b"\r\n\r\n" in buffer:
        head, _, rest = buffer.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: *(\d+)", head, re.IGNORECASE).group(1))
        if len(rest) < length:
            break
        out.append(json.loads(rest[:length]))
        buffer = rest[length:]
    return out, buffer


def one(server_dir: Path, work: Path) -> tuple[float, int]:
    """Seconds from `shutdown` sent to the process gone, and messages after the shutdown answer."""
    folder = work / "ws"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(EXAMPLES, folder)
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    env = {
        **os.environ,
        "PYTHONPATH": str(server_dir),
        "AURELIS_CACHE_DIR": str(cache),
        "HF_HUB_OFFLINE": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "aurelis", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdin and proc.stdout

    def send(m: dict) -> None:
        proc.stdin.write(frame(m))
        proc.stdin.flush()

    uri = folder.as_uri()
    send(
        {
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": None,
                "rootUri": uri,
                "capabilities": {"window": {"workDoneProgress": True}},
                "workspaceFolders": [{"uri": uri, "name": "ws"}],
            },
        }
    )
    send({"method": "initialized", "params": {}})
    buffer, seen = b"", []
    while not any(
        m.get("method") == "$/progress" and m["params"]["value"].get("kind") == "report" for m in seen
    ):
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            raise RuntimeError("the server exited before indexing")
        msgs, buffer = split(buffer + chunk)
        seen += msgs
        for m in msgs:
            if "id" in m and "method" in m:
                items = m.get("params", {}).get("items", [])
                send({"id": m["id"], "result": [None] * len(items) if items else None})
    t0 = time.perf_counter()
    send({"id": 2, "method": "shutdown", "params": None})
    send({"method": "exit", "params": None})
    out, _ = proc.communicate(timeout=120)
    elapsed = time.perf_counter() - t0
    after, _ = split(buffer + out)
    idx = next((i for i, m in enumerate(after) if m.get("id") == 2), len(after))
    return elapsed, len(after) - idx - 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peer", type=Path, help="another checkout's server/ directory to compare with")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aurelis-shutdown-bench-"))
    rows: dict[str, list[tuple[float, int]]] = {"this tree": []}
    if args.peer:
        rows["peer"] = []
    try:
        for _ in range(args.runs):
            rows["this tree"].append(one(OURS, work))
            if args.peer:
                rows["peer"].append(one(args.peer, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"shutdown during the cold index build, {args.runs} runs (load {os.getloadavg()[0]:.1f})")
    for name, r in rows.items():
        print(
            f"  {name:10s} median {statistics.median(t for t, _ in r):.2f} s "
            f"(min {min(t for t, _ in r):.2f}, max {max(t for t, _ in r):.2f}); "
            f"messages after the shutdown answer: {[n for _, n in r]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
