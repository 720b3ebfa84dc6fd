"""The one containment rule for every path into the index, the analysis and the AI context.

- A path counts only if it *resolves* inside one of the roots (symlinks are followed
  only when their target is inside too).
- Only regular files are read: a FIFO, socket or device is never opened for reading
  in a way that can block (``O_NONBLOCK``, then ``fstat`` on the descriptor).
- Tree walks are iterative, bounded in depth, and visit each directory once by
  ``(st_dev, st_ino)``, so a symlink cycle ends (a link to a file inside is an alias,
  kept like the file).
- Unreadable entries and names that are not valid UTF-8 are skipped and counted by
  reason, never raised.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

MAX_DEPTH = 64  # directories below a root; deeper is almost surely a generated or hostile tree
MAX_ENTRIES = 1_000_000  # entries looked at per walk


class Reason:
    OUTSIDE = "outside_workspace"
    SYMLINK_OUTSIDE = "symlink_outside"
    SYMLINK_LOOP = "symlink_loop"
    NOT_REGULAR = "not_regular_file"
    UNREADABLE = "unreadable"
    UNDECODABLE_NAME = "undecodable_name"
    TOO_DEEP = "too_deep"
    MISSING = "missing"


def _real(path: Path) -> Path:
    """``path`` with every symlink resolved; raises OSError (missing, loop, unreadable)."""
    try:
        return Path(path).resolve(strict=True)
    except RuntimeError as exc:  # Python < 3.13 reports a symlink loop this way
        raise OSError(errno.ELOOP, f"symlink loop: {path}") from exc


def _root_reals(roots: Iterable[Path]) -> list[Path]:
    out = []
    for r in roots:
        try:
            out.append(_real(Path(r)))
        except OSError:
            continue
    return out


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def resolve_inside(path: Path, roots: Iterable[Path]) -> tuple[Path | None, str | None]:
    """(the real path, None) if ``path`` resolves inside one of ``roots``, else (None, reason)."""
    try:
        real = _real(Path(path))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, Reason.SYMLINK_LOOP
        if isinstance(exc, FileNotFoundError):
            return None, Reason.MISSING
        return None, Reason.UNREADABLE
    if any(_under(real, root) for root in _root_reals(roots)):
        return real, None
    absolute = Path(os.path.abspath(path))
    linked = any(_under(absolute, root) for root in (Path(os.path.abspath(r)) for r in roots))
    return None, Reason.SYMLINK_OUTSIDE if linked else Reason.OUTSIDE


def check_file(path: Path, roots: Iterable[Path]) -> tuple[Path | None, str | None]:
    """(real path, None) for a regular file inside ``roots``; else (None, reason). Never blocks."""
    real, reason = resolve_inside(path, roots)
    if real is None:
        return None, reason
    try:
        st = os.stat(real)
    except OSError:
        return None, Reason.UNREADABLE
    if not stat.S_ISREG(st.st_mode):
        return None, Reason.NOT_REGULAR
    return real, None


def read_regular(path: Path, max_bytes: int | None = None) -> tuple[bytes | None, str | None]:
    """The bytes of ``path`` if it is a regular file, else (None, reason). A FIFO or device
    is opened non-blocking and refused by ``fstat`` before any read; ``too_large`` past
    ``max_bytes``."""
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, Reason.SYMLINK_LOOP
        return None, Reason.MISSING if isinstance(exc, FileNotFoundError) else Reason.UNREADABLE
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, Reason.NOT_REGULAR
        if max_bytes is not None and st.st_size > max_bytes:
            return None, "too_large"
        chunks = []
        while True:
            block = os.read(fd, 1 << 20)
            if not block:
                break
            chunks.append(block)
        return b"".join(chunks), None
    except OSError:
        return None, Reason.UNREADABLE
    finally:
        os.close(fd)


def read_inside(
    path: Path, roots: Iterable[Path], max_bytes: int | None = None
) -> tuple[bytes | None, str | None]:
    """``read_regular`` of ``path`` when it resolves inside ``roots`` (the read is of the
    resolved path, so a link swapped after the check cannot lead out)."""
    real, reason = resolve_inside(path, roots)
    if real is None:
        return None, reason
    return read_regular(real, max_bytes)


def decodable_name(name: str) -> bool:
    """False for a file name that was not valid UTF-8 on disk (Python keeps it as surrogates)."""
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def walk(
    root: Path,
    skipped: Counter[str],
    *,
    enter_dir: Callable[[str, Path], None] | None = None,
    prune_dir: Callable[[str, str], bool] | None = None,
    want_file: Callable[[str, str], bool] | None = None,
    max_depth: int = MAX_DEPTH,
) -> Iterator[tuple[str, Path]]:
    """``(relpath, path)`` of each regular file under ``root`` that stays inside it, in
    sorted order. ``enter_dir(rel, path)`` is called before a directory's entries are
    read; ``prune_dir(rel, name)`` and ``want_file(rel, name)`` filter (their own skips
    are theirs to count); everything else that is left out is counted in ``skipped``."""
    try:
        real_root = _real(Path(root))
        st = os.stat(real_root)
    except OSError:
        skipped[Reason.UNREADABLE] += 1
        return
    seen_dirs = {(st.st_dev, st.st_ino)}
    stack: list[tuple[str, Path, int]] = [("", Path(root), 0)]
    looked = 0
    while stack:
        rel_dir, abs_dir, depth = stack.pop()
        if enter_dir is not None:
            try:
                enter_dir(rel_dir, abs_dir)
            except OSError:
                skipped[Reason.UNREADABLE] += 1
        try:
            with os.scandir(abs_dir) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            skipped[Reason.UNREADABLE] += 1
            continue
        subdirs: list[tuple[str, Path, int]] = []
        for e in entries:
            looked += 1
            if looked > MAX_ENTRIES:
                skipped[Reason.TOO_DEEP] += 1
                return
            if not decodable_name(e.name):
                skipped[Reason.UNDECODABLE_NAME] += 1
                continue
            rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
            try:
                is_link = e.is_symlink()
                st = os.stat(e.path)  # follows links: what would be read
            except OSError as exc:
                if is_link_loop(exc):
                    skipped[Reason.SYMLINK_LOOP] += 1
                elif not isinstance(exc, FileNotFoundError):  # a dangling link is no file at all
                    skipped[Reason.UNREADABLE] += 1
                continue
            if stat.S_ISDIR(st.st_mode):
                if prune_dir is not None and prune_dir(rel, e.name):
                    continue
                if is_link and resolve_inside(Path(e.path), [real_root])[0] is None:
                    skipped[Reason.SYMLINK_OUTSIDE] += 1
                    continue
                key = (st.st_dev, st.st_ino)
                if key in seen_dirs:
                    skipped[Reason.SYMLINK_LOOP] += 1  # a cycle or a second way into one tree
                    continue
                if depth + 1 > max_depth:
                    skipped[Reason.TOO_DEEP] += 1
                    continue
                seen_dirs.add(key)
                subdirs.append((rel, Path(e.path), depth + 1))
                continue
            if want_file is not None and not want_file(rel, e.name):
                continue
            if is_link and resolve_inside(Path(e.path), [real_root])[0] is None:
                skipped[Reason.SYMLINK_OUTSIDE] += 1
                continue
            if not stat.S_ISREG(st.st_mode):
                skipped[Reason.NOT_REGULAR] += 1
                continue
            yield rel, Path(e.path)
        stack.extend(reversed(subdirs))


def is_link_loop(exc: OSError) -> bool:
    return exc.errno == errno.ELOOP
