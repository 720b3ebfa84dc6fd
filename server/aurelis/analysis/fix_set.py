"""A set of fixed files, checked together before any is written (``aurelis check --fix``).

Each file's fixes were verified alone (``fixes.py``); together they must still
make a project: every changed file parses and every import between workspace
modules that resolved before still resolves. A file whose changes break another
file's import is left as it was (and the set re-checked); the rest are written
atomically: all temporary files first, then the renames, undone if one fails.
"""

from __future__ import annotations

import ast
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from aurelis.analysis.crossfile.project_imports import ProjectImports, Use


@dataclass
class SetCheck:
    accepted: dict[str, bytes] = field(default_factory=dict)  # path -> new text
    refused: dict[str, str] = field(default_factory=dict)  # path -> why it was left as it was


def _parses(source: bytes) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _describe(use: Use) -> str:
    what = f"`{use.name}`" if use.how == "attr" else f"`from … import {use.name}`"
    return f"{what} at {use.importer}:{use.line} would no longer resolve"


def check_set(graph: ProjectImports, changed: dict[str, bytes]) -> SetCheck:
    """Which of ``changed`` (path -> new text; paths as in ``graph``) can be written together."""
    out = SetCheck()
    pending = dict(changed)
    for path, text in list(pending.items()):
        if path.endswith((".py", ".pyi")) and not _parses(text):
            out.refused[path] = "the fixed text does not parse"
            del pending[path]
    while pending:
        after = graph.with_sources({p: t for p, t in pending.items() if p in graph.facts})
        broken = graph.broken(after)
        if not broken:
            break
        culprits: dict[str, str] = {}
        for use in broken:
            culprits.setdefault(use.target if use.target in pending else use.importer, _describe(use))
        culprits = {p: why for p, why in culprits.items() if p in pending} or {
            p: "the set breaks an import" for p in pending
        }
        for p, why in culprits.items():
            out.refused[p] = why
            del pending[p]
    out.accepted = pending
    return out


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file or none: temporary files beside each first, then the renames;
    a failed rename puts back the files already replaced."""
    temps: dict[Path, str] = {}
    try:
        for path, data in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".aurelis-tmp", dir=path.parent)
            temps[path] = tmp
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        originals = {path: path.read_bytes() for path in files}
    except BaseException:
        for tmp in temps.values():
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
    done: list[Path] = []
    try:
        for path, tmp in temps.items():
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for path in done:  # undo: the set is written whole or not at all
            path.write_bytes(originals[path])
        for tmp in temps.values():
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
