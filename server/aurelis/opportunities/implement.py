"""Implement a plan across files: the model answers with the whole new text of every file it
changes or creates; the answer is parsed into file contents (each path must stay inside
the workspace) and verified (``verify.py``) before the edit is offered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aurelis.ai.prompts import Prompt
from aurelis.ai.redaction import redact, restore
from aurelis.opportunities.plan import Plan

SYSTEM = (
    "You are Aurelis, implementing a plan in the user's workspace. Values shown as <redacted:...> were "
    "removed on purpose; keep them as they are. Answer with the complete new content of every file you "
    "change or create, each in its own fenced code block whose info string names the file, like "
    "```python path=pkg/module.py ... ```. Paths are relative to the workspace root. Omit files you do not "
    "change. Keep every name other modules import from a file you change, unless you update those "
    "modules too."
)

_BLOCK = re.compile(r"^```[ \t]*(\w*)([^\n]*)\n(.*?)^[ \t]*```[ \t]*$", re.DOTALL | re.MULTILINE)
_PATH_INFO = re.compile(r"(?:path|file)\s*=\s*[\"']?([^\s\"']+)")
_PATH_LINE = re.compile(r"[`*#: ]*(?:file:?\s*)?`?([\w./-]+\.pyi?)`?[*: ]*$", re.IGNORECASE)
MAX_FILE_CHARS = 60_000


class ImplementError(Exception):
    """The answer cannot be turned into files (shown to the user with the model's text)."""


@dataclass
class Implementation:
    plan: Plan
    answer: str
    files: dict[str, str]  # workspace-relative path -> new text
    originals: dict[str, str | None]  # path -> text before (None: a new file)
    provider: str = ""
    truncated: bool = False
    checks: list[Any] = field(default_factory=list)  # verify.Check


def build_prompt(
    root: Path, plan: Plan, extra_files: list[str] | None = None
) -> tuple[Prompt, dict[str, str]]:
    """The prompt, and the (unredacted) text of every file shown in it."""
    shown: dict[str, str] = {}
    for rel in [*plan.opportunity.files, *(extra_files or [])]:
        p = root / rel
        if rel in shown or not p.is_file():
            continue
        shown[rel] = p.read_text(encoding="utf-8", errors="replace")[:MAX_FILE_CHARS]
    parts = [f"## Plan\n{plan.markdown}"]
    parts += [f"## File `{rel}`\n```python path={rel}\n{text}\n```" for rel, text in shown.items()]
    parts.append(
        "## Instruction\nImplement the plan. Answer with the complete new content of each file you change or create."
    )
    return Prompt("implement", SYSTEM, redact("\n\n".join(parts))), shown


def inside(root: Path, rel: str) -> Path:
    """The file ``rel`` names, refused unless it resolves inside ``root`` (no absolute paths, no ``..``)."""
    if not rel or Path(rel).is_absolute() or rel.startswith("~"):
        raise ImplementError(f"the answer writes to `{rel}`, which is not a path inside the workspace")
    target = (root / rel).resolve()
    try:
        target.relative_to(root.resolve())
    except ValueError:
        raise ImplementError(f"the answer writes to `{rel}`, outside the workspace") from None
    if not rel.endswith((".py", ".pyi")):
        raise ImplementError(f"the answer writes to `{rel}`; only Python files are implemented")
    return target


def parse_files(answer: str, root: Path, shown: dict[str, str]) -> dict[str, str]:
    """Workspace-relative path -> new text, from the answer's fenced blocks."""
    files: dict[str, str] = {}
    for m in _BLOCK.finditer(answer):
        info, body = m.group(2), m.group(3)
        found = _PATH_INFO.search(info)
        rel = found.group(1) if found else None
        if rel is None:  # a path on the line before the block ("### pkg/mod.py", "`pkg/mod.py`:")
            before = answer[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
            line = _PATH_LINE.match(before.strip())
            rel = line.group(1) if line else None
        if rel is None:
            continue
        rel = rel.removeprefix("./")
        inside(root, rel)
        files[rel] = restore(body, shown.get(rel, "")).rstrip("\n") + "\n"
    if not files:
        raise ImplementError("the answer has no file blocks (```python path=...```)")
    return files
