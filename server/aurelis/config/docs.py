"""The README's settings table, generated from the settings model.

python -m aurelis.config.docs --write README.md   # refresh the table between the markers
python -m aurelis.config.docs --check README.md   # exit 1 when the README is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from aurelis.config.schema import properties

START, END = "<!-- settings-table:start -->", "<!-- settings-table:end -->"


def _type(entry: dict[Any, Any]) -> str:
    t = entry.get("type", "object")
    if "enum" in entry:
        return " \\| ".join(json.dumps(v) for v in entry["enum"])
    if isinstance(t, list):
        return " \\| ".join(t)
    if t == "array" and "items" in entry and "type" in entry["items"]:
        return f"array of {entry['items']['type']}"
    return str(t)


def table() -> str:
    rows = ["| setting | type | default | description |", "| --- | --- | --- | --- |"]
    for key, entry in properties().items():
        default = json.dumps(entry.get("default"))
        if len(default) > 40:
            default = default[:37] + "…"
        desc = " ".join(str(entry.get("description", "")).split()).replace("|", "\\|")
        rows.append(f"| `{key.removeprefix('aurelis.')}` | {_type(entry)} | `{default}` | {desc} |")
    return "\n".join(rows)


def render(readme: str) -> str:
    before, _, rest = readme.partition(START)
    _, _, after = rest.partition(END)
    if not rest:
        raise SystemExit(f"README has no {START} marker")
    return f"{before}{START}\n{table()}\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m aurelis.config.docs")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path)
    mode.add_argument("--check", type=Path)
    args = ap.parse_args(argv)
    path = args.write or args.check
    current = path.read_text(encoding="utf-8")
    wanted = render(current)
    if args.write:
        path.write_text(wanted, encoding="utf-8")
        return 0
    if current != wanted:
        print(
            f"{path}: settings table is stale; run python -m aurelis.config.docs --write {path}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
