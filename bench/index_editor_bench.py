"""Editor requests while a cold index runs, over a real stdio session.

Starts `aurelis serve` on the ~100k-line stdlib corpus of index_bench.py with an
empty cache (so the index is cold), waits until encoding is under way, then
measures textDocument/codeAction latency and didChange -> publishDiagnostics
(didChange -> aurelis.syntaxTree when no producer flags the edit). Prints p50/p95
and the index state at the end, which must still be "indexing".

    HF_HUB_OFFLINE=1 .venv/bin/python bench/index_editor_bench.py [--lines 100000] [--rounds 40]
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
from index_bench import pct, stdlib_files, strip_docstrings
from lsprotocol import types
from pytest_lsp.client import make_test_lsp_client

VARIANTS = [
    "def f(x):\n    if x == None:\n        return 1\n    return 2\n",
    "def f(x):\n    if x == None:\n        return 1\n    if x != None:\n        return 3\n    return 2\n",
]


async def wait(pred, timeout=120.0):
    deadline = time.perf_counter() + timeout
    while not (value := pred()):
        if time.perf_counter() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.002)
    return value


async def run(args) -> int:
    work = Path(tempfile.mkdtemp(prefix="aurelis-editor-bench-"))
    corpus = work / "corpus"
    for path, rel in stdlib_files(args.lines):
        dest = corpus / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(strip_docstrings(path.read_bytes()))
    env = {**os.environ, "AURELIS_CACHE_DIR": str(work / "cache"), "HF_HUB_OFFLINE": "1"}
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "aurelis", "serve", env=env)
    caps = types.ClientCapabilities(window=types.WindowClientCapabilities(work_done_progress=True))
    await client.initialize_session(
        types.InitializeParams(
            capabilities=caps, workspace_folders=[types.WorkspaceFolder(corpus.as_uri(), "corpus")]
        )
    )

    def encoding_started():
        return any(
            isinstance(v, types.WorkDoneProgressReport) and (v.percentage or 0) > 0
            for vs in client.progress_reports.values()
            for v in vs
        )

    await wait(encoding_started, timeout=600)
    uri = (work / "edited.py").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=1, text=VARIANTS[0])
        )
    )
    await asyncio.sleep(1.0)  # let the first analysis settle before timing
    flagged = len(client.diagnostics.get(uri, [])) > 0
    change_ms, action_ms = [], []
    for i in range(args.rounds):
        version = i + 2
        text = VARIANTS[version % 2]
        expected = text.count("None")
        t = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        if flagged:
            await wait(lambda n=expected: len(client.diagnostics.get(uri, [])) == n)
        else:
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams("aurelis.syntaxTree", [{"uri": uri}])
            )
        change_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri),
                types.Range(types.Position(1, 0), types.Position(1, 20)),
                types.CodeActionContext(diagnostics=list(client.diagnostics.get(uri, []))),
            )
        )
        action_ms.append((time.perf_counter() - t) * 1000)
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams("aurelis.status", [{}]))
    what = (
        "didChange -> publishDiagnostics"
        if flagged
        else "didChange -> aurelis.syntaxTree (no diagnostics producer)"
    )
    print(
        f"while a cold index of {args.lines} stdlib lines runs (state at end: {status['state']}, "
        f"{status['chunks']} chunks so far):"
    )
    print(
        f"  {what}: p50 {statistics.median(change_ms):.1f} ms, p95 {pct(change_ms, 0.95):.1f} ms ({args.rounds} rounds)"
    )
    print(
        f"  textDocument/codeAction: p50 {statistics.median(action_ms):.1f} ms, p95 {pct(action_ms, 0.95):.1f} ms"
    )
    await client.shutdown_session()
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=40)
    return asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
