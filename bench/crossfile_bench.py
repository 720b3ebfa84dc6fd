"""The cross-file pass (AUR410 duplicates, AUR411 dead code): its cost, and whether it
delays the per-file diagnostics.

    .venv/bin/python bench/crossfile_bench.py [--edits 30] [--repeats 5] [--skip-lsp]

Workspace: a copy of the interpreter's own `asyncio` package (real code, ~30 files).

Part 1, plain Python (no editor), medians of ``--repeats`` runs:
  - reference table: every file read and parsed into the workspace table (cold);
  - dead code: the AUR411 question for every file (no parsing: table lookups);
  - duplicates, fresh: every function's neighbours asked of the real HNSW index
    (built once with all-MiniLM-L6-v2 before timing) and confirmed by token similarity;
  - duplicates, after one edit: the same with cached neighbours (what a keystroke costs);
  - findings: both rules through the engine (suppressions, severities) for every file.

Part 2, LSP over stdio: `asyncio/base_events.py` (~2,000 lines) is opened and edited
``--edits`` times, alternately inserting and removing a method with `value == None`.
The latency is from didChange to the first publishDiagnostics whose per-file
findings reflect the edit (AUR104 present / absent). Runs: cross-file off and on
(index off in both: only the pass differs), then index on with cross-file off and on
(the index is warm from part 1). p50/p95 per run.
Writes bench/results/crossfile_bench.json.
"""

from __future__ import annotations

import argparse
import asyncio
import asyncio as _asyncio_pkg
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

FILE = "base_events.py"
PROBE = "    def _bench_probe(self, value):\n        return value == None\n\n"


def median_ms(xs: list[float]) -> float:
    return round(statistics.median(xs) * 1000, 2)


def p95_ms(xs: list[float]) -> float:
    return round(sorted(xs)[int(0.95 * (len(xs) - 1))] * 1000, 2)


