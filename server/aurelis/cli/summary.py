"""`aurelis summary PATH...`: parse every supported file and print what was found."""

from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path

SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="parse a tree and print files, languages and definitions found")
    p.add_argument("paths", nargs="+", type=Path)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from aurelis.workspace import languages
    from aurelis.workspace.document import Document, decode_lenient
    from aurelis.workspace.outline import outline
    from aurelis.workspace.uris import from_path

    files = Counter()
    kinds = Counter()
    errors = 0
    for root in args.paths:
        if not root.exists():
            print(f"aurelis summary: no such path: {root}")
            return 2
        for path in _walk(root):
            lang = languages.language_for_path(path)
            if lang is None:
                continue
            text, _ = decode_lenient(path.read_bytes())
            doc = Document(from_path(path), text, language_id=lang)
            files[lang] += 1
            errors += doc.has_syntax_errors()
            for top in outline(doc):
                for sym in top.walk():
                    kinds[sym.kind] += 1
    total = sum(files.values())
    print(f"files parsed: {total}")
    for lang, n in sorted(files.items()):
        print(f"  {lang:<16} {n}")
    plural = {"class": "classes"}
    found = ", ".join(f"{n} {plural.get(k, k + 's')}" for k, n in sorted(kinds.items()))
    print(f"definitions: {found or 'none'}")
    print(f"files with syntax errors: {errors}")
    return 0


def _walk(root: Path):
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            yield Path(dirpath) / name
