"""Process start -> `initialize` answered, over stdio: aurelis, pylsp and jedi-language-server.

Each round starts every server once, in turn (interleaved, so that load changes hit all
three alike), writes `initialize` the moment the process is spawned and stops the clock
when the answer has been read; the server is then shut down. Prints medians and p90.

    python bench/startup_bench.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample_workspace"


def frame(msg: dict) -> bytes:
    body = json.dumps(msg).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def read_message(stream) -> dict:
    length = None
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


def servers() -> dict[str, list[str]]:
    bindir = Path(sys.executable).parent
    jls = shutil.which("jedi-language-server", path=str(bindir)) or shutil.which("jedi-language-server")
    out = {
        "aurelis": [sys.executable, "-m", "aurelis", "serve"],
        "pylsp": [sys.executable, "-m", "pylsp"],
    }
    if jls:
        out["jedi-language-server"] = [jls]
    return out


def one_start(cmd: list[str], root: Path) -> float:
    uri = root.as_uri()
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "processId": os.getpid(),
            "rootUri": uri,
            "workspaceFolders": [{"uri": uri, "name": root.name}],
            "capabilities": {},
        },
    }
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        proc.stdin.write(frame(init))
        proc.stdin.flush()
        while True:
            msg = read_message(proc.stdout)
            if msg.get("id") == 1 and "method" not in msg:
                elapsed = time.perf_counter() - t
                break
        proc.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        proc.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.flush()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    cmds = servers()
    times: dict[str, list[float]] = {name: [] for name in cmds}
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    for cmd in cmds.values():  # one warm-up each: page cache, .pyc files
        one_start(cmd, SAMPLE)
    for _ in range(args.rounds):
        for name, cmd in cmds.items():
            times[name].append(one_start(cmd, SAMPLE))
    for name, ts in times.items():
        ts_sorted = sorted(ts)
        p90 = ts_sorted[min(len(ts) - 1, round(0.9 * (len(ts) - 1)))]
        print(
            f"{name:<22} start -> initialize answered: median {statistics.median(ts) * 1000:.0f} ms, "
            f"p90 {p90 * 1000:.0f} ms ({len(ts)} starts)"
        )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
