"""Precision benchmark: Aurelis's default rules on well-kept code, scored against hand labels.

    .venv/bin/python bench/precision/run.py [--server DIR] [--duplicates] [--out FILE]

Set-up: pinned sdists of rich, attrs, jinja2, werkzeug and starlette (downloaded once into
``$AURELIS_SDIST_CACHE``, default ``~/.cache/aurelis-tests/sdists``, never vendored) plus six
packages of the running interpreter's standard library, copied into a scratch directory.
Each library is checked from its sdist root (so `library_mode: auto` sees a distributable
package), on its package directory only (not its tests or docs).

It prints, per rule: findings, findings per 1,000 lines, and against ``labels.jsonl`` (see
``labels.py``) the labelled share and the precision: actionable, true-but-not-worth-it and
false-positive rates of the labelled findings. Then the total volume per 1,000 lines beside
ruff's default rule set (`ruff check --isolated`) on the same files. ``--server DIR`` runs
another checkout's `server/` (e.g. an older commit, for a before/after); ``--duplicates``
adds AUR410 (builds an embedding index of each library: minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from labels import assign_keys, load_labels  # noqa: E402

from tests.support.sdists import sdist, unpack  # noqa: E402

# name, version, the package directory inside the sdist
LIBRARIES = [
    ("rich", "15.0.0", "rich"),
    ("attrs", "26.1.0", "src"),
    ("jinja2", "3.1.6", "src/jinja2"),
    ("werkzeug", "3.1.9", "src/werkzeug"),
    ("starlette", "1.10.0", "starlette"),
]
STDLIB = ["json", "http", "email", "logging", "urllib", "concurrent"]
LABELS = HERE / "labels.jsonl"


def corpora(scratch: Path) -> list[tuple[str, Path, Path]]:
    """(corpus name, directory to run from, path to check relative to it)."""
    out = []
    for name, version, pkg in LIBRARIES:
        root = unpack(sdist(name, version), scratch / "libs")
        out.append((name, root, Path(pkg)))
    lib = Path(sysconfig.get_paths()["stdlib"])
    std = scratch / "stdlib"
    for pkg in STDLIB:
        shutil.copytree(lib / pkg, std / pkg, ignore=shutil.ignore_patterns("__pycache__", "test*"))
    out.append(("stdlib", std, Path(".")))
    return out


def py_lines(root: Path, rel: Path) -> tuple[int, list[Path]]:
    files = sorted((root / rel).rglob("*.py"))
    return sum(len(f.read_bytes().splitlines()) for f in files), files


def aurelis(root: Path, rel: Path, server: Path, duplicates: bool, cache: Path) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(server), "AURELIS_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "aurelis", "check", "--format", "json", str(rel)]
    # AUR410 needs an embedding index of each library: `--duplicates` asks for it; checkouts from
    # before that flag ran it by default unless ignored
    legacy = "--duplicates" not in (server / "aurelis" / "cli" / "check.py").read_text()
    if duplicates:
        cmd += [] if legacy else ["--duplicates"]
    else:
        cmd += ["--ignore", "AUR410"]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, timeout=3600)
    if done.returncode not in (0, 1):
        raise SystemExit(f"aurelis check failed in {root}: {done.stderr[-2000:]}")
    out = []
    for entry in json.loads(done.stdout or "[]"):
        path = Path(entry["uri"].removeprefix("file://"))
        lines = path.read_text("utf-8", "replace").splitlines()
        for d in entry["diagnostics"]:
            line = d["range"]["start"]["line"]
            out.append(
                {
                    "path": path.relative_to(root).as_posix(),
                    "line": line + 1,
                    "code": d["code"],
                    "message": d["message"],
                    "text": lines[line].strip() if line < len(lines) else "",
                }
            )
    return out


def ruff(root: Path, files: list[Path]) -> int:
    ruff_bin = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    done = subprocess.run(
        [ruff_bin, "check", "--isolated", "--exit-zero", "--output-format", "json", *map(str, files)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return len(json.loads(done.stdout or "[]"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", type=Path, default=REPO / "server", help="the server/ directory to run")
    ap.add_argument("--duplicates", action="store_true", help="also run AUR410 (builds an index)")
    ap.add_argument("--out", type=Path, help="write every finding (with its label key) as JSON")
    ap.add_argument("--only", nargs="*", help="corpora to run (default: all)")
    ap.add_argument("--report", type=Path, help="score a file written by --out instead of running")
    args = ap.parse_args()
    labels = load_labels(LABELS)
    if args.report:
        saved = json.loads(args.report.read_text())
        assign_keys(saved["findings"])
        report(saved["findings"], labels, saved["lines"], saved["ruff"])
        return
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="aurelis-precision-") as tmp:
        scratch = Path(tmp)
        findings: list[dict] = []
        total_lines = ruff_total = 0
        for name, root, rel in corpora(scratch):
            if args.only and name not in args.only:
                continue
            lines, files = py_lines(root, rel)
            total_lines += lines
            ruff_total += ruff(root, files)
            for f in aurelis(root, rel, args.server.resolve(), args.duplicates, scratch / "cache"):
                f["corpus"] = name
                findings.append(f)
    assign_keys(findings)
    if args.out:
        saved = {"lines": total_lines, "ruff": ruff_total, "findings": findings}
        args.out.write_text(json.dumps(saved, indent=1))
    report(findings, labels, total_lines, ruff_total)
    print(f"\n({time.monotonic() - started:.0f} s; load average {os.getloadavg()[0]:.2f})")


def _pct(got: list[str], label: str) -> str:
    return f"{100 * got.count(label) / len(got):.0f}%" if got else "-"


def report(findings: list[dict], labels: dict[str, dict], lines: int, ruff_total: int) -> None:
    per_rule = Counter(f["code"] for f in findings)
    print(f"{len(findings)} findings on {lines} lines of Python\n")
    head = f"{'rule':8} {'count':>6} {'/kloc':>6} {'labelled':>8} {'action':>7} {'not-worth':>9} {'FP':>6}"
    print(head)
    print("-" * len(head))
    for code in sorted(per_rule):
        mine = [f for f in findings if f["code"] == code]
        got = [labels[f["key"]]["label"] for f in mine if f["key"] in labels]
        n = len(got)
        print(
            f"{code:8} {len(mine):6} {1000 * len(mine) / lines:6.2f} {n:8} {_pct(got, 'actionable'):>7} "
            f"{_pct(got, 'not-worth-it'):>9} {_pct(got, 'false-positive'):>6}"
        )
    labelled = [labels[f["key"]]["label"] for f in findings if f["key"] in labels]
    if labelled:
        n = len(labelled)
        print(
            f"{'all':8} {len(findings):6} {1000 * len(findings) / lines:6.2f} {n:8} "
            f"{100 * labelled.count('actionable') / n:6.0f}% {100 * labelled.count('not-worth-it') / n:8.0f}% "
            f"{100 * labelled.count('false-positive') / n:5.0f}%"
        )
    print(
        f"\nvolume: aurelis {1000 * len(findings) / lines:.2f} findings per 1,000 lines; "
        f"ruff (default rules) {1000 * ruff_total / lines:.2f} ({ruff_total} findings)"
    )


if __name__ == "__main__":
    main()
