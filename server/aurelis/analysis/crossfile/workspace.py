"""The cross-file view of one workspace folder: the reference table, the
function units and their twins, and the findings of the cross-file rules.

Plain Python, used from a worker thread by the LSP layer and directly by the
CLI. Callers feed it file contents (``update``/``remove``) and, when the
embedding index is available, its function chunks and a neighbour lookup
(``set_units``); ``findings`` then runs every enabled cross-file rule on a file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from aurelis.analysis.crossfile.duplicates import DuplicateOptions, TokenCache, Twin, Unit, find_duplicates
from aurelis.analysis.crossfile.references import ReferenceTable, distributable
from aurelis.analysis.rule import Finding, Rule
from aurelis.workspace.document import Document
from aurelis.workspace.positions import Encoding
from aurelis.workspace.uris import from_path

if TYPE_CHECKING:
    from aurelis.analysis.engine import Report

log = logging.getLogger(__name__)

DUPLICATE_CODE = "AUR410"
DEAD_CODE = "AUR411"


def option(settings: Any, code: str, key: str, default: Any) -> Any:
    """``settings.options[code][key]`` like ``RuleContext.option``, for workspace-wide passes."""
    opts = getattr(settings, "options", None) or {}
    value = opts.get(code, {}).get(key, default) if isinstance(opts, dict) else default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default  # thresholds are numbers; anything else keeps the default
    return value


def duplicate_options(settings: Any) -> DuplicateOptions:
    opts = getattr(settings, "options", None) or {}
    sync_async = (
        opts.get(DUPLICATE_CODE, {}).get("include_sync_async", False) if isinstance(opts, dict) else False
    )
    return DuplicateOptions(
        sync_async=sync_async is True,
        min_statements=int(
            option(settings, DUPLICATE_CODE, "min_statements", DuplicateOptions.min_statements)
        ),
        min_lines=int(option(settings, DUPLICATE_CODE, "min_lines", DuplicateOptions.min_lines)),
        min_tokens=int(option(settings, DUPLICATE_CODE, "min_tokens", DuplicateOptions.min_tokens)),
        threshold=float(option(settings, DUPLICATE_CODE, "threshold", DuplicateOptions.threshold)),
        neighbours=int(option(settings, DUPLICATE_CODE, "neighbours", DuplicateOptions.neighbours)),
    )


class CrossFileWorkspace:
    """Cross-file facts of one folder; not thread-safe (one worker owns it)."""

    def __init__(self, root: Path, settings: Any = None) -> None:
        self.root = root
        self.settings = _analysis(settings)  # AnalysisSettings (or None: defaults)
        self.sources: dict[str, bytes] = {}  # absolute posix path -> UTF-8 source
        self.references = ReferenceTable()
        self.references.read_entry_points(root)
        mode = getattr(self.settings, "library_mode", "auto") if self.settings is not None else "auto"
        self.references.library = mode == "on" or (mode == "auto" and distributable(root))
        self.tokens = TokenCache()
        self.units_available = False  # False until the index has given us its functions
        self._twins: dict[str, list[tuple[Unit, list[Twin]]]] = {}
        self._neighbours: dict[tuple[str, int, int], list[str]] = {}  # (unit key, text hash, k) -> keys

    # -- inputs ----------------------------------------------------------------
    def update(self, path: str, source: bytes) -> bool:
        """Record ``path``'s current text; True when it changed."""
        if self.sources.get(path) == source:
            return False
        self.sources[path] = source
        if path.endswith((".py", ".pyi")):
            self.references.update(path, source)
        return True

    def remove(self, path: str) -> None:
        self.sources.pop(path, None)
        self.references.remove(path)

    def set_units(
        self,
        units: list[Unit],
        neighbours: Callable[[Unit, int], Iterable[str]],
        fresh: bool = True,
        pause: Callable[[], object] | None = None,
    ) -> set[str]:
        """Recompute the duplicates from the index's functions; returns the paths whose twins changed.

        ``fresh``: ask the index for every unit's neighbours (after a build). Otherwise a
        unit whose text is unchanged keeps the neighbours it had: only edited functions
        cost a query, and a new pair is still found from the edited side.
        ``pause()`` runs between units; if it raises, the twins are left as they were
        (the neighbours asked so far stay cached, so a retry with ``fresh=False`` resumes).
        """
        before = {p: _signature(v) for p, v in self._twins.items()}
        if fresh:
            self._neighbours.clear()

        def cached(unit: Unit, k: int) -> list[str]:
            key = (unit.key, hash(unit.text), k)
            hit = self._neighbours.get(key)
            if hit is None:
                hit = self._neighbours[key] = list(neighbours(unit, k))
            return hit

        twins = find_duplicates(units, cached, duplicate_options(self.settings), self.tokens, pause)
        self.tokens.retain(units)
        live = {(u.key, hash(u.text)) for u in units}
        self._neighbours = {k: v for k, v in self._neighbours.items() if k[:2] in live}
        by_path: dict[str, list[tuple[Unit, list[Twin]]]] = {}
        by_key = {u.key: u for u in units}
        for key, ts in twins.items():
            unit = by_key[key]
            by_path.setdefault(unit.path, []).append((unit, ts))
        for items in by_path.values():
            items.sort(key=lambda item: item[0].start_byte)
        self._twins = by_path
        self.units_available = True
        after = {p: _signature(v) for p, v in by_path.items()}
        return {p for p in set(before) | set(after) if before.get(p) != after.get(p)}

    # -- queries the rules make -------------------------------------------------
    def duplicates_in(self, path: str) -> list[tuple[Unit, list[Twin]]]:
        return self._twins.get(path, [])

    def paths_with_duplicates(self) -> list[str]:
        return list(self._twins)

    def python_paths(self) -> list[str]:
        return self.references.paths()

    # -- output ------------------------------------------------------------------
    def rules_for(self, path: str) -> list[type[Rule]]:
        """The enabled cross-file rules for ``path`` (select/ignore/per-file-ignores applied)."""
        from aurelis.analysis.engine import rules_for
        from aurelis.config.analysis import AnalysisSettings

        settings = self.settings or AnalysisSettings()
        if not getattr(settings, "cross_file", True) or not getattr(settings, "enabled", True):
            return []
        return rules_for(settings, PurePosixPath(path), PurePosixPath(self.root.as_posix()), cross_file=True)

    def report(
        self, path: str, source: bytes | None = None, encoding: Encoding = Encoding.UTF16
    ) -> tuple[Document, Report] | None:
        """The cross-file rules' report on ``path`` (its recorded text unless given), with
        suppression comments and severity overrides applied like the per-file rules; None
        when no cross-file rule is enabled there."""
        from aurelis.analysis.engine import analyze

        data = source if source is not None else self.sources.get(path)
        rules = self.rules_for(path)
        if data is None or not rules:
            return None
        doc = Document(
            from_path(path), data.decode("utf-8", "replace"), language_id="python", encoding=encoding
        )
        return doc, analyze(
            doc, self.settings, PurePosixPath(self.root.as_posix()), workspace=self, rules=rules
        )

    def findings(self, path: str, source: bytes | None = None) -> list[Finding]:
        done = self.report(path, source)
        return done[1].findings if done is not None else []

    def signature(self, path: str) -> tuple[Any, ...]:
        """Changes whenever ``path``'s cross-file findings may change (cheap: no parsing)."""
        source = self.sources.get(path, b"")
        return (
            hash(source),
            tuple((d.name, d.start) for d in self.references.unused(path)),
            _signature(self._twins.get(path, [])),
        )

    def may_have_findings(self, path: str) -> bool:
        return bool(self._twins.get(path)) or bool(self.references.unused(path))


def _analysis(settings: Any) -> Any:
    """Accept the whole Settings or its analysis section."""
    return getattr(settings, "analysis", settings)


def _signature(items: list[tuple[Unit, list[Twin]]]) -> tuple[Any, ...]:
    return tuple(
        (
            u.key,
            u.start_byte,
            u.end_byte,
            tuple((t.unit.key, t.unit.start_line, round(t.score, 3)) for t in ts),
        )
        for u, ts in items
    )


_NAME_AFTER = re.compile(rb"(?:def|class|function|func|fn)\s+")


def name_range(source: bytes, start: int, end: int, short_name: str) -> tuple[int, int]:
    """Byte range of a definition's name inside ``source[start:end]`` (its first line if not found)."""
    name = short_name.rsplit(".", 1)[-1].encode("utf-8")
    window = source[start : min(end, start + 4096)]  # decorators and the signature line are near the start
    for m in _NAME_AFTER.finditer(window):
        if window.startswith(name, m.end()):
            return start + m.end(), start + m.end() + len(name)
    i = window.find(name)
    if name and i >= 0:
        return start + i, start + i + len(name)
    nl = window.find(b"\n")
    return start, start + (nl if nl >= 0 else len(window))
