"""Latency Aurelis adds around an AI provider call (target: p50 < 50 ms).

    .venv/bin/python bench/ai_bench.py [--calls 40] [--no-index] [--no-lsp]

The provider is the local OpenAI-compatible test server (tests/support/fake_llm.py)
answering at once, so what is measured is Aurelis' own work. The workspace is a
copy of the interpreter's `asyncio` package; each call is `fix` on a different
function of `base_events.py` (~2,000 lines), the response cache is off.

Part 1, in process (the AIService the server and the CLI use), per call:
  context  = target + imports + definitions (tree + memoised jedi) + index hybrid search
             (HNSW neighbours of the target's own vector from the real all-MiniLM-L6-v2
             index over the package, fused with BM25) + packing + redaction
  edit     = code extraction, re-indent, minimal edit, tree-sitter re-parse of the result
  added    = the whole `fix` call minus the HTTP round trip to the provider
Part 2, through a real `aurelis serve` over stdio: executeCommand `aurelis.fix`
until its result (including the workspace/applyEdit round trip), minus the
provider round trip measured by the server-side chain (same HTTP call).
Prints p50/p95; writes bench/results/ai_bench.json.
"""

from __future__ import annotations

import argparse
import asyncio
import asyncio as _asyncio_pkg
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# embeddings cache reused between runs; nothing written to the user's cache dir
os.environ.setdefault("AURELIS_CACHE_DIR", str(Path(tempfile.gettempdir()) / "aurelis-ai-bench-cache"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "server"))

from tests.support.fake_llm import FakeLLM  # noqa: E402  (after the sys.path set-up above)

FILE = "base_events.py"
_TARGET = re.compile(r"## Target\n```python\n(.*?)\n```", re.DOTALL)


def p95(xs: list[float]) -> float:
    return sorted(xs)[int(0.95 * (len(xs) - 1))]


def stats(xs: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(xs) * 1000, 2),
        "p95_ms": round(p95(xs) * 1000, 2),
        "n": len(xs),
    }


def responder(body: dict) -> str:
    """A plausible fix: the target function with one comment line added after its signature."""
    user = body["messages"][-1]["content"]
    m = _TARGET.search(user)
    code = m.group(1) if m else "pass"
    lines = code.split("\n")
    in_def = False
    for i, line in enumerate(lines):
        in_def = in_def or line.lstrip().startswith(("def ", "async def "))
        if in_def and line.split("#")[0].rstrip().endswith(":"):  # end of a (multi-line) signature
            indent = len(lines[0]) - len(lines[0].lstrip()) + 4
            lines.insert(i + 1, " " * indent + "# checked")
            break
    return "```python\n" + "\n".join(lines) + "\n```"


