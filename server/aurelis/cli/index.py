"""`aurelis index PATH`: build (or bring up to date) the semantic index of a folder."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="index a folder for semantic search (embedded model, offline)")
    p.add_argument("path", type=Path)
    p.add_argument("--json", action="store_true", help="print the index status as JSON")
    p.add_argument(
        "--push",
        action="store_true",
        help="publish this folder's vectors to the shared collection (index.store.kind = qdrant): "
        "what CI runs for a commit",
    )
    p.set_defaults(func=run)


def open_index(path: Path):
    """The folder's index with its pyproject settings, through the same engine the server uses."""
    from aurelis.engine import Engine
    from aurelis.workspace.folders import Folder

    engine = Engine()
    folder = Folder.from_path(path)
    engine.folders.add(folder)
    for warning in engine.settings.take_warnings() if engine.folder_settings(folder) else []:
        print(f"aurelis: {warning}", file=sys.stderr)
    return engine.indexes.for_folder(folder)


def _bar(done: int, total: int, message: str) -> None:
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {message}")
    sys.stderr.flush()


def build(path: Path, quiet: bool = False):
    idx = open_index(path)
    idx.warm_queries = False  # one process, at most one query: nothing to prepare ahead
    idx.build(None if quiet else _bar)
    if not quiet and sys.stderr.isatty():
        sys.stderr.write("\n")
    return idx


def run(args: argparse.Namespace) -> int:
    if not args.path.is_dir():
        print(f"aurelis index: not a directory: {args.path}", file=sys.stderr)
        return 2
    from aurelis.index.embedder import EmbedderError
    from aurelis.index.shared import SharedIndexError

    start = time.perf_counter()
    try:
        idx = build(args.path)
        pushed = idx.push() if args.push else None
    except (SharedIndexError, EmbedderError, ValueError) as exc:
        print(f"aurelis index: {exc}", file=sys.stderr)
        return 2
    status = idx.status()
    if args.json:
        print(json.dumps({**status, **({"pushed": pushed} if pushed is not None else {})}, indent=2))
        return 0
    skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(status["skipped"].items())) or "none"
    print(
        f"indexed {status['files_indexed']} files, {status['chunks']} chunks in {time.perf_counter() - start:.1f}s"
    )
    print(f"skipped: {skipped}")
    print(
        f"model: {status['model']} (encoded {idx.embedder.stats.encoded}, cached {idx.embedder.stats.cache_hits})"
    )
    print(f"index: {status['index_path']}")
    if "store" in status:
        print(
            f"store: {status['store']}: {status['shared_files']} files from shared vectors, "
            f"{status['overlay_files']} local, {status['shared_chunks_reused']} chunks reused"
        )
    if pushed is not None:
        print(f"pushed {pushed} files")
    return 0
