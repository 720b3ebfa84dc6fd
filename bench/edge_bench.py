"""The protocol edge under load: a 30 MB didOpen and a burst of 2,000 didChange, over a raw pipe.

    .venv/bin/python bench/edge_bench.py [--runs 3] [--mb 30] [--edits 2000]

Per run, against a fresh `aurelis serve`:

- 30 MB didOpen: the time from the end of writing it to the answer of a request on another,
  small document, and the server's peak RSS (VmHWM) before and after (issue 14: < 1 GB; the
  document is over ``analysis.max_file_bytes``, so it is tracked as text only);
- 2,000 didChange written back to back (typing one character each, some backspaces) in the
  middle of asyncio's `base_events.py`, then a request: the time to its answer, and how many
  incremental reparses the 2,000 edits cost (queued edits are merged and reparsed once).

Prints medians with the load average; writes bench/results/edge_bench.json.
"""

from __future__ import annotations

import argparse
import asyncio as _asyncio_pkg
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

SERVE = [sys.executable, "-m", "aurelis", "serve", "--log-level", "warning"]
SMALL = "file:///tmp/aurelis-edge-bench/small.py"
BIG = "file:///tmp/aurelis-edge-bench/big.py"


def frame(msg: dict) -> bytes:
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class Server:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            SERVE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.replies: dict[int, tuple[float, dict]] = {}
        self.cond = threading.Condition()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while (line := out.readline()) not in (b"\r\n", b"\n"):
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(out.read(length))
            if "id" in msg and "method" not in msg:
                with self.cond:
                    self.replies[msg["id"]] = (time.perf_counter(), msg)
                    self.cond.notify_all()

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict) -> bytes:
        return frame({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict | None) -> tuple[int, bytes]:
        self.next_id += 1
        return self.next_id, frame({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})

    def wait(self, msg_id: int, timeout: float = 300) -> tuple[float, dict]:
        with self.cond:
            if not self.cond.wait_for(lambda: msg_id in self.replies, timeout):
                raise SystemExit(f"no answer to request {msg_id} in {timeout} s")
            return self.replies[msg_id]

    def call(self, method: str, params: dict | None) -> dict:
        msg_id, data = self.request(method, params)
        self.write(data)
        return self.wait(msg_id)[1]

    def open(self, uri: str, text: str) -> bytes:
        item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        return self.notify("textDocument/didOpen", {"textDocument": item})

    def tree(self, uri: str, text: bool = False) -> tuple[int, bytes]:
        return self.request(
            "workspace/executeCommand",
            {"command": "aurelis.syntaxTree", "arguments": [{"uri": uri, "include_text": text}]},
        )

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def start(self) -> None:
        self.call(
            "initialize",
            {
                "processId": None,
                "rootUri": None,
                "capabilities": {},
                "initializationOptions": {"index": {"enabled": False}},
            },
        )
        self.write(self.notify("initialized", {}) + self.open(SMALL, "def f(x):\n    return x\n"))
        msg_id, data = self.tree(SMALL)
        self.write(data)
        self.wait(msg_id)

    def stop(self) -> None:
        self.call("shutdown", None)
        self.write(self.notify("exit", {}))
        self.proc.wait(timeout=60)


def big_text(size: int) -> str:
    unit = "def handler_{i}(request, value=None):\n    return request.get(value) or {i}\n\n"
    parts, n, i = [], 0, 0
    while n < size:
        parts.append(unit.format(i=i))
        n += len(parts[-1])
        i += 1
    return "".join(parts)


def huge_open(mb: int) -> dict:
    s = Server()
    try:
        s.start()
        before = s.peak_rss_mb()
        data = s.open(BIG, big_text(mb * 1024 * 1024))
        msg_id, probe = s.tree(SMALL)
        s.write(data)
        written = time.perf_counter()
        s.write(probe)
        answered, _ = s.wait(msg_id)
        return {"answer_s": answered - written, "rss_before_mb": before, "rss_peak_mb": s.peak_rss_mb()}
    finally:
        s.stop()


def burst(edits: int) -> dict:
    text = (Path(_asyncio_pkg.__file__).parent / "base_events.py").read_text(encoding="utf-8")
    uri = "file:///tmp/aurelis-edge-bench/base_events.py"
    s = Server()
    try:
        s.start()
        s.write(s.open(uri, text))
        msg_id, data = s.tree(uri)
        s.write(data)
        s.wait(msg_id)
        line, col, out = len(text.splitlines()) // 2, 0, bytearray()
        typed = "x = compute(a, b)  # typed\n"
        for version in range(2, edits + 2):
            if version % 5 == 0 and col > 0:
                rng, new = ((line, col - 1), (line, col)), ""
                col -= 1
            else:
                ch = typed[version % len(typed)]
                rng, new = ((line, col), (line, col)), ch
                line, col = (line + 1, 0) if ch == "\n" else (line, col + 1)
            start, end = ({"line": a, "character": b} for a, b in rng)
            change = {"range": {"start": start, "end": end}, "text": new}
            out += s.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            )
        msg_id, probe = s.tree(uri)
        t0 = time.perf_counter()
        s.write(bytes(out) + probe)
        answered, reply = s.wait(msg_id)
        return {
            "answer_s": answered - t0,
            "version": reply["result"]["version"],
            "incremental_parses": reply["result"]["incremental_parses"],
        }
    finally:
        s.stop()


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=int, default=30)
    ap.add_argument("--edits", type=int, default=2000)
    args = ap.parse_args()
    print(f"load average {load()}")
    opens, bursts = [], []
    for n in range(args.runs):
        opens.append(huge_open(args.mb) | {"load": load()})
        bursts.append(burst(args.edits) | {"load": load()})
        print(json.dumps({"run": n + 1, "open": opens[-1], "burst": bursts[-1]}), flush=True)
    med = statistics.median
    print(
        f"\n{args.mb} MB didOpen: a request on a small document answered after "
        f"{med(r['answer_s'] for r in opens):.2f} s (median of {args.runs}); peak RSS "
        f"{med(r['rss_peak_mb'] for r in opens):.0f} MB (before the open: {med(r['rss_before_mb'] for r in opens):.0f} MB)"
    )
    print(
        f"{args.edits} queued didChange: the request after them answered in "
        f"{med(r['answer_s'] for r in bursts):.2f} s; incremental reparses: "
        f"{med(r['incremental_parses'] for r in bursts):.0f} (median); load average now {load()}"
    )
    out = Path(__file__).parent / "results" / "edge_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"open": opens, "burst": bursts}, indent=2) + "\n")


if __name__ == "__main__":
    main()