def timed(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return median_ms(times), result


# -- part 1 -------------------------------------------------------------------------------
def plain(root: Path, repeats: int) -> dict:
    from aurelis.analysis.crossfile.index_units import units_from_index
    from aurelis.analysis.crossfile.runner import load_workspace
    from aurelis.config.settings import Settings
    from aurelis.index.embedder import shared_embedder
    from aurelis.index.service import WorkspaceIndex

    settings = Settings()
    ms_table, ws = timed(lambda: load_workspace(root, settings), repeats)
    paths = ws.python_paths()
    ms_dead, unused = timed(lambda: sum(len(ws.references.unused(p)) for p in paths), repeats)

    s = settings.index
    index = WorkspaceIndex(root, s, shared_embedder(s.model, s.max_tokens, s.batch_size, s.threads))
    t0 = time.perf_counter()
    index.build()
    build_s = time.perf_counter() - t0

    def fresh():
        units, neighbours = units_from_index(index, root, ws.sources.get)
        ws.set_units(units, neighbours, fresh=True)
        return units

    ms_fresh, units = timed(fresh, repeats)
    target = (root / FILE).as_posix()
    original = ws.sources[target]
    edits = [original.replace(b"\nclass Server", b"\n# an edit above a class\nclass Server", 1), original]

    def one_edit():
        ws.update(target, edits[0])
        edits.reverse()
        u, n = units_from_index(index, root, ws.sources.get)
        ws.set_units(u, n, fresh=False)

    ms_edit, _ = timed(one_edit, repeats)
    ms_findings, findings = timed(lambda: [f for p in paths for f in ws.findings(p)], repeats)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    return {
        "files": len(paths),
        "functions": len(units),
        "index_build_s (not the pass; for scale)": round(build_s, 1),
        "reference_table_ms": ms_table,
        "dead_code_all_files_ms": ms_dead,
        "unused_definitions": unused,
        "duplicates_fresh_ms": ms_fresh,
        "duplicates_after_one_edit_ms": ms_edit,
        "findings_all_files_ms": ms_findings,
        "findings": counts,
    }


# -- part 2 -------------------------------------------------------------------------------
async def lsp_run(name: str, root: Path, edits: int, options: dict) -> dict:
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("crossfile-bench", "1")
    state: dict = {"want": None, "future": None}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(params: types.PublishDiagnosticsParams) -> None:
        want, fut = state["want"], state["future"]
        if want is None or fut is None or fut.done() or params.uri != want[0]:
            return
        has_probe = any(d.code == "AUR104" and d.range.start.line == want[2] + 1 for d in params.diagnostics)
        if has_probe == want[1]:
            fut.set_result(time.perf_counter())

    for method in (types.WORKSPACE_CONFIGURATION,):
        client.feature(method)(lambda params: [None for _ in params.items])
    for method in (
        types.WINDOW_WORK_DONE_PROGRESS_CREATE,
        types.PROGRESS,
        types.CLIENT_REGISTER_CAPABILITY,
        types.WINDOW_LOG_MESSAGE,
        types.WINDOW_SHOW_MESSAGE,
    ):
        client.feature(method)(lambda params: None)

    await client.start_io(sys.executable, "-m", "aurelis", "serve", "--log-level", "warning")
    caps = types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        workspace=types.WorkspaceClientCapabilities(configuration=True, workspace_folders=True),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)
        ),
    )
    await client.initialize_async(
        types.InitializeParams(
            process_id=os.getpid(),
            root_uri=root.as_uri(),
            capabilities=caps,
            initialization_options=options,
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
    )
    client.initialized(types.InitializedParams())
    path = root / FILE
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    lines = text.splitlines()
    line = next(
        i
        for i in range(len(lines) // 2, len(lines))
        if lines[i].startswith("    def ") and not lines[i - 1].lstrip().startswith("@")
    )

    async def wait_for(present: bool, send) -> float:
        state["want"] = (uri, present, line)
        state["future"] = asyncio.get_running_loop().create_future()
        t0 = time.perf_counter()
        send()
        return await asyncio.wait_for(state["future"], 60) - t0

    try:
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
            )
        )
        await asyncio.sleep(3)  # let the start-up pass (and the index load) begin, as in an editor
        latencies = []
        for i in range(edits):
            insert = i % 2 == 0
            rng = (
                types.Range(types.Position(line, 0), types.Position(line, 0))
                if insert
                else types.Range(types.Position(line, 0), types.Position(line + PROBE.count("\n"), 0))
            )
            params = types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=i + 2),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=rng, text=PROBE if insert else "")
                ],
            )
            latencies.append(await wait_for(insert, lambda p=params: client.text_document_did_change(p)))
        return {
            "run": name,
            "p50_ms": median_ms(latencies),
            "p95_ms": p95_ms(latencies),
            "min_ms": round(min(latencies) * 1000, 2),
        }
    finally:
        try:
            await asyncio.wait_for(client.shutdown_async(None), 10)
            client.exit(None)
        except Exception:
            pass
        await client.stop()


async def lsp(root: Path, edits: int) -> list[dict]:
    runs = {
        "cross-file off (index off)": {"index": {"enabled": False}, "analysis": {"cross_file": False}},
        "cross-file on (index off)": {"index": {"enabled": False}, "analysis": {"cross_file": True}},
        "cross-file off (index on)": {"index": {"enabled": True}, "analysis": {"cross_file": False}},
        "cross-file on (index on)": {"index": {"enabled": True}, "analysis": {"cross_file": True}},
    }
    out = []
    for name, options in runs.items():
        try:
            r = await lsp_run(name, root, edits, options)
        except Exception as exc:
            r = {"run": name, "error": repr(exc)}
        print(json.dumps(r), flush=True)
        out.append(r)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-lsp", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aurelis-crossfile-bench-"))
    os.environ["AURELIS_CACHE_DIR"] = str(work / "cache")  # the servers find the index part 1 built
    root = work / "asyncio"
    shutil.copytree(Path(_asyncio_pkg.__file__).parent, root, ignore=shutil.ignore_patterns("__pycache__"))
    try:
        part1 = plain(root, args.repeats)
        print(json.dumps(part1, indent=2), flush=True)
        part2 = [] if args.skip_lsp else asyncio.run(lsp(root, args.edits))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = Path(__file__).parent / "results" / "crossfile_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"plain": part1, "lsp": part2}, indent=2) + "\n")


if __name__ == "__main__":
    main()