def functions(text: str, count: int) -> list[int]:
    """Byte offsets inside ``count`` different methods, spread over the file."""
    starts = [m.start() for m in re.finditer(r"^    (?:async )?def \w+\(self", text, re.MULTILINE)]
    step = max(1, len(starts) // count)
    picked = starts[::step][:count]
    return [len(text[: s + 8].encode()) for s in picked]


def workspace() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="aurelis-ai-bench-"))
    shutil.copytree(
        Path(_asyncio_pkg.__file__).parent, tmp / "asyncio", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp


# -- part 1: in process ----------------------------------------------------------------------
async def in_process(ws: Path, llm: FakeLLM, calls: int, with_index: bool) -> dict:
    from aurelis.ai import context as ctxmod
    from aurelis.ai import edits
    from aurelis.ai.cache import ResponseCache
    from aurelis.ai.chain import ProviderChain
    from aurelis.ai.retrieval import index_retriever
    from aurelis.ai.service import AIService, Target
    from aurelis.config.ai import AISettings
    from aurelis.engine import Engine
    from aurelis.workspace.document import Document
    from aurelis.workspace.folders import Folder

    retriever = None
    if with_index:
        engine = Engine()
        folder = Folder.from_path(ws)
        engine.folders.add(folder)
        idx = engine.indexes.for_folder(folder)
        t = time.perf_counter()
        idx.build()
        print(
            f"index built: {idx.status()['chunks']} chunks in {time.perf_counter() - t:.1f}s", file=sys.stderr
        )
        retriever = index_retriever(idx)
        retriever("warm up the model", 3)
    ai = AISettings.model_validate(
        {
            "providers": [
                {"name": "local", "kind": "openai", "base_url": llm.openai_base_url, "model": "fake"}
            ],
            "cache": False,
        }
    )
    service = AIService(ProviderChain(ResponseCache(ws / ".cache")))
    path = ws / "asyncio" / FILE
    text = path.read_text(encoding="utf-8")
    doc = Document(path.as_uri(), text, 1, "python")
    timings: dict[str, list[float]] = {"context": [], "provider": [], "edit": [], "total": [], "added": []}
    spent: dict[str, float] = {}

    real_build, real_complete, real_plan = ctxmod.build, service.chain.complete, edits.plan_replace

    def timed_build(*a, **kw):
        t0 = time.perf_counter()
        try:
            return real_build(*a, **kw)
        finally:
            spent["context"] = time.perf_counter() - t0

    async def timed_complete(*a, **kw):
        t0 = time.perf_counter()
        try:
            return await real_complete(*a, **kw)
        finally:
            spent["provider"] = time.perf_counter() - t0

    def timed_plan(*a, **kw):
        t0 = time.perf_counter()
        try:
            return real_plan(*a, **kw)
        finally:
            spent["edit"] = time.perf_counter() - t0

    ctxmod.build, service.chain.complete, edits.plan_replace = timed_build, timed_complete, timed_plan
    offsets = functions(text, calls + 3)
    applied = 0
    try:
        for i, off in enumerate(offsets):
            spent.clear()
            t0 = time.perf_counter()
            answer = await service.fix(Target(doc, off, off, ws, retriever), ai, problem="bench")
            total = time.perf_counter() - t0
            if i < 3:  # warm-up: jedi and tree-sitter caches
                continue
            applied += answer.edit is not None
            for k in ("context", "provider", "edit"):
                timings[k].append(spent.get(k, 0.0))
            timings["total"].append(total)
            timings["added"].append(total - spent.get("provider", 0.0))
    finally:
        ctxmod.build, edits.plan_replace = real_build, real_plan
        await service.chain.aclose()
    out = {k: stats(v) for k, v in timings.items()}
    out["edits_computed"] = applied
    return out


# -- part 2: through the LSP server ----------------------------------------------------------
async def through_lsp(ws: Path, llm: FakeLLM, calls: int) -> dict:
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("ai-bench", "1")
    texts: dict[str, tuple[int, str]] = {}

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply(params: types.ApplyWorkspaceEditParams):
        return types.ApplyWorkspaceEditResult(applied=False, failure_reason="bench: not applied")

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def create(params):
        return None

    for method in (
        types.PROGRESS,
        types.WINDOW_SHOW_MESSAGE,
        types.WINDOW_LOG_MESSAGE,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
    ):
        client.feature(method)(lambda params: None)

    env = {**os.environ, "AURELIS_CACHE_DIR": str(ws / ".cache-lsp")}
    await client.start_io(sys.executable, "-m", "aurelis", "serve", "--log-level", "warning", env=env)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                window=types.WindowClientCapabilities(work_done_progress=True),
                workspace=types.WorkspaceClientCapabilities(apply_edit=True),
            ),
            root_uri=ws.as_uri(),
            workspace_folders=[types.WorkspaceFolder(ws.as_uri(), "ws")],
            initialization_options={
                "index": {"enabled": False},
                "ai": {
                    "cache": False,
                    "providers": [
                        {"name": "local", "kind": "openai", "base_url": llm.openai_base_url, "model": "fake"}
                    ],
                },
            },
        )
    )
    client.initialized(types.InitializedParams())
    path = ws / "asyncio" / FILE
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    texts[uri] = (1, text)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    lines = text.split("\n")
    targets = [i for i, line in enumerate(lines) if re.match(r"    (async )?def \w+\(self", line)]
    step = max(1, len(targets) // (calls + 3))
    rtt: list[float] = []
    for i, line in enumerate(targets[::step][: calls + 3]):
        pos = {"line": line, "character": 8}
        t0 = time.perf_counter()
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="aurelis.fix", arguments=[{"uri": uri, "range": {"start": pos, "end": pos}}]
            )
        )
        if i >= 3:
            rtt.append(time.perf_counter() - t0)
    # the provider's share, measured the same way from this process: one direct HTTP call per target
    import httpx

    direct: list[float] = []
    async with httpx.AsyncClient() as http:
        for body in [r.body for r in llm.requests[-len(rtt) :]]:
            t0 = time.perf_counter()
            async with http.stream("POST", f"{llm.openai_base_url}/chat/completions", json=body) as resp:
                async for _ in resp.aiter_bytes():
                    pass
            direct.append(time.perf_counter() - t0)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    added = [a - b for a, b in zip(rtt, direct, strict=False)]
    return {"execute_command_rtt": stats(rtt), "provider_http_direct": stats(direct), "added": stats(added)}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument(
        "--no-index", action="store_true", help="skip the index (no retrieval in the context)"
    )
    parser.add_argument("--no-lsp", action="store_true", help="skip part 2")
    args = parser.parse_args()
    ws = workspace()
    results: dict = {"calls": args.calls, "file": f"asyncio/{FILE}"}
    try:
        with FakeLLM(responder=responder) as llm:
            results["in_process"] = await in_process(ws, llm, args.calls, not args.no_index)
            if not args.no_lsp:
                results["lsp"] = await through_lsp(ws, llm, args.calls)
    finally:
        shutil.rmtree(ws, ignore_errors=True)
    ip = results["in_process"]
    print(f"AI fix on asyncio/{FILE}, {args.calls} calls, provider = local test server (instant answers)")
    print(f"{'in process':<28}{'p50 ms':>10}{'p95 ms':>10}")
    for k in ("context", "edit", "provider", "total", "added"):
        print(f"  {k:<26}{ip[k]['p50_ms']:>10.2f}{ip[k]['p95_ms']:>10.2f}")
    print(
        f"  edits computed: {ip['edits_computed']}/{args.calls}; index retrieval: {'on' if not args.no_index else 'off'}"
    )
    if "lsp" in results:
        lsp = results["lsp"]
        print(f"{'through aurelis serve':<28}{'p50 ms':>10}{'p95 ms':>10}")
        for k in ("execute_command_rtt", "provider_http_direct", "added"):
            print(f"  {k:<26}{lsp[k]['p50_ms']:>10.2f}{lsp[k]['p95_ms']:>10.2f}")
    verdict = "meets" if ip["added"]["p50_ms"] < 50 else "MISSES"
    print(f"server-added latency p50 {ip['added']['p50_ms']:.2f} ms {verdict} the < 50 ms target")
    out = ROOT / "bench" / "results" / "ai_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
