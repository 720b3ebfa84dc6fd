"""Search quality on docstring-stripped code: MRR@10, R@1, R@10 with bootstrap 95% CIs.

Libraries are installed from pinned sdists into a cache directory outside the repository
(``--cache``, default ``~/.cache/aurelis-bench``), never vendored. Each library is its own
workspace folder with its docstrings stripped (comments stay); the queries are the first
sentence of each stripped docstring of a function or method of >= 3 lines, the target is that
function. The split is fixed and by library: tune on ``dev``, report on ``test``.

The project's real index runs: ``WorkspaceIndex.build`` (chunker, embedder, hnswlib, BM25) and
``WorkspaceIndex.search`` (query handling, fusion). Vectors are cached by content hash in the
cache directory, so a variant that changes only the lexical side or the fusion encodes nothing.

    .venv/bin/python bench/search_quality.py [--split test] [--variant baseline --variant default]
    .venv/bin/python bench/search_quality.py --list           # the variants
    .venv/bin/python bench/search_quality.py --cold attrs      # cold index throughput, old vs new text
    .venv/bin/python bench/search_quality.py --kinds class      # class-seeking queries (a check)

What was measured, adopted and not, round by round: ``docs/search-quality.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from index_bench import first_sentence, strip_docstrings


@dataclass(frozen=True)
class Library:
    name: str
    sdist: str  # "name==version" (pinned), or "" for the interpreter's own standard library
    roots: tuple[str, ...]  # folders inside the unpacked sdist (or the stdlib) that are indexed
    split: str
    tuned: bool = True  # a train library the model's tuning may use (False: the reranker's only)


LIBRARIES = (
    Library("rich", "rich==13.9.4", ("rich",), "dev"),
    Library("click", "click==8.1.7", ("src/click",), "dev"),
    Library("stdlib", "", ("email", "logging", "json", "http"), "dev"),
    Library("attrs", "attrs==24.2.0", ("src/attr", "src/attrs"), "test"),
    Library("jinja2", "jinja2==3.1.4", ("src/jinja2",), "test"),
    Library("werkzeug", "werkzeug==3.0.6", ("src/werkzeug",), "test"),
    # The split the learned reranker is fitted on (``bench/search_train.py``): neither dev nor test.
    Library("requests", "requests==2.32.3", ("src/requests",), "train"),
    Library("flask", "flask==3.0.3", ("src/flask",), "train"),
    Library("httpx", "httpx==0.27.2", ("httpx",), "train"),
    Library("more-itertools", "more-itertools==10.5.0", ("more_itertools",), "train"),
    Library("boltons", "boltons==24.1.0", ("boltons",), "train"),
    Library("tornado", "tornado==6.4.1", ("tornado",), "train"),
    Library("markdown", "markdown==3.7", ("markdown",), "train"),
    Library("packaging", "packaging==24.2", ("src/packaging",), "train"),
    Library("networkx", "networkx==3.4.2", ("networkx",), "train"),
    Library("sphinx", "sphinx==8.1.3", ("sphinx",), "train"),
    Library("pytest", "pytest==8.3.3", ("src/_pytest",), "train"),
    Library("docutils", "docutils==0.21.2", ("docutils",), "train"),
    Library("paramiko", "paramiko==3.5.0", ("paramiko",), "train"),
    Library("babel", "babel==2.16.0", ("babel",), "train"),
    Library("pyparsing", "pyparsing==3.2.0", ("pyparsing",), "train"),
    Library("anyio", "anyio==4.6.2", ("src/anyio",), "train"),
    Library("urllib3", "urllib3==2.2.3", ("src/urllib3",), "train"),
    Library("marshmallow", "marshmallow==3.23.1", ("src/marshmallow",), "train"),
    Library("dateutil", "python-dateutil==2.9.0.post0", ("src/dateutil",), "train"),
    Library("toolz", "toolz==1.0.0", ("toolz",), "train"),
    Library("jsonschema", "jsonschema==4.23.0", ("jsonschema",), "train"),
    Library("starlette", "starlette==0.41.2", ("starlette",), "train"),
    Library("pluggy", "pluggy==1.5.0", ("src/pluggy",), "train"),
    Library("cachetools", "cachetools==5.5.0", ("src/cachetools",), "train"),
    # Added for the third tuning round (``search_tune.py --libs``): pairs the model had not seen.
    Library("pygments", "pygments==2.18.0", ("pygments",), "train"),
    Library("trio", "trio==0.27.0", ("src/trio",), "train"),
    Library("prompt_toolkit", "prompt_toolkit==3.0.48", ("src/prompt_toolkit",), "train"),
    Library("aiohttp", "aiohttp==3.10.10", ("aiohttp",), "train"),
    Library("sqlalchemy", "sqlalchemy==2.0.36", ("lib/sqlalchemy",), "train"),
    # Never in the model's tuning (``search_tune.py`` skips them): the reranker's rows from these
    # see dense scores as a workspace the model never met gets them, like dev and test.
    Library("pydantic", "pydantic==2.9.2", ("pydantic",), "train", tuned=False),
    Library("fsspec", "fsspec==2024.10.0", ("fsspec",), "train", tuned=False),
    Library("astroid", "astroid==3.3.5", ("astroid",), "train", tuned=False),
    Library("oauthlib", "oauthlib==3.2.2", ("oauthlib",), "train", tuned=False),
    Library("redis", "redis==5.2.0", ("redis",), "train", tuned=False),
    Library("falcon", "falcon==4.0.2", ("falcon",), "train", tuned=False),
    Library("webob", "webob==1.8.9", ("src/webob",), "train", tuned=False),
    Library("mako", "mako==1.3.6", ("mako",), "train", tuned=False),
    Library("tqdm", "tqdm==4.66.5", ("tqdm",), "train", tuned=False),
    Library("bs4", "beautifulsoup4==4.12.3", ("bs4",), "train", tuned=False),
    Library("black", "black==24.10.0", ("src/black", "src/blib2to3"), "train", tuned=False),
    Library("isort", "isort==5.13.2", ("isort",), "train", tuned=False),
    Library("h11", "h11==0.14.0", ("h11",), "train", tuned=False),
    Library("websockets", "websockets==13.1", ("src/websockets",), "train", tuned=False),
    Library("tomlkit", "tomlkit==0.13.2", ("tomlkit",), "train", tuned=False),
    Library("kombu", "kombu==5.4.2", ("kombu",), "train", tuned=False),
    Library("celery", "celery==5.4.0", ("celery",), "train", tuned=False),
    Library("hypothesis", "hypothesis==6.118.8", ("src/hypothesis",), "train", tuned=False),
    Library(
        "stdlib-train",
        "",
        (
            "asyncio",
            "collections",
            "concurrent",
            "importlib",
            "unittest",
            "urllib",
            "xml",
            "argparse.py",
            "typing.py",
            "inspect.py",
            "difflib.py",
            "textwrap.py",
            "shutil.py",
            "tarfile.py",
            "zipfile.py",
            "configparser.py",
            "pathlib.py",
            "pydoc.py",
            "tempfile.py",
            "subprocess.py",
            "threading.py",
            "fractions.py",
            "_pydecimal.py",
            "calendar.py",
            "string.py",
        ),
        "train",
    ),
)


# -- corpus -----------------------------------------------------------------------------------
def fetch_sources(lib: Library, cache: Path) -> Path:
    """The unpacked source tree of ``lib`` (downloaded once from its pinned sdist)."""
    if not lib.sdist:
        import sysconfig

        return Path(sysconfig.get_paths()["stdlib"])
    name, version = lib.sdist.split("==")
    unpacked = cache / "src" / f"{name}-{version}"
    if unpacked.is_dir():
        return unpacked
    sdists = cache / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    archive = _sdist_archive(sdists, name, version)
    if archive is None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-d",
                str(sdists),
                lib.sdist,
            ],
            check=True,
        )
        archive = _sdist_archive(sdists, name, version)
        if archive is None:
            raise SystemExit(f"no sdist of {lib.sdist} in {sdists}")
    tmp = Path(tempfile.mkdtemp(dir=cache))
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
    (top,) = list(tmp.iterdir())
    unpacked.parent.mkdir(parents=True, exist_ok=True)
    top.rename(unpacked)
    tmp.rmdir()
    return unpacked


def _sdist_archive(folder: Path, name: str, version: str) -> Path | None:
    want = f"{name}-{version}.tar.gz".lower().replace("_", "-")
    for p in folder.glob("*.tar.gz"):
        if p.name.lower().replace("_", "-") == want:
            return p
    return None


@dataclass(frozen=True)
class Query:
    lib: str
    text: str
    path: str
    name: str


FUNCTIONS = ("function", "method")


def prepare(
    lib: Library, cache: Path, kinds: tuple[str, ...] = FUNCTIONS, min_lines: int = 3
) -> tuple[Path, list[Query]]:
    """The docstring-stripped copy of ``lib`` (a workspace folder) and its queries (about chunks of
    ``kinds``: functions and methods for the score; classes for ``--kinds class``, a check that a
    change which favours functions does not lose the classes)."""
    from aurelis.index.chunker import chunk_source

    src_root = fetch_sources(lib, cache)
    corpus = cache / "corpus" / lib.name
    queries: list[Query] = []
    targets: dict[str, set[tuple[str, str]]] = {}
    for root in lib.roots:
        base = src_root / root
        files = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for path in files:
            if {"tests", "test"} & set(path.relative_to(src_root).parts):
                continue
            rel = path.relative_to(src_root).as_posix()
            src = path.read_bytes()
            stripped = strip_docstrings(src)
            dest = corpus / rel
            if not dest.exists() or dest.read_bytes() != stripped:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(stripped)
            spans = {
                c.name: c.end_line - c.start_line + 1
                for c in chunk_source(rel, stripped, "python")
                if c.kind in kinds and c.part <= 1
            }
            for c in chunk_source(rel, src, "python"):
                if c.kind not in kinds or c.part > 1 or not c.docstring:
                    continue
                text = first_sentence(c.docstring)
                if spans.get(c.name, 0) < min_lines or len(text.split()) < 3:
                    continue
                targets.setdefault(text, set()).add((rel, c.name))
                queries.append(Query(lib.name, text, rel, c.name))
    # A sentence shared by several functions ("See above.") names none of them.
    return corpus, [q for q in queries if len(targets[q.text]) == 1]


# -- variants ---------------------------------------------------------------------------------
_TARGETS = {
    "dense": "aurelis.index.texts.DENSE",
    "lex": "aurelis.index.texts.LEXICAL",
    "query": "aurelis.index.texts.QUERY",
    "fusion": "aurelis.index.fusion.FUSION",
    "bm25": "aurelis.index.lexical.BM25_PARAMS",
    "rerank": "aurelis.index.service.RERANK",
}


def changes() -> dict[str, tuple[str, dict]]:
    """One change each: name -> (target, fields it sets). ``--variant a+b`` applies a, then b."""
    table: dict[str, tuple[str, dict]] = {
        # Dense text (each needs its own encode).
        "dense:no-path": ("dense", {"path": False}),
        "dense:natural": ("dense", {"natural": True}),
        # Lexical side.
        "lex:owner-x0": ("lex", {"owner_weight": 0}),
        "lex:owner-x1": ("lex", {"owner_weight": 1}),
        "lex:no-members": ("lex", {"members": False}),
        "lex:no-path": ("lex", {"path_weight": 0}),
        "lex:members": ("lex", {"members": True}),
        "lex:query-stopwords": ("lex", {"query_stopwords": True}),
        "query:markup": ("query", {"markup": True}),
        "query:no-prefix": ("query", {"dense_prefix": ""}),
        "query:def": ("query", {"dense_prefix": "def "}),
        "query:function": ("query", {"dense_prefix": "function "}),
        "query:code": ("query", {"dense_prefix": "code: "}),
        "rerank": ("rerank", {"value": True}),
        "rerank:off": ("rerank", {"value": False}),
    }
    for w in (1, 3, 5, 8, 12):
        table[f"lex:name-x{w}"] = ("lex", {"name_weight": w})
    for k1, b in ((1.2, 0.75), (1.5, 0.5), (1.5, 0.9), (0.9, 0.4), (2.0, 0.75), (1.2, 0.9), (2.0, 0.9)):
        table[f"bm25:k1={k1},b={b}"] = ("bm25", {"k1": k1, "b": b})
    for method in ("bm25+", "bm25l", "robertson"):
        table[f"bm25:{method}"] = ("bm25", {"method": method})
    # Fusion.
    for wd in (1.5, 2.0, 3.0):
        table[f"rrf:dense-x{wd}"] = ("fusion", {"dense_weight": wd})
    for k in (10, 30):
        table[f"rrf:k={k}"] = ("fusion", {"k": k})
    table["names:off"] = ("fusion", {"lexical_weight": 0.4, "name_weight": 0.0})
    for wn in (0.05, 0.1, 0.15):
        table[f"names:{wn}"] = ("fusion", {"lexical_weight": 0.4 - wn, "name_weight": wn})
    table["rrf"] = ("fusion", {"method": "rrf", "dense_weight": 1.0, "lexical_weight": 1.0})
    for wd in (0.5, 0.55, 0.6, 0.65, 0.7, 0.8):
        table[f"score:dense={wd}"] = (
            "fusion",
            {"method": "score", "dense_weight": wd, "lexical_weight": 1 - wd},
        )
    return table


def baseline() -> dict[str, object]:
    """The pipeline before issue 17, spelled out (so the table can be re-measured on any backend)."""
    from aurelis.index import fusion, texts

    return {
        _TARGETS["dense"]: texts.DenseOptions(path=True, natural=False),
        _TARGETS["lex"]: texts.LexicalOptions(
            name_weight=2, owner_weight=2, path_weight=1, body_weight=1, query_stopwords=False, members=True
        ),
        _TARGETS["query"]: texts.QueryOptions(markup=False, dense_prefix=""),
        _TARGETS["fusion"]: fusion.FusionOptions(
            method="rrf", dense_weight=1.0, lexical_weight=1.0, name_weight=0.0, k=60
        ),
        _TARGETS["bm25"]: {"k1": 1.5, "b": 0.75, "method": "lucene"},
        _TARGETS["rerank"]: False,
    }


def variant(name: str) -> dict[str, object]:
    """``default`` (what ships: no override), ``baseline``, or ``[baseline+|default+]change+change...``."""
    table = changes()
    parts = name.split("+")
    if parts[0] == "default":
        out, parts = {}, parts[1:]
    else:
        out = baseline()
        parts = parts[1:] if parts[0] == "baseline" else parts
    for part in parts:
        if part not in table:
            raise SystemExit(f"unknown change {part!r} (see --list)")
        target, fields = table[part]
        dotted = _TARGETS[target]
        if dotted not in out:
            out[dotted] = _current(dotted)
        cur = out[dotted]
        if isinstance(cur, bool):
            out[dotted] = fields["value"]
        else:
            out[dotted] = {**cur, **fields} if isinstance(cur, dict) else replace(cur, **fields)
    return out


def _current(dotted: str) -> object:
    import importlib

    mod, attr = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(mod), attr)


@contextmanager
def applied(overrides: dict[str, object]):
    import importlib

    saved = []
    for dotted, value in overrides.items():
        mod_name, attr = dotted.rsplit(".", 1)
        mod = importlib.import_module(mod_name)
        saved.append((mod, attr, getattr(mod, attr)))
        setattr(mod, attr, value)
    try:
        yield
    finally:
        for mod, attr, value in reversed(saved):
            setattr(mod, attr, value)


# -- metrics ----------------------------------------------------------------------------------
def bootstrap(values: list[float], n: int = 1000, seed: int = 17) -> tuple[float, float]:
    import numpy as np

    arr = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, len(arr), size=(n, len(arr)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def summarise(ranks: list[int | None]) -> dict[str, tuple[float, float, float]]:
    rr = [0.0 if r is None or r >= 10 else 1.0 / (r + 1) for r in ranks]
    r1 = [1.0 if r == 0 else 0.0 for r in ranks]
    r10 = [1.0 if r is not None and r < 10 else 0.0 for r in ranks]
    return {m: (statistics.fmean(v), *bootstrap(v)) for m, v in (("mrr10", rr), ("r1", r1), ("r10", r10))}


def paired_delta(a: list[int | None], b: list[int | None], n: int = 1000, seed: int = 17):
    """MRR@10 of ``b`` minus ``a`` on the same queries, with a paired bootstrap 95% CI."""
    import numpy as np

    rr = [np.asarray([0.0 if r is None or r >= 10 else 1.0 / (r + 1) for r in x]) for x in (a, b)]
    diff = rr[1] - rr[0]
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(n, len(diff)))].mean(axis=1)
    return float(diff.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def fmt(s: dict[str, tuple[float, float, float]]) -> str:
    return "  ".join(f"{m} {v:.3f} [{lo:.3f}-{hi:.3f}]" for m, (v, lo, hi) in s.items())


# -- running ----------------------------------------------------------------------------------
def make_embedder(backend: str | None = None, model: str | None = None):
    from aurelis.config.index import IndexSettings
    from aurelis.index.embedder import shared_embedder

    given = {k: v for k, v in (("backend", backend), ("model", model)) if v}
    s = IndexSettings(**given)
    extra = {"backend": s.backend} if hasattr(s, "backend") else {}
    return s, shared_embedder(s.model, s.max_tokens, s.batch_size, s.threads, **extra)


def remember_queries(emb) -> None:
    """Keep every query vector for the whole run (the embedder keeps 256): variants that share
    a model ask the same queries, and the vectors are the real ``encode_query``'s."""
    real, memo = emb.encode_query, {}

    def encode_query(text: str):
        if text not in memo:
            memo[text] = real(text)
        return memo[text]

    emb.encode_query = encode_query


