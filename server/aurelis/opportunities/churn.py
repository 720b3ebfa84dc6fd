"""Churn from git history: how many commits touched each file (a proxy for how often the
code around an opportunity is worked on). No repository, no git, or a slow git: no churn."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

MAX_COMMITS = 2000


def file_churn(root: Path, timeout: float = 20.0) -> dict[str, int]:
    """Workspace-relative posix path -> commits touching it (the last ``MAX_COMMITS``)."""
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        ).stdout.strip()
        log = subprocess.run(
            ["git", "-C", str(root), "log", f"-{MAX_COMMITS}", "--format=", "--name-only", "--", "."],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    counts = Counter(line.strip() for line in log.splitlines() if line.strip())
    base = Path(top).resolve()
    out: dict[str, int] = {}
    resolved = root.resolve()
    for rel, n in counts.items():
        try:
            out[(base / rel).resolve().relative_to(resolved).as_posix()] = n
        except ValueError:
            continue  # outside the workspace root
    return out
