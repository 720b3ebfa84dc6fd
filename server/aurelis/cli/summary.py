"""`aurelis summary PATH...`: parse every supported file and print what was found."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="parse a tree and print files, languages and definitions found")
    p.add_argument("paths", nargs="+", type=Path)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from aurelis.workspace import containment, languages
    from aurelis.workspace.document import Document, decode_lenient
    from aurelis.workspace.outline import outline
    from aurelis.workspace.uris import from_path

    files: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    skipped: Counter = Counter()
    errors = 0
    for root in args.paths:
        if not root.exists():
            print(f"aurelis summary: no such path: {root}")
            return 2
        for path in _walk(root, skipped):
            lang = languages.language_for_path(path)
            if lang is None:
                continue
            data, reason = containment.read_regular(path)
            if data is None:
                skipped[reason] += 1
                continue
            text, _ = decode_lenient(data)
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
    if skipped:
        print("skipped: " + ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items())))
    return 0


def _walk(root: Path, skipped: Counter | None = None):
    """Files under ``root`` that stay inside it (``workspace/containment.py``): links out of it,
    FIFOs, devices, loops and undecodable names are counted in ``skipped``, never followed.
    A file named on the command line is the user's choice and is yielded as it is."""
    from aurelis.workspace import containment

    skipped = skipped if skipped is not None else Counter()
    if not root.is_dir():
        yield root
        return
    prune = lambda rel, name: name in SKIP_DIRS  # noqa: E731
    for _rel, path in containment.walk(root, skipped, prune_dir=prune):
        yield path
