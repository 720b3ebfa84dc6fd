"""`aurelis check PATH... [--format text|json|sarif] [--select ...] [--ignore ...] [--fix]`.

The same engine and configuration as the server: `[tool.aurelis]` of the
nearest pyproject.toml above each path. Exit 1 when findings remain, 0 when
clean, 2 on usage errors. `--fix` applies the safe fixes in place and never
touches a file that does not parse. It keeps every module-level name another
module of the project imports (`crossfile/project_imports.py`), and checks the
changed files together (each parses, the project's imports still resolve,
`analysis/fix_set.py`) before it writes them, all or none. Duplicated functions
(AUR410) need the semantic index and its model: only with `--duplicates` (the
server reports them as it indexes).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from aurelis.cli.summary import _walk


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="run the analysis rules over files and directories")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    p.add_argument(
        "--select", default=None, help="comma-separated codes/prefixes/categories (replaces the config's)"
    )
    p.add_argument(
        "--extend-select", default=None, help="comma-separated selectors added to the config's select"
    )
    p.add_argument("--ignore", default=None, help="comma-separated codes/prefixes/categories to skip (added)")
    p.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    p.add_argument("--no-config", action="store_true", help="ignore pyproject.toml settings")
    p.add_argument(
        "--duplicates",
        action="store_true",
        help="also report duplicated functions (AUR410, off by default) through the semantic index: builds "
        "or loads it, and loads the embedding model when something must be encoded",
    )
    p.set_defaults(func=run)


def _split(raw: str | None) -> list[str]:
    return [s.strip() for s in (raw or "").split(",") if s.strip()]


def _project_root(path: Path) -> Path:
    start = path.resolve()
    start = start if start.is_dir() else start.parent
    for d in (start, *start.parents):
        if (d / "pyproject.toml").is_file():
            return d
    return start


def _unknown_selectors(selectors: list[str]) -> list[str]:
    from aurelis.analysis.registry import all_rules
    from aurelis.analysis.selection import specificity

    rules = all_rules()
    return [s for s in selectors if not any(specificity(s, r) >= 0 for r in rules)]


def run(args: argparse.Namespace) -> int:
    from aurelis.analysis.crossfile.project_imports import ProjectImports, project_sources
    from aurelis.analysis.engine import analyze, rules_for
    from aurelis.analysis.fix_set import check_set, write_all
    from aurelis.analysis.fixes import fix_all, parses
    from aurelis.cli import check_formats as fmt
    from aurelis.config.settings import Settings
    from aurelis.config.sources import read_pyproject, resolve
    from aurelis.workspace import containment, languages
    from aurelis.workspace.document import Document, decode_declared
    from aurelis.workspace.uris import from_path

    select, extend, ignore = _split(args.select), _split(args.extend_select), _split(args.ignore)
    if args.duplicates:
        extend.append("AUR410")  # off by default (precision); the flag is the user asking for it
    if bad := _unknown_selectors(select + extend + ignore):
        print(f"aurelis check: unknown rule selector(s): {', '.join(bad)}", file=sys.stderr)
        return 2
    for p in args.paths:
        if not p.exists():
            print(f"aurelis check: no such path: {p}", file=sys.stderr)
            return 2

    settings_cache: dict[Path, Settings] = {}

    def settings_for(root: Path):
        if root not in settings_cache:
            layers = [] if args.no_config else [x for x in [read_pyproject(root)] if x is not None]
            settings, warnings = resolve(layers)
            for w in warnings:
                print(str(w), file=sys.stderr)
            a = settings.analysis
            update = {}
            if select:
                update["select"] = select
            if extend:
                update["extend_select"] = [*a.extend_select, *extend]
            if ignore:
                update["ignore"] = [*a.ignore, *ignore]
            settings_cache[root] = settings.model_copy(update={"analysis": a.model_copy(update=update)})
        return settings_cache[root].analysis

    graphs: dict[Path, ProjectImports] = {}  # the import graph of each project root

    def graph_for(root: Path) -> ProjectImports:
        if root not in graphs:
            graphs[root] = ProjectImports.from_sources(project_sources(root))
        return graphs[root]

    results: list[Any] = []
    used_rules: dict[str, type] = {}
    fixed_total = fixed_files = 0
    seen: set[Path] = set()
    skipped: Counter = Counter()
    # --fix: per root, path key -> (index in results, path, fixed text, fixes applied)
    pending: dict[Path, dict[str, tuple[int, Path, bytes, int]]] = {}
    for root_arg in args.paths:
        root = _project_root(root_arg)
        settings = settings_for(root)
        graph = graph_for(root)
        for path in _walk(root_arg, skipped):
            if languages.language_for_path(path) != "python":
                continue
            data, reason = containment.read_regular(path)
            if data is None:
                print(f"{fmt.display_path(path)}: skipped: {reason}", file=sys.stderr)
                skipped[reason] += 1
                continue
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            text: str | None
            try:
                text = data.decode("utf-8")
                utf8 = True
            except UnicodeDecodeError:
                text, utf8 = decode_declared(data), False  # PEP 263: analysed, never rewritten
                if text is None:
                    print(f"{fmt.display_path(path)}: skipped: not UTF-8 and no coding line", file=sys.stderr)
                    skipped["invalid_encoding"] += 1
                    continue
            doc = Document(from_path(path), text, language_id="python")
            key = path.resolve().as_posix()
            exports = graph.protected(key) if key in graph.facts else frozenset()
            for r in rules_for(settings, path.resolve(), root):
                used_rules[r.code] = r
            if args.fix and not utf8:
                print(f"{fmt.display_path(path)}: not fixed: not a UTF-8 file", file=sys.stderr)
                report = analyze(doc, settings, root, exports=exports)
            elif args.fix:
                if not parses(doc):
                    print(f"{fmt.display_path(path)}: not fixed: the file does not parse", file=sys.stderr)
                    report = analyze(doc, settings, root, exports=exports)
                else:
                    result = fix_all(doc, settings, root, protected=exports)
                    report = result.report
                    if result.applied and result.source != data:
                        pending.setdefault(root, {})[key] = (
                            len(results),
                            path,
                            result.source,
                            result.applied,
                        )
                        doc = Document(doc.uri, result.source.decode("utf-8"), language_id="python")
            else:
                report = analyze(doc, settings, root, exports=exports)
            results.append((path, doc, report))

    # --fix: the changed files of each project are checked together, then written together
    for root, changed in pending.items():
        verdict = check_set(graph_for(root), {k: v[2] for k, v in changed.items()})
        for key, why in sorted(verdict.refused.items()):
            i, path, _new, _n = changed[key]
            print(f"{fmt.display_path(path)}: not fixed: {why}", file=sys.stderr)
            original = Document(from_path(path), path.read_text("utf-8"), language_id="python")
            exports = graph_for(root).protected(key)
            results[i] = (path, original, analyze(original, settings_for(root), root, exports=exports))
        write_all({changed[k][1]: text for k, text in verdict.accepted.items()})
        fixed_total += sum(changed[k][3] for k in verdict.accepted)
        fixed_files += len(verdict.accepted)

    # Cross-file rules (duplicates through the index, dead code) over the whole project of each root.
    from aurelis.analysis.crossfile.runner import add_crossfile

    # Duplicates need the index and the model: seconds, where the rest takes a fraction of one.
    add_crossfile(results, used_rules, settings_cache, use_index=args.duplicates)

    findings = sum(len(r.findings) for _, _, r in results)
    if args.format == "text":
        for path, doc, report in results:
            for f in report.findings:
                print(fmt.text_line(path, doc, f))
        summary = f"Found {findings} problem{'s' if findings != 1 else ''} in {len(results)} files"
        if skipped:
            summary += "; skipped " + ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items()))
        if args.fix:
            summary += f"; fixed {fixed_total} in {fixed_files} files"
        print(summary, file=sys.stderr)
    elif skipped:
        print(
            "aurelis check: skipped " + ", ".join(f"{n} {r}" for r, n in sorted(skipped.items())),
            file=sys.stderr,
        )
    if args.format == "json":
        out = [
            {"uri": doc.uri, "diagnostics": [fmt.lsp_diagnostic(doc, report, f) for f in report.findings]}
            for _, doc, report in results
            if report.findings
        ]
        print(json.dumps(out, indent=2))
    elif args.format == "sarif":
        rules = sorted(used_rules.values(), key=lambda r: str(getattr(r, "code", "")))
        print(json.dumps(fmt.sarif(results, rules), indent=2))
    return 1 if findings else 0
