"""Workspace scan: which files of a folder are indexed, and why the others are not.

Honours ``.gitignore`` at every level (pathspec's gitwildmatch, not a home-made
matcher), ``.aurelisignore`` and the ``index.exclude`` globs. Each skipped file
is counted by reason.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from aurelis.workspace import containment, languages
from aurelis.workspace.document import decode_declared

ALWAYS_SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    "node_modules",
    ".venv",
    "venv",
    ".mypy_cache",
    ".tox",
}
IGNORE_FILES = (".gitignore", ".aurelisignore")


class Skip:
    IGNORED = "ignored"
    BINARY = "binary"
    TOO_LARGE = "too_large"
    GENERATED = "generated"
    INVALID_UTF8 = "invalid_utf8"
    OUTSIDE_LINK = "symlink_outside"
    UNREADABLE = "unreadable"


@dataclass
class ScanResult:
    files: list[Path] = field(default_factory=list)  # candidates: supported language, not ignored
    skipped: Counter[str] = field(default_factory=Counter[str])


@dataclass(frozen=True)
class ScanOptions:
    exclude: tuple[str, ...] = ()
    max_file_bytes: int = 1_048_576
    max_line_chars: int = 1000


def _spec(lines: list[str]) -> pathspec.PathSpec[Any]:
    """The spec of the lines pathspec accepts: one bad pattern (e.g. a lone ``!``) is dropped,
    not the whole file and never the scan."""
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:
        good = []
        for line in lines:
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except Exception:
                continue
            good.append(line)
        return pathspec.GitIgnoreSpec.from_lines(good)


class Ignorer:
    """Ignore rules of one folder: nested ignore files apply below their directory."""

    def __init__(self, root: Path, exclude: tuple[str, ...] = ()) -> None:
        self.root = root
        self.specs: list[tuple[str, pathspec.PathSpec[Any]]] = []  # (dir relpath prefix, spec)
        if exclude:
            self.specs.append(("", _spec(list(exclude))))

    def load_dir(self, rel_dir: str, abs_dir: Path) -> None:
        for name in IGNORE_FILES:
            f = abs_dir / name
            if not os.path.lexists(f):
                continue
            data, _reason = containment.read_inside(f, [self.root], max_bytes=1 << 20)
            if data is None:
                continue  # a FIFO, a link out of the folder, unreadable: no rules from it
            lines = data.decode("utf-8", errors="replace").splitlines()
            self.specs.append((rel_dir, _spec(lines)))

    def ignored(self, rel: str, is_dir: bool = False) -> bool:
        for base, spec in self.specs:
            if base and not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1 :] if base else rel
            if spec.match_file(sub + "/" if is_dir else sub):
                return True
        return False


def walk(root: Path, options: ScanOptions) -> ScanResult:
    """Candidate files of ``root`` (supported languages, not ignored, inside the folder, regular),
    with skip counts by reason (``workspace/containment.py`` decides what is inside)."""
    root = root.resolve()
    result = ScanResult()
    ign = Ignorer(root, options.exclude)

    def prune_dir(rel: str, name: str) -> bool:
        return name in ALWAYS_SKIP_DIRS or ign.ignored(rel, is_dir=True)

    def want_file(rel: str, name: str) -> bool:
        if languages.language_for_path(name) is None:
            return False
        if ign.ignored(rel):
            result.skipped[Skip.IGNORED] += 1
            return False
        return True

    for _rel, path in containment.walk(
        root, result.skipped, enter_dir=ign.load_dir, prune_dir=prune_dir, want_file=want_file
    ):
        result.files.append(path)
    return result


def is_ignored(root: Path, rel: str, options: ScanOptions) -> bool:
    """The walk's verdict for one file (ignore files of every ancestor, excludes, skipped dirs)."""
    parts = rel.split("/")
    if ALWAYS_SKIP_DIRS & set(parts[:-1]):
        return True
    ign = Ignorer(root, options.exclude)
    rel_dir = ""
    ign.load_dir("", root)
    for part in parts[:-1]:
        rel_dir = f"{rel_dir}/{part}" if rel_dir else part
        if ign.ignored(rel_dir, is_dir=True):
            return True
        ign.load_dir(rel_dir, root / rel_dir)
    return ign.ignored(rel)


def read_source(
    path: Path, options: ScanOptions, root: Path | None = None
) -> tuple[bytes | None, str | None]:
    """(UTF-8 bytes, None) for an indexable file, else (None, skip reason).

    With ``root``, the file must resolve inside it. Only regular files are read (never
    blocking on a FIFO). A file in another encoding declared by a PEP 263 coding line is
    transcoded to UTF-8."""
    if root is not None:
        data, reason = containment.read_inside(path, [root], options.max_file_bytes)
    else:
        data, reason = containment.read_regular(path, options.max_file_bytes)
    if data is None:
        return None, Skip.TOO_LARGE if reason == "too_large" else reason
    if b"\x00" in data[:8192]:
        return None, Skip.BINARY
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        data = _declared_encoding(path, data)
        if data is None:
            return None, Skip.INVALID_UTF8
    if any(len(line) > options.max_line_chars for line in data.split(b"\n")):
        return None, Skip.GENERATED
    return data, None


def _declared_encoding(path: Path, data: bytes) -> bytes | None:
    """``data`` as UTF-8 when it is Python source whose PEP 263 coding line names its encoding."""
    if languages.language_for_path(str(path)) != "python":
        return None
    text = decode_declared(data)
    return None if text is None else text.encode("utf-8", "surrogatepass")
