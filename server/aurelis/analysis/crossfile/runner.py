"""The cross-file rules over paths, without an editor (``aurelis check``).

The reference table needs the whole project, not only the checked files, or
everything they use from elsewhere would look dead: the project root is the
nearest ancestor of the checked paths holding pyproject.toml / setup.py /
setup.cfg (else their common directory). Findings are returned for the checked
paths only. Duplicates need the embedding index; it is built (or loaded from
its cache) for the root when the index is enabled.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from aurelis.analysis.crossfile.workspace import DUPLICATE_CODE, CrossFileWorkspace
from aurelis.analysis.rule import Finding

log = logging.getLogger(__name__)

_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def project_root(paths: list[Path]) -> Path:
    dirs = [p if p.is_dir() else p.parent for p in paths]
    common = Path(os.path.commonpath([str(d) for d in dirs]))
    for candidate in (common, *common.parents):
        if any((candidate / m).is_file() for m in _PROJECT_MARKERS):
            return candidate
    return common


def load_workspace(
    root: Path,
    settings: Any = None,
    ws: CrossFileWorkspace | None = None,
    step: Callable[[], object] | None = None,
) -> CrossFileWorkspace:
    """A workspace with every Python file of ``root`` that the index would scan (into ``ws``
    when given). ``step`` is called before each file is read: the server's background pass
    waits there while the editor's per-file diagnostics run."""
    from aurelis.config.settings import Settings
    from aurelis.index.scan import ScanOptions, read_source, walk

    settings = settings or Settings()
    ws = ws if ws is not None else CrossFileWorkspace(root, settings)
    s = settings.index
    options = ScanOptions(tuple(s.exclude), s.max_file_bytes, s.max_line_chars)
    for path in walk(root, options).files:
        if path.suffix not in (".py", ".pyi"):
            continue
        if step is not None:
            step()
        data, _reason = read_source(path, options)
        if data is not None:
            ws.update(_under_root(root, path), data)
    return ws


def _under_root(root: Path, path: Path) -> str:
    """``path`` spelled under ``root`` as the editor names it (the scan resolves symlinks)."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        return (root / path.relative_to(root.resolve())).as_posix()
    except ValueError:
        return path.as_posix()


def attach_units(
    ws: CrossFileWorkspace, index: Any, step: Callable[[], object] | None = None, fresh: bool = True
) -> None:
    """Give ``ws`` the functions of ``index`` (a built ``WorkspaceIndex``) and their nearest
    neighbours: the duplicates. ``step`` is called between units of work (see load_workspace)."""
    from aurelis.analysis.crossfile.index_units import units_from_index

    units, neighbours = units_from_index(index, ws.root, ws.sources.get, step)
    ws.set_units(units, neighbours, fresh=fresh, pause=step)


def attach_index(ws: CrossFileWorkspace, settings: Any = None) -> bool:
    """Build (or load) the root's embedding index and compute the duplicates; False if unavailable."""
    from aurelis.config.settings import Settings
    from aurelis.index.embedder import shared_embedder
    from aurelis.index.service import WorkspaceIndex

    settings = settings or Settings()
    s = settings.index
    if not s.enabled:
        return False
    try:
        index = WorkspaceIndex(
            ws.root, s, shared_embedder(s.model, s.max_tokens, s.batch_size, s.threads, s.backend)
        )
        index.build()
    except Exception as exc:  # no model, broken cache…: dead code still runs
        log.warning("duplicate detection skipped: the index of %s is unavailable (%s)", ws.root, exc)
        return False
    attach_units(ws, index)
    return True


def run_crossfile(
    paths: Iterable[str | os.PathLike[str]],
    settings: Any = None,
    use_index: bool = True,
    root: Path | None = None,
) -> dict[str, list[Finding]]:
    """Cross-file findings (AUR410 duplicates, AUR411 dead code) for the Python files under ``paths``.

    ``settings`` is the whole ``Settings`` (None: defaults); ``root`` the project
    (None: found from the paths). Keys are absolute posix paths; files without
    findings are left out. Suppression comments and severity overrides apply.
    """
    from aurelis.config.settings import Settings

    targets = [Path(p).absolute() for p in paths]
    if not targets:
        return {}
    settings = settings or Settings()
    root = Path(root).absolute() if root is not None else project_root(targets)
    enabled = {r.code for r in CrossFileWorkspace(root, settings).rules_for((root / "x.py").as_posix())}
    if not enabled:
        return {}  # nothing selected: do not even read the project
    ws = load_workspace(root, settings)
    wanted = [p for p in ws.python_paths() if any(_under(Path(p), t) for t in targets)]
    if use_index and DUPLICATE_CODE in enabled and wanted:
        attach_index(ws, settings)
    out: dict[str, list[Finding]] = {}
    for path in sorted(wanted):
        found = ws.findings(path)
        if found:
            out[path] = found
    return out


def add_crossfile(
    results: list[tuple[Path, Any, Any]],
    used_rules: dict[str, type],
    settings_by_root: dict[Path, Any],
    use_index: bool = True,
) -> None:
    """Merge cross-file findings into ``aurelis check``'s per-file reports, in place.

    ``results``: (path, document, Report) per checked file; ``settings_by_root``:
    the whole Settings of each project root the files were checked under. ``use_index``: duplicates
    (AUR410) through the embedding index; without it only the index-free rules run.
    """
    from aurelis.analysis.registry import by_code

    rules = by_code()
    reports = {Path(p).resolve(): report for p, _doc, report in results}
    roots = sorted((Path(r).resolve() for r in settings_by_root), key=lambda r: -len(r.parts))
    settings_of = {Path(r).resolve(): s for r, s in settings_by_root.items()}
    claimed: set[Path] = set()
    for root in roots:  # innermost project first: a file belongs to its nearest root
        mine = [p for p in reports if p not in claimed and (p == root or root in p.parents)]
        claimed.update(mine)
        if not mine:
            continue
        for key, findings in run_crossfile(mine, settings_of[root], use_index, root=root).items():
            report = reports.get(Path(key).resolve())
            if report is None:
                continue
            for f in findings:
                report.rules[f.code] = used_rules[f.code] = rules[f.code]
            report.findings = sorted([*report.findings, *findings], key=lambda f: (f.start, f.end, f.code))


def _under(path: Path, target: Path) -> bool:
    return path == target or target in path.parents
