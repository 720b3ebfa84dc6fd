"""didChange -> publishDiagnostics latency: Aurelis vs `ruff server` vs pylsp, on four real files.

    .venv/bin/python bench/diagnostics_bench.py [--edits 50] [--rounds 3]
        [--servers aurelis,ruff,pylsp] [--files click,flask,requests,asyncio]

The same pygls LSP client drives every server in one run over stdio. The documents:

- click 8.1.8 `src/click/core.py`, flask 3.1.0 `src/flask/app.py`, requests 2.32.3
  `src/requests/models.py`: each from its pinned sdist (downloaded once into
  ``$AURELIS_BENCH_CACHE``, default the temp dir, with pip's own client; never vendored),
  the package's source folder copied out as the workspace folder;
- the interpreter's own `asyncio/base_events.py`, from a copy of the `asyncio` package.

Each edit alternately inserts a small method with an unused local (`unused = value == None`)
in the middle of the file and removes it again (a problem appears, then disappears); the
latency is the time from sending didChange to the first publishDiagnostics for that document
version. ruff must be 0.17.x (the pin in the dev extra): the peer the issue names.
Aurelis runs with indexing and the cross-file pass off, and (``--background``) with them on.
Rounds interleave files and servers, so a burst of load on this shared machine hits all of
them; p50/p95 are over all rounds' samples and the ratio to ruff server is the median of the
per-round ratios of p50s. The CPU the server process spent per edit is printed too: on a
loaded machine the wall-clock figures (and their ratios) are mostly waiting for a core, and
the CPU figure says what each server costs. Prints a table per file with the load average; writes
bench/results/diagnostics_bench.json.
"""

from __future__ import annotations

import argparse
import asyncio
import asyncio as _asyncio_pkg
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import psutil
from lsprotocol import types
from pygls.lsp.client import LanguageClient

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
BIN = Path(sys.executable).parent
FILE = "base_events.py"


def p95(xs: list[float]) -> float:
    return sorted(xs)[int(0.95 * (len(xs) - 1))]


# A method with an unused local that compares to None with `==`: Aurelis (AUR402, AUR104),
# ruff (F841 in its default rule set) and pyflakes/pycodestyle (if pylsp has them) flag it.
PROBE = "    def _bench_probe(self, value):\n        unused = value == None\n        return value\n\n"


def insertion_line(text: str) -> int:
    """A method definition near the middle of the file: the probe method fits right before it."""
    lines = text.splitlines()
    mid = len(lines) // 2
    for i in range(mid, len(lines)):
        if lines[i].startswith("    def ") and not lines[i - 1].lstrip().startswith("@"):
            return i
    raise SystemExit("no method definition after the middle of the file")


AURELIS = (
    [sys.executable, os.environ["AURELIS_SERVE_SCRIPT"]]
    if os.environ.get("AURELIS_SERVE_SCRIPT")
    else [sys.executable, "-m", "aurelis", "serve", "--log-level", "warning"]
)


def probe_change(uri: str, line: int, i: int) -> types.DidChangeTextDocumentParams:
    """Edit ``i`` (version ``i + 2``): insert the probe method (even) or remove it again (odd)."""
    if i % 2 == 0:  # introduce the problem
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, 0), types.Position(line, 0)), text=PROBE
        )
    else:  # and remove it
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, 0), types.Position(line + PROBE.count("\n"), 0)), text=""
        )
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=i + 2), content_changes=[change]
    )


