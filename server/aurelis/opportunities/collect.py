"""Mine a workspace's opportunities: the per-file rules and the cross-file ones (duplicates
through the index, dead code), grouped into pieces of work.

- a duplicate group (AUR410: one finding, the other copies as related locations);
- a long (AUR405), complex (AUR403) or deeply nested (AUR406) function: the whole function;
- a dead-code cluster: two or more unreferenced definitions (AUR411) in one file;
- any other finding on its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aurelis.ai.targets import enclosing_definition
from aurelis.analysis.rule import Finding
from aurelis.opportunities.model import Opportunity, Site
from aurelis.workspace.document import Document
from aurelis.workspace.uris import to_path

KINDS = {
    "AUR410": "duplicate",
    "AUR405": "long-function",
    "AUR403": "complex-function",
    "AUR406": "complex-function",
}
DEAD_CODE = "AUR411"
DUPLICATE_CODE = "AUR410"
LARGE_CODES = frozenset([*KINDS, DEAD_CODE])


@dataclass
class Checked:
    path: Path  # absolute
    doc: Document
    findings: list[Finding]


def rel(root: Path, path: Path | str) -> str:
    p = Path(path)
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def _function_site(root: Path, c: Checked, offset: int) -> Site:
    d = enclosing_definition(c.doc, offset)
    if d is None:
        line = c.doc.source.count(b"\n", 0, offset) + 1
        return Site(rel(root, c.path), line, line)
    first, last = d.rows
    return Site(rel(root, c.path), first + 1, last + 1, d.name)


def _severity(f: Finding, rules: dict[str, Any]) -> str:
    sev: Any = f.severity or getattr(rules.get(f.code), "severity", "info")
    return str(getattr(sev, "value", sev))


def group(root: Path, checked: list[Checked]) -> list[Opportunity]:
    from aurelis.analysis.registry import by_code

    rules = by_code()
    out: list[Opportunity] = []
    dead: dict[str, list[tuple[Checked, Finding]]] = defaultdict(list)
    for c in checked:
        for f in c.findings:
            summary = getattr(rules.get(f.code), "summary", f.code)
            if f.code == DUPLICATE_CODE:
                sites = [_function_site(root, c, f.start)]
                for r in f.related:
                    path = to_path(r.uri)
                    name = r.message.split(" (")[0].split(".")[-1] if r.message else ""
                    sites.append(
                        Site(rel(root, path) if path else r.uri, r.start_line + 1, r.end_line + 1, name)
                    )
                sites.sort(key=lambda s: (s.path, s.start_line))
                out.append(
                    Opportunity(
                        "duplicate",
                        f.code,
                        f"Duplicate group: {f.message}",
                        _severity(f, rules),
                        sites,
                        [f.message],
                    )
                )
            elif f.code in KINDS:
                site = _function_site(root, c, f.start)
                out.append(
                    Opportunity(
                        KINDS[f.code],
                        f.code,
                        f"{summary}: `{site.symbol}`",
                        _severity(f, rules),
                        [site],
                        [f.message],
                    )
                )
            elif f.code == DEAD_CODE:
                dead[rel(root, c.path)].append((c, f))
            else:
                line = c.doc.source.count(b"\n", 0, f.start) + 1
                end = c.doc.source.count(b"\n", 0, max(f.start, f.end - 1)) + 1
                out.append(
                    Opportunity(
                        "finding",
                        f.code,
                        summary,
                        _severity(f, rules),
                        [Site(rel(root, c.path), line, end)],
                        [f.message],
                    )
                )
    for dead_path, items in dead.items():
        sites = [_function_site(root, c, f.start) for c, f in items]
        kind = "dead-code" if len(items) > 1 else "finding"
        title = (
            f"Dead-code cluster: {len(items)} unreferenced definitions in {dead_path}"
            if len(items) > 1
            else items[0][1].message
        )
        out.append(
            Opportunity(
                kind, DEAD_CODE, title, _severity(items[0][1], rules), sites, [f.message for _, f in items]
            )
        )
    return out


def check_workspace(root: Path, settings: Any = None, use_index: bool = True) -> list[Checked]:
    """Every Python file the index would scan, with its per-file and cross-file findings."""
    from aurelis.analysis.crossfile.runner import load_workspace, run_crossfile
    from aurelis.analysis.engine import analyze
    from aurelis.config.settings import Settings
    from aurelis.workspace.uris import from_path

    settings = settings or Settings()
    root = root.resolve()
    ws = load_workspace(root, settings)
    checked: dict[str, Checked] = {}
    for key in ws.python_paths():
        data = ws.sources[key]
        doc = Document(from_path(Path(key)), data.decode("utf-8", "replace"), language_id="python")
        report = analyze(doc, settings.analysis, root)
        checked[Path(key).resolve().as_posix()] = Checked(Path(key), doc, list(report.findings))
    for key, found in run_crossfile([root], settings, use_index, root=root).items():
        c = checked.get(Path(key).resolve().as_posix())
        if c is not None:
            c.findings = sorted([*c.findings, *found], key=lambda f: (f.start, f.end, f.code))
    return list(checked.values())


def with_rule(settings: Any, code: str) -> Any:
    """``settings`` with the rule ``code`` selected too (an explicit `ignore` of it still wins)."""
    a = settings.analysis
    more = {"extend_select": [*a.extend_select, code]}
    return settings.model_copy(update={"analysis": a.model_copy(update=more)})


def collect(root: Path, settings: Any = None, use_index: bool = True) -> list[Opportunity]:
    """The workspace's opportunities; with ``use_index``, its duplicate groups too (AUR410 is off
    as a diagnostic for precision, but a report ranks groups by size: the biggest are worth reading)."""
    from aurelis.config.settings import Settings

    settings = settings or Settings()
    if use_index:
        settings = with_rule(settings, DUPLICATE_CODE)
    return group(root.resolve(), check_workspace(root, settings, use_index))


def from_diagnostic(root: Path, doc: Document, diagnostic: dict) -> Opportunity:
    """The opportunity of one LSP diagnostic (a code action's): its function and related places."""
    path = to_path(doc.uri) or Path(doc.uri)
    start = diagnostic.get("range", {}).get("start", {})
    from aurelis.workspace.positions import Pos

    offset = doc.offset_at(Pos(int(start.get("line", 0)), int(start.get("character", 0))))
    code = str(diagnostic.get("code") or "")
    message = str(diagnostic.get("message", ""))
    c = Checked(path, doc, [])
    sites = [_function_site(root, c, offset)]
    for r in diagnostic.get("relatedInformation") or []:
        loc = r.get("location", {})
        p = to_path(loc.get("uri", ""))
        rng = loc.get("range", {})
        name = str(r.get("message", "")).split(" (")[0].split(".")[-1]
        sites.append(
            Site(
                rel(root, p) if p else loc.get("uri", ""),
                rng.get("start", {}).get("line", 0) + 1,
                rng.get("end", {}).get("line", 0) + 1,
                name,
            )
        )
    kind = KINDS.get(code, "dead-code" if code == DEAD_CODE else "finding")
    severities: dict[Any, str] = {1: "error", 2: "warning", 3: "info", 4: "hint"}
    sev = severities.get(diagnostic.get("severity"), "info")
    sites.sort(key=lambda s: (s.path, s.start_line))
    return Opportunity(kind, code, message, sev, sites, [message])
