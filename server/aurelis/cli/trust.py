"""`aurelis trust [PATH]`: let a folder's own pyproject set the settings only a user may
set (provider URLs, API-key variables, model paths: ``config/trust.py::GATED``).

Trust covers those settings *as they are now*: when the folder changes them, it is
asked again. ``--revoke`` withdraws it, ``--list`` shows every trusted folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("trust", help="trust a folder's own settings that send data out or read secrets")
    p.add_argument("path", type=Path, nargs="?", default=Path("."), help="the folder (default: .)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--revoke", action="store_true", help="stop trusting the folder")
    group.add_argument("--list", action="store_true", help="list the trusted folders")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from aurelis.config import trust

    store = trust.TrustStore()
    if args.list:
        entries = store.entries()
        for folder, entry in sorted(entries.items()):
            keys = ", ".join(entry.get("keys") or []) or "no gated settings"
            print(f"{folder}  ({keys})")
        if not entries:
            print(f"no trusted folders ({store.path})", file=sys.stderr)
        return 0
    if not args.path.is_dir():
        print(f"aurelis trust: not a directory: {args.path}", file=sys.stderr)
        return 2
    folder = str(args.path.resolve())
    if args.revoke:
        found = store.revoke(folder)
        print(f"{'revoked' if found else 'was not trusted'}: {folder}")
        return 0
    key, values = trust.trust_folder(args.path)
    print(f"trusted: {key}")
    for name, value in values.items():
        print(f"  {name} = {json.dumps(value, ensure_ascii=False)}")
    if not values:
        print("  (its pyproject sets no gated settings now; if it starts to, you will be asked again)")
    return 0
