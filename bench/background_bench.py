"""Per-file diagnostics while a cold index is *encoding*: does the background build delay them?

    .venv/bin/python bench/background_bench.py [--edits 40] [--typing-ms 150] [--rounds 3]

`diagnostics_bench.py` edits while the server is still importing torch: its edits are over
before the first chunk is embedded. Here the edits start once the cold build of a copy of
the `asyncio` package has embedded its first group of chunks (`aurelis.status` reports indexed
files; some 20 s of encoding are left on one core), with the same document, probe method and
latency (didChange -> first publishDiagnostics of that version) as diagnostics_bench. Edits
come back to back, or at a typing cadence (`--typing-ms` from one edit's diagnostics to the
next edit). Rows: index and cross-file off; on (edits while encoding); each at both cadences.
Rounds interleave the rows; p50/p95 are over all rounds' samples, with each round's p50.
Writes bench/results/background_bench.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types

sys.path.insert(0, str(Path(__file__).parent))
from diagnostics_bench import (
    AURELIS,
    FILE,
    Session,
    asyncio_workspace,
    insertion_line,
    p95,
    probe_change,
)

OFF = {"index": {"enabled": False}, "analysis": {"cross_file": False}}
ON = {"index": {"enabled": True}, "analysis": {"cross_file": True}}


async def status(s: Session) -> dict:
    return await s.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="aurelis.status", arguments=[{}])
    )


async def until_encoding(s: Session, timeout: float = 300.0) -> float:
    """Wait until the build has embedded its first files (the model is loaded, encoding goes on)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        st = await status(s)
        if st["state"] == "error":
            raise RuntimeError(f"index failed: {st['last_error']}")
        if st["files_indexed"]:
            return time.perf_counter() - t0
        await asyncio.sleep(0.1)
    raise TimeoutError("the index never started encoding")


async def measure(name: str, options: dict, typing_s: float, root: Path, edits: int) -> dict:
    path = root / FILE
    text = path.read_text(encoding="utf-8")
    uri, line = path.as_uri(), insertion_line(text)
    s = Session(name, AURELIS, options)
    await s.start(root)
    try:
        await s.wait(
            uri,
            1,
            lambda: s.client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
                )
            ),
            timeout=120,
        )
        waited = await until_encoding(s) if options["index"]["enabled"] else 0.0
        latencies = []
        for i in range(edits):
            params = probe_change(uri, line, i)
            dt, _count = await s.wait(uri, i + 2, lambda p=params: s.client.text_document_did_change(p))
            latencies.append(dt * 1000)
            await asyncio.sleep(typing_s)
        after = (await status(s))["state"] if options["index"]["enabled"] else "disabled"
        return {
            "row": name,
            "latencies_ms": latencies,
            "build_started_s": round(waited, 1),
            "index_state_after_edits": after,
        }
    finally:
        await s.stop()


async def main_async(args: argparse.Namespace) -> list[dict]:
    work, root = asyncio_workspace("aurelis-background-bench-")
    typing = args.typing_ms / 1000
    rows = [
        ("off, back to back", OFF, 0.0),
        ("encoding, back to back", ON, 0.0),
        (f"off, typing {args.typing_ms} ms", OFF, typing),
        (f"encoding, typing {args.typing_ms} ms", ON, typing),
    ]
    print(f"file: asyncio/{FILE}, {args.edits} edits x {args.rounds} rounds, workspace: {root}")
    samples: dict[str, list[dict]] = {name: [] for name, _, _ in rows}
    runs = 0
    try:
        for n in range(args.rounds):
            for name, options, typing_s in rows:
                runs += 1
                os.environ["AURELIS_CACHE_DIR"] = str(work / f"cache-{runs}")  # a cold index every time
                r = await measure(name, options, typing_s, root, args.edits)
                samples[name].append(r)
                lat = r["latencies_ms"]
                print(
                    json.dumps(
                        {
                            "round": n + 1,
                            "row": name,
                            "p50_ms": round(statistics.median(lat), 2),
                            "p95_ms": round(p95(lat), 2),
                            "build_started_s": r["build_started_s"],
                            "index_after": r["index_state_after_edits"],
                        }
                    ),
                    flush=True,
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = []
    for name, runs in samples.items():
        pooled = [x for r in runs for x in r["latencies_ms"]]
        out.append(
            {
                "row": name,
                "rounds": len(runs),
                "p50_ms": round(statistics.median(pooled), 2),
                "p95_ms": round(p95(pooled), 2),
                "round_p50_ms": [round(statistics.median(r["latencies_ms"]), 2) for r in runs],
                "index_after_edits": [r["index_state_after_edits"] for r in runs],
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--typing-ms", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    results = asyncio.run(main_async(args))
    print()
    print(f"{'row':<28}{'p50 ms':>10}{'p95 ms':>10}  rounds' p50")
    for r in results:
        print(f"{r['row']:<28}{r['p50_ms']:>10}{r['p95_ms']:>10}  {r['round_p50_ms']}")
    out = Path(__file__).parent / "results" / "background_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