def asyncio_workspace(prefix: str) -> tuple[Path, Path]:
    """(scratch dir, a copy of the interpreter's `asyncio` package in it as the workspace folder)."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    root = work / "asyncio"
    shutil.copytree(Path(_asyncio_pkg.__file__).parent, root, ignore=shutil.ignore_patterns("__pycache__"))
    return work, root


class Session:
    def __init__(self, name: str, command: list[str], init_options: dict | None = None) -> None:
        self.name, self.command, self.init_options = name, command, init_options
        self.client = LanguageClient("diagnostics-bench", "1")
        self.arrivals: dict[str, list[tuple[float, int | None, int]]] = {}
        self.waiter: asyncio.Future | None = None
        self.want: tuple[str, int] | None = None

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _published(params: types.PublishDiagnosticsParams) -> None:
            return None  # timed on arrival, below

        # The clock stops when the notification's JSON has been read, before the client turns
        # it into lsprotocol objects: that conversion (cattrs, ~0.2 ms per diagnostic) is the
        # bench client's cost, not the server's, and would charge the server that sends more
        # diagnostics (ruff 0.17's default rules report ~200 on click's core.py).
        structure = self.client.protocol.structure_message

        def arrived(data: dict):
            if data.get("method") == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS and "jsonrpc" in data:
                self._arrived(data.get("params") or {})
            return structure(data)

        self.client.protocol.structure_message = arrived  # type: ignore[method-assign]

        @self.client.feature(types.WORKSPACE_CONFIGURATION)
        def _configuration(params: types.ConfigurationParams) -> list:
            return [None for _ in params.items]

        @self.client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def _progress(params) -> None:
            return None

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def _log(params: types.LogMessageParams) -> None:
            if os.environ.get("BENCH_VERBOSE"):
                print(f"  [{name}] {params.message}", file=sys.stderr)

        @self.client.feature(types.PROGRESS)
        def _progress_report(params) -> None:
            return None

        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def _register(params) -> None:
            return None

    def _arrived(self, params: dict) -> None:
        now = time.perf_counter()
        uri, version, count = params.get("uri"), params.get("version"), len(params.get("diagnostics") or [])
        self.arrivals.setdefault(uri, []).append((now, version, count))
        if self.waiter is not None and not self.waiter.done() and self.want is not None:
            want_uri, want_version = self.want
            if uri == want_uri and (version is None or version >= want_version):
                self.waiter.set_result((now, count))

    async def start(self, root: Path) -> None:
        # lsprotocol cannot structure the notebook selector ruff advertises; the bench needs none of it.
        self.client.protocol._converter.register_structure_hook(
            types.NotebookDocumentSyncOptions, lambda obj, _type: None
        )
        await self.client.start_io(*self.command)
        caps = types.ClientCapabilities(
            window=types.WindowClientCapabilities(work_done_progress=True),
            workspace=types.WorkspaceClientCapabilities(configuration=True, workspace_folders=True),
            text_document=types.TextDocumentClientCapabilities(
                synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            ),
        )  # no pull-diagnostics capability: every server pushes
        uri = root.as_uri()
        await asyncio.wait_for(
            self.client.initialize_async(
                types.InitializeParams(
                    process_id=os.getpid(),
                    root_uri=uri,
                    capabilities=caps,
                    initialization_options=self.init_options,
                    workspace_folders=[types.WorkspaceFolder(uri=uri, name=root.name)],
                )
            ),
            120,
        )
        self.client.initialized(types.InitializedParams())

    async def wait(self, uri: str, version: int, send, timeout: float = 30.0) -> tuple[float, int]:
        self.want = (uri, version)
        self.waiter = asyncio.get_running_loop().create_future()
        t0 = time.perf_counter()
        send()
        t1, count = await asyncio.wait_for(self.waiter, timeout)
        return t1 - t0, count

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
        except Exception:
            pass
        await self.client.stop()


async def measure(
    name: str,
    command: list[str],
    root: Path,
    edits: int,
    init_options: dict | None = None,
    file: str = FILE,
) -> dict:
    path = root / file
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    line = insertion_line(text)
    s = Session(name, command, init_options)
    before = set(_children())
    await s.start(root)
    server = next(iter(set(_children()) - before), None)  # the server process this session spawned
    try:
        open_latency, _open_count = await s.wait(
            uri,
            1,
            lambda: s.client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
                )
            ),
            timeout=120,
        )
        latencies, counts = [], []
        cpu0 = _cpu(server)
        for i in range(edits):
            params = probe_change(uri, line, i)
            dt, count = await s.wait(uri, i + 2, lambda p=params: s.client.text_document_did_change(p))
            latencies.append(dt)
            counts.append(count)
        cpu = _cpu(server) - cpu0
        return {
            "server": name,
            "open_ms": round(open_latency * 1000, 2),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p95_ms": round(p95(latencies) * 1000, 2),
            "min_ms": round(min(latencies) * 1000, 2),
            # CPU the server process spent per edit (all its threads): unlike the wall-clock
            # figures, this barely moves with the machine's load.
            "cpu_ms_per_edit": round(cpu * 1000 / edits, 2),
            "latencies_ms": [round(x * 1000, 3) for x in latencies],
            "diagnostics_with_problem": counts[0],
            "diagnostics_without": counts[1] if len(counts) > 1 else None,
        }
    finally:
        await s.stop()


def _children() -> list[psutil.Process]:
    return psutil.Process().children()


def _cpu(proc: psutil.Process | None) -> float:
    if proc is None:
        return float("nan")
    try:
        t = proc.cpu_times()
        return t.user + t.system
    except psutil.Error:
        return float("nan")


# name -> (sdist, version, source folder in the sdist, file in it); None: the interpreter's asyncio
SOURCES: dict[str, tuple[str, str, str, str] | None] = {
    "click": ("click", "8.1.8", "src/click", "core.py"),
    "flask": ("flask", "3.1.0", "src/flask", "app.py"),
    "requests": ("requests", "2.32.3", "src/requests", "models.py"),
    "asyncio": None,
}
RUFF_SERIES = "0.17."


def sdist_workspace(work: Path, name: str) -> tuple[Path, str]:
    """(workspace folder, file) for one of SOURCES, extracted from its pinned sdist."""
    spec = SOURCES[name]
    if spec is None:
        root = work / "asyncio"
        if not root.exists():
            shutil.copytree(
                Path(_asyncio_pkg.__file__).parent, root, ignore=shutil.ignore_patterns("__pycache__")
            )
        return root, FILE
    dist, version, folder, file = spec
    cache = Path(os.environ.get("AURELIS_BENCH_CACHE", Path(tempfile.gettempdir()) / "aurelis-bench-sdists"))
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / f"{dist}-{version}.tar.gz"
    if not archive.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-binary",
                ":all:",
                "--no-deps",
                f"{dist}=={version}",
                "-d",
                str(cache),
            ],
            check=True,
        )
    root = work / dist
    if not root.exists():
        prefix = f"{dist}-{version}/{folder}/"
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(prefix) and m.isfile()]
            for m in members:
                target = root / m.name[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = tar.extractfile(m)
                assert extracted is not None
                target.write_bytes(extracted.read())
    return root, file


def ruff_version() -> str:
    out = subprocess.run([str(BIN / "ruff"), "--version"], capture_output=True, text=True, check=True)
    version = out.stdout.split()[-1]
    if not version.startswith(RUFF_SERIES):
        raise SystemExit(
            f"ruff {version}: the bench compares against ruff {RUFF_SERIES}x (the dev extra pins it)"
        )
    return version


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main_async(args: argparse.Namespace) -> dict[str, list[dict]]:
    work = Path(tempfile.mkdtemp(prefix="aurelis-diag-bench-"))
    files = [f.strip() for f in args.files.split(",")]
    wanted = [s.strip() for s in args.servers.split(",")]
    print(f"ruff {ruff_version()}, {args.edits} edits x {args.rounds} rounds, load average {load()}")
    runs = {
        "aurelis": (AURELIS, {"index": {"enabled": False}, "analysis": {"cross_file": False}}),
        "aurelis+index+cross-file": (AURELIS, {"index": {"enabled": True}, "analysis": {"cross_file": True}}),
        "ruff server": ([str(BIN / "ruff"), "server"], None),
        "pylsp": ([str(BIN / "pylsp")], None),
    }
    if not args.background:
        del runs["aurelis+index+cross-file"]
    rounds: dict[str, list[dict[str, dict]]] = {f: [] for f in files}
    try:
        workspaces = {f: sdist_workspace(work, f) for f in files}
        for f, (root, file) in workspaces.items():
            lines = len((root / file).read_text(encoding="utf-8").splitlines())
            print(f"  {f}: {file} ({lines} lines), workspace {root}")
        for n in range(args.rounds):
            for f in files:
                root, file = workspaces[f]
                this: dict[str, dict] = {}
                for name, (command, options) in runs.items():
                    if name.split("+")[0].split()[0] not in wanted:
                        continue
                    os.environ["AURELIS_CACHE_DIR"] = str(work / f"cache-{f}-{n}")  # a cold index
                    try:
                        r = await measure(name, command, root, args.edits, options, file)
                    except Exception as exc:  # a server that cannot run here is reported, not fatal
                        r = {"server": name, "error": repr(exc)}
                    r["load"] = load()
                    this[name] = r
                    shown = {k: v for k, v in r.items() if k != "latencies_ms"}
                    print(json.dumps(shown | {"file": f, "round": n + 1}), flush=True)
                rounds[f].append(this)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {f: summarize(r) for f, r in rounds.items()}


def summarize(rounds: list[dict[str, dict]]) -> list[dict]:
    """Per server: p50/p95 over every round's samples, each round's p50, and for Aurelis the
    ratio to ruff server's p50 in the same round (their median is the headline figure)."""
    out = []
    for name in rounds[0]:
        runs = [r[name] for r in rounds if "latencies_ms" in r.get(name, {})]
        if not runs:
            out.append(rounds[0][name])
            continue
        pooled = [x for r in runs for x in r["latencies_ms"]]
        row = {
            "server": name,
            "rounds": len(runs),
            "p50_ms": round(statistics.median(pooled), 2),
            "p95_ms": round(p95(pooled), 2),
            "round_p50_ms": [r["p50_ms"] for r in runs],
            "open_ms": round(statistics.median(r["open_ms"] for r in runs), 2),
            "cpu_ms_per_edit": round(statistics.median(r["cpu_ms_per_edit"] for r in runs), 2),
            "diagnostics_with_problem": runs[0]["diagnostics_with_problem"],
            "diagnostics_without": runs[0]["diagnostics_without"],
        }
        ratios = [
            r[name]["p50_ms"] / r["ruff server"]["p50_ms"]
            for r in rounds
            if "p50_ms" in r.get(name, {}) and "p50_ms" in r.get("ruff server", {})
        ]
        if ratios and name != "ruff server":
            row["round_ratio_to_ruff"] = [round(x, 2) for x in ratios]
            row["ratio_to_ruff"] = round(statistics.median(ratios), 2)
        out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--servers", default="aurelis,ruff,pylsp")
    ap.add_argument("--files", default=",".join(SOURCES))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--background", action="store_true", help="also Aurelis with index + cross-file on")
    args = ap.parse_args()
    results = asyncio.run(main_async(args))
    print(f"\nload average at the end: {load()}")
    print(f"{'file':<10}{'server':<28}{'p50 ms':>9}{'p95 ms':>9}{'open ms':>9}{'x ruff':>8}{'cpu/edit':>10}")
    for f, rows in results.items():
        for r in rows:
            if "error" in r:
                print(f"{f:<10}{r['server']:<28} error: {r['error']}")
                continue
            ratio = f"{r['ratio_to_ruff']:.2f}" if "ratio_to_ruff" in r else ""
            cpu = r.get("cpu_ms_per_edit", "")
            print(
                f"{f:<10}{r['server']:<28}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['open_ms']:>9}{ratio:>8}{cpu:>10}"
            )
    for f, rows in results.items():
        for r in rows:
            if "ratio_to_ruff" in r:
                print(
                    f"{f}: {r['server']} p50 = {r['ratio_to_ruff']:.2f}x ruff server's (rounds: {r['round_ratio_to_ruff']})"
                )
    out = Path(__file__).parent / "results" / "diagnostics_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
