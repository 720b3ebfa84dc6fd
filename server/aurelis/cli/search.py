"""`aurelis search QUERY`: search a folder's index (brought up to date first)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="semantic + lexical search of a folder's code")
    p.add_argument("query")
    p.add_argument("--path", type=Path, default=Path("."), help="the folder to search (default: .)")
    p.add_argument("--k", type=int, default=10, help="number of results")
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default=None)
    p.add_argument("--json", action="store_true", help="print hits as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from aurelis.cli.index import build

    if not args.path.is_dir():
        print(f"aurelis search: not a directory: {args.path}", file=sys.stderr)
        return 2
    if args.k < 1:
        print("aurelis search: --k must be at least 1", file=sys.stderr)
        return 2
    idx = build(args.path, quiet=True)
    hits = idx.search(args.query, args.k, args.mode or idx.settings.search_mode)
    if args.json:
        print(json.dumps([h.to_json() for h in hits], indent=2))
        return 0
    if not hits:
        print("no results")
    for rank, h in enumerate(hits, 1):
        first = h.preview.splitlines()[0] if h.preview else ""
        print(f"{rank:>2}. {h.score:.4f}  {h.path}:{h.start_line + 1}  {h.kind} {h.name}")
        print(f"      {first}")
    return 0