def run_variant(name, overrides, libs, prepared, emb, settings, mode, latency) -> dict:
    from aurelis.index.service import WorkspaceIndex

    out: dict = {"variant": name, "mode": mode, "libs": {}}
    all_ranks: list[int | None] = []
    times: list[float] = []
    with applied(overrides), tempfile.TemporaryDirectory(prefix="aurelis-sq-") as tmp:
        for lib in libs:
            corpus, queries = prepared[lib.name]
            idx = WorkspaceIndex(corpus, settings, emb, index_dir=Path(tmp) / lib.name)
            before = emb.stats.encoded
            t = time.perf_counter()
            idx.build()
            build_s = time.perf_counter() - t
            ranks: list[int | None] = []
            for q in queries:
                if latency:
                    emb._queries.clear()  # the query embedding is part of what a user waits for
                t = time.perf_counter()
                hits = idx.search(q.text, 10, mode)
                times.append((time.perf_counter() - t) * 1000)
                ranks.append(
                    next((i for i, h in enumerate(hits) if h.path == q.path and h.name == q.name), None)
                )
            all_ranks += ranks
            out["libs"][lib.name] = {
                "queries": len(queries),
                "chunks": len(idx.chunks()),
                "encoded": emb.stats.encoded - before,
                "build_s": round(build_s, 2),
                **{k: v[0] for k, v in summarise(ranks).items()},
            }
            print(
                f"  {name:<24} {lib.name:<9} {len(queries):4d} q  MRR@10 {out['libs'][lib.name]['mrr10']:.3f}"
                f"  (build {build_s:.1f} s, encoded {emb.stats.encoded - before})",
                flush=True,
            )
    out["ranks"] = all_ranks
    out["all"] = summarise(all_ranks)
    out["n"] = len(all_ranks)
    out["p50_ms"] = statistics.median(times) if times else None
    return out


