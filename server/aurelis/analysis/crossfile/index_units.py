"""Function units and neighbour lookups from the workspace index (``aurelis.index``).

The index chunks every function and method (an oversize one into overlapping
windows, ``part`` 1, 2, …). A unit is one whole function: its windows are
merged back, the first one stands for it in neighbour queries. A unit whose
text no longer matches the file we hold is stale (the index is behind an
edit) and is left out until the file is re-indexed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from aurelis.analysis.crossfile.duplicates import Unit
from aurelis.analysis.crossfile.workspace import name_range

FUNCTION_KINDS = ("function", "method")


def units_from_index(
    index: Any,
    root: Path,
    source_of: Callable[[str], bytes | None],
    pause: Callable[[], object] | None = None,
) -> tuple[list[Unit], Callable[[Unit, int], Iterable[str]]]:
    """(units, neighbours) for one folder's ``WorkspaceIndex``.

    ``root`` is the folder path as the editor names it (chunk paths are relative
    to it); ``source_of(abs_posix_path)`` gives the text our findings refer to;
    ``pause()`` is called before each function (a background caller yields there).
    """
    chunks = sorted(
        (c for c in index.chunks() if c.kind in FUNCTION_KINDS), key=lambda c: (c.path, c.start_byte, c.part)
    )
    groups: list[list[Any]] = []
    for c in chunks:
        if c.part > 1 and groups and groups[-1][0].path == c.path and groups[-1][0].name == c.name:
            groups[-1].append(c)  # a later window of the same long function
        else:
            groups.append([c])
    units: list[Unit] = []
    line_starts: dict[str, list[int]] = {}
    owner: dict[str, str] = {}  # chunk id -> unit key (windows map to their function)
    for group in groups:
        if pause is not None:
            pause()
        first = group[0]
        path = (root / first.path).as_posix()
        source = source_of(path)
        if source is None:
            continue
        start, end = _locate(source, group)
        if start is None:
            continue  # this function was edited since it was indexed: wait for the re-index
        text = source[start:end].decode("utf-8", "replace")
        ns, ne = name_range(source, start, end, first.short_name)
        if path not in line_starts:
            line_starts[path] = [0, *(m.end() for m in re.finditer(rb"\n", source))]
        (sl, sc), (el, ec) = _point(line_starts[path], start), _point(line_starts[path], end)
        units.append(
            Unit(
                first.id,
                path,
                first.name,
                start,
                end,
                sl,
                sc,
                el,
                ec,
                text,
                first.language,
                ns,
                ne,
                first.kind,
            )
        )
        for c in group:
            owner[c.id] = first.id

    def neighbours(unit: Unit, k: int) -> list[str]:
        out: list[str] = []
        for chunk, _score in index.neighbours(unit.key, k + 2):
            key = owner.get(chunk.id)
            if key is not None and key != unit.key and key not in out:
                out.append(key)
        return out[:k]

    return units, neighbours


def _locate(source: bytes, group: list[Any]) -> tuple[int | None, int]:
    """Where the function of ``group`` (its chunks) is in ``source`` now.

    Where the index put it when the text there is unchanged; else, when an edit
    above it only moved it, the one place its text occurs now."""
    first, last = group[0], group[-1]
    head = first.text.encode("utf-8", "surrogatepass")
    if source[first.start_byte : first.end_byte] == head:
        return first.start_byte, last.end_byte
    if len(group) == 1 and source.count(head) == 1:
        at = source.find(head)
        return at, at + len(head)
    return None, 0


def _point(starts: list[int], offset: int) -> tuple[int, int]:
    """0-based (line, byte column) of ``offset`` given the file's line starts."""
    line = bisect.bisect_right(starts, offset) - 1
    return line, offset - starts[line]
