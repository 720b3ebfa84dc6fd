"""Workspace scan: which files of a folder are indexed, and why the others are not.

Honours ``.gitignore`` at every level (pathspec's gitwildmatch, not a home-made
matcher), ``.aurelisignore`` and the ``index.exclude`` globs. Each skipped file
is counted by reason.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from aurelis.workspace import languages

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
    skipped: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class ScanOptions:
    exclude: tuple[str, ...] = ()
    max_file_bytes: int = 1_048_576
    max_line_chars: int = 1000


def _spec(lines: list[str]) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines(lines)


class Ignorer:
    """Ignore rules of one folder: nested ignore files apply below their directory."""

    def __init__(self, root: Path, exclude: tuple[str, ...] = ()) -> None:
        self.root = root
        self.specs: list[tuple[str, pathspec.PathSpec]] = []  # (dir relpath prefix, spec)
        if exclude:
            self.specs.append(("", _spec(list(exclude))))

    def load_dir(self, rel_dir: str, abs_dir: Path) -> None:
        for name in IGNORE_FILES:
            f = abs_dir / name
            if f.is_file():
                try:
                    lines = f.read_text("utf-8", errors="replace").splitlines()
                except OSError:
                    continue
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
    """Candidate files of ``root`` (supported languages, not ignored), with skip counts."""
    root = root.resolve()
    result = ScanResult()
    ign = Ignorer(root, options.exclude)
    for rel_dir, abs_dir, names, _is_dir in _walk_dirs(root, ign, result):
        for name in names:
            path = abs_dir / name
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if languages.language_for_path(name) is None:
                continue
            if ign.ignored(rel):
                result.skipped[Skip.IGNORED] += 1
                continue
            if path.is_symlink() and not _inside(path, root):
                result.skipped[Skip.OUTSIDE_LINK] += 1
                continue
            result.files.append(path)
    return result


def _walk_dirs(root: Path, ign: Ignorer, result: ScanResult) -> Iterator[tuple[str, Path, list[str], bool]]:
    stack = [("", root)]
    while stack:
        rel_dir, abs_dir = stack.pop()
        ign.load_dir(rel_dir, abs_dir)
        try:
            entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
        except OSError:
            result.skipped[Skip.UNREADABLE] += 1
            continue
        files: list[str] = []
        subdirs: list[tuple[str, Path]] = []
        for e in entries:
            rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
            try:
                is_dir = e.is_dir()
            except OSError:
                continue
            if is_dir:
                if e.name in ALWAYS_SKIP_DIRS or ign.ignored(rel, is_dir=True):
                    continue
                p = Path(e.path)
                if e.is_symlink() and not _inside(p, root):
                    result.skipped[Skip.OUTSIDE_LINK] += 1
                    continue
                subdirs.append((rel, p))
            else:
                files.append(e.name)
        yield rel_dir, abs_dir, files, False
        stack.extend(reversed(subdirs))


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError):
        return False


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


def read_source(path: Path, options: ScanOptions) -> tuple[bytes | None, str | None]:
    """(UTF-8 bytes, None) for an indexable file, else (None, skip reason)."""
    try:
        if path.stat().st_size > options.max_file_bytes:
            return None, Skip.TOO_LARGE
        data = path.read_bytes()
    except OSError:
        return None, Skip.UNREADABLE
    if b"\x00" in data[:8192]:
        return None, Skip.BINARY
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None, Skip.INVALID_UTF8
    if any(len(line) > options.max_line_chars for line in data.split(b"\n")):
        return None, Skip.GENERATED
    return data, None
