"""Hand labels of findings, and the key that finds a label again.

A label is one line of ``labels.jsonl``:

    {"key": ..., "corpus": "jinja2", "path": "src/jinja2/lexer.py", "line": 512, "code": "AUR403",
     "message": ..., "label": "actionable" | "not-worth-it" | "false-positive", "reason": "..."}

The key is a hash of the corpus, the file, the rule, the message and the text of the finding's
first line, not of its line number: a label follows its finding when unrelated lines move,
and a finding whose message or code changes (a rule changed what it says) is unlabelled again,
so it is looked at again. ``run.py`` reports how many findings of each rule are labelled.

    python bench/precision/labels.py sample FINDINGS.json --per-rule 12   # print unlabelled ones to read
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

KINDS = ("actionable", "not-worth-it", "false-positive")


def finding_key(f: dict) -> str:
    """``f["nth"]``: how many findings with the same file, rule, message and text come before it
    (two identical `except Exception:` lines of one file get different keys)."""
    raw = "\x1f".join((f["corpus"], f["path"], f["code"], f["message"], f["text"]))
    if f.get("nth"):
        raw += f"\x1f{f['nth']}"
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def assign_keys(findings: list[dict]) -> None:
    """Set ``nth`` and ``key`` on every finding (in file and line order within a corpus)."""
    seen: dict[tuple, int] = {}
    for f in sorted(findings, key=lambda f: (f["corpus"], f["path"], f["line"])):
        same = (f["corpus"], f["path"], f["code"], f["message"], f["text"])
        f["nth"] = seen.get(same, 0)
        seen[same] = f["nth"] + 1
        f["key"] = finding_key(f)


def load_labels(path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    if not path.exists():
        return out
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        entry = json.loads(line)
        if entry.get("label") not in KINDS or not entry.get("reason"):
            raise SystemExit(f"{path}:{n}: a label needs one of {KINDS} and a reason")
        out[entry["key"]] = entry
    return out


def sample(findings: list[dict], labels: dict[str, dict], per_rule: int, seed: int = 13) -> list[dict]:
    """Up to ``per_rule`` unlabelled findings of each rule, drawn at random (stratified by rule)."""
    rng = random.Random(seed)
    by_rule: dict[str, list[dict]] = {}
    for f in findings:
        if f["key"] not in labels:
            by_rule.setdefault(f["code"], []).append(f)
    out = []
    for code in sorted(by_rule):
        items = by_rule[code]
        rng.shuffle(items)
        out.extend(items[:per_rule])
    return out


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "sample":
        per = int(sys.argv[sys.argv.index("--per-rule") + 1]) if "--per-rule" in sys.argv else 12
        found = json.loads(Path(sys.argv[2]).read_text())
        for f in sample(found, load_labels(Path(__file__).with_name("labels.jsonl")), per):
            print(json.dumps(f))
    else:
        print(__doc__)