def cold_throughput(lib_name: str, prepared, settings, rounds: int, overrides_old, overrides_new) -> None:
    """Cold builds of one library (fresh embeddings cache each time), old vs new text, interleaved."""
    from aurelis.index.embedder import Embedder
    from aurelis.index.service import WorkspaceIndex

    corpus, _ = prepared[lib_name]
    rates: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(rounds):
        for label, overrides in (("old", overrides_old), ("new", overrides_new)):
            with applied(overrides), tempfile.TemporaryDirectory(prefix="aurelis-cold-") as tmp:
                extra = {"backend": settings.backend} if hasattr(settings, "backend") else {}
                emb = Embedder(
                    settings.model,
                    settings.max_tokens,
                    settings.batch_size,
                    settings.threads,
                    Path(tmp) / "emb",
                    **extra,
                )
                emb.load()
                idx = WorkspaceIndex(corpus, settings, emb, index_dir=Path(tmp) / "idx")
                t = time.perf_counter()
                idx.build()
                dt = time.perf_counter() - t
                rates[label].append(len(idx.chunks()) / dt)
                print(
                    f"  round {r + 1} {label}: {len(idx.chunks())} chunks in {dt:.1f} s "
                    f"= {rates[label][-1]:.1f} chunks/s (load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
    old, new = statistics.median(rates["old"]), statistics.median(rates["new"])
    print(
        f"cold index {lib_name}: median old {old:.1f} chunks/s, new {new:.1f} chunks/s ({100 * (new / old - 1):+.1f}%)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "aurelis-bench")
    ap.add_argument("--split", choices=("dev", "test", "all", "train"), default="test")
    ap.add_argument("--lib", action="append", help="only these libraries")
    ap.add_argument("--variant", action="append", help="variants to run (default: default)")
    ap.add_argument("--mode", default="hybrid", choices=("hybrid", "dense", "lexical"))
    ap.add_argument(
        "--kinds",
        choices=("function", "class"),
        default="function",
        help="what the queries look for: functions and methods (the score), or classes (a check)",
    )
    ap.add_argument("--latency", action="store_true", help="clear the query-vector cache before each query")
    ap.add_argument(
        "--cold", metavar="LIB", help="measure cold index throughput on LIB, baseline vs default text"
    )
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--backend", help="embedding backend (default: the settings' default, onnx)")
    ap.add_argument("--model", help="embedding model (a folder; default: the settings' default)")
    ap.add_argument(
        "--untuned",
        action="store_true",
        help="the default model without its code-search tuning (as its package ships it)",
    )
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args()

    if args.list:
        for name, (target, fields) in changes().items():
            print(f"{name:<24} {_TARGETS[target]} {fields}")
        return 0
    args.cache.mkdir(parents=True, exist_ok=True)
    os.environ["AURELIS_CACHE_DIR"] = str(args.cache / "aurelis")
    libs = [
        lib
        for lib in LIBRARIES
        if (args.lib and lib.name in args.lib)
        or (not args.lib and (args.split == lib.split or (args.split == "all" and lib.split != "train")))
    ]
    if args.cold:
        libs = [lib for lib in LIBRARIES if lib.name == args.cold]
    kinds = FUNCTIONS if args.kinds == "function" else ("class",)
    prepared = {lib.name: prepare(lib, args.cache, kinds) for lib in libs}
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for lib in libs:
        print(
            f"{lib.name:<9} ({lib.split}) {lib.sdist or 'stdlib ' + ','.join(lib.roots)}: {len(prepared[lib.name][1])} queries"
        )
    if args.untuned:
        from aurelis.index.backends import onnx as onnx_backend

        onnx_backend.TUNING = None
    settings, emb = make_embedder(args.backend, args.model)
    if args.cold:
        cold_throughput(args.cold, prepared, settings, args.rounds, variant("baseline"), variant("default"))
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
        return 0
    emb.load()
    if not args.latency:
        remember_queries(emb)
    results = []
    for name in args.variant or ["default"]:
        res = run_variant(name, variant(name), libs, prepared, emb, settings, args.mode, args.latency)
        results.append(res)
        p50 = f", search p50 {res['p50_ms']:.1f} ms" if args.latency else ""
        print(
            f"{name:<24} {args.split} n={res['n']}: {fmt(res['all'])}{p50} (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    first = results[0]
    print(
        f"\n| variant | MRR@10 [95% CI] | R@1 [95% CI] | R@10 [95% CI] | MRR@10 vs {first['variant']} "
        "[paired 95% CI] |\n| --- | --- | --- | --- | --- |"
    )
    for res in results:
        a = res["all"]
        d, lo, hi = paired_delta(first["ranks"], res["ranks"])
        cells = " | ".join(f"{a[m][0]:.3f} [{a[m][1]:.3f}-{a[m][2]:.3f}]" for m in ("mrr10", "r1", "r10"))
        print(f"| {res['variant']} | {cells} | {d:+.3f} [{lo:+.3f}, {hi:+.3f}] |")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
