"""Verify an implementation before it is offered, on the workspace as it would be after it:

1. every changed file parses;
2. the targeted findings are gone (a duplicate group no longer duplicated, the long or
   complex function no longer flagged, the dead definitions gone or used);
3. no rule reports more error-severity findings in a changed file;
4. every import between workspace modules still resolves, and every absolute import a
   changed file adds names a module that exists (h13's ``ProjectImports``);
5. optionally, the user's test command passes in a temporary copy of the workspace
   (user-level setting only: it runs something), within a timeout.

Each check says what failed; a failed verification still shows the edit as a diff.
"""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aurelis.opportunities.model import Opportunity

_COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    "__pycache__",
    ".venv",
    "venv",
    "node_modules",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".aurelis",
)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def _sources(root: Path) -> dict[str, str]:
    from aurelis.analysis.crossfile.project_imports import project_sources

    out = {}
    for abs_path, data in project_sources(root).items():
        out[Path(abs_path).relative_to(root.resolve()).as_posix()] = data.decode("utf-8", "replace")
    return out


def _parses(text: str) -> str | None:
    try:
        ast.parse(text)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return str(exc)
    return None


def _doc(root: Path, rel: str, text: str):
    from aurelis.workspace.document import Document
    from aurelis.workspace.uris import from_path

    return Document(from_path(root / rel), text, language_id="python")


def _function_units(root: Path, sources: dict[str, str], paths: list[str]):
    """(units, neighbours) for the functions of ``paths``: every pair is a candidate (a few files)."""
    from aurelis.analysis.crossfile.index_units import units_from_index
    from aurelis.index.chunker import chunk_source

    chunks = [
        c
        for p in paths
        if p in sources
        for c in chunk_source(p, sources[p].encode("utf-8", "surrogatepass"), "python")
    ]

    class AllPairs:  # the index's two calls, answered without embeddings: all pairs are candidates
        def chunks(self):
            return chunks

        def neighbours(self, key: str, k: int):
            return [(c, 1.0) for c in chunks if c.id != key and c.kind in ("function", "method")]

    encoded = {(root / p).as_posix(): s.encode("utf-8", "surrogatepass") for p, s in sources.items()}
    return units_from_index(AllPairs(), root, encoded.get)


def _remaining(root: Path, o: Opportunity, after: dict[str, str], settings: Any) -> list[str]:
    """Which of the opportunity's findings are still reported on the text after the change."""
    from aurelis.analysis.crossfile.workspace import CrossFileWorkspace
    from aurelis.analysis.engine import analyze
    from aurelis.config.settings import Settings
    from aurelis.opportunities.collect import with_rule

    # the opportunity's own rule is checked even where it is off by default (AUR410 is)
    if not isinstance(settings, Settings):  # None, or the analysis settings alone
        settings = Settings() if settings is None else Settings(analysis=settings)
    settings = with_rule(settings, o.code)
    symbols = {s.symbol for s in o.sites if s.symbol}
    if o.kind in ("duplicate", "dead-code"):
        ws = CrossFileWorkspace(root, settings)
        for rel, text in after.items():
            ws.update((root / rel).as_posix(), text.encode("utf-8", "surrogatepass"))
        if o.kind == "duplicate":
            units, neighbours = _function_units(root, after, o.files + [p for p in after if p not in o.files])
            ws.set_units(units, neighbours)
        left = []
        for rel in o.files:
            if rel not in after:
                continue
            for f in ws.findings((root / rel).as_posix()):
                if f.code != o.code:
                    continue
                names = {f.data.get("name"), *f.data.get("twins", [])} | {
                    w for w in f.message.split("`")[1::2]
                }
                names = {str(n).split(".")[-1] for n in names if n}
                if names & symbols or not symbols:
                    left.append(f"{rel}: {f.message}")
        return left
    left = []
    analysis = getattr(settings, "analysis", settings)
    for rel in o.files:
        if rel not in after:
            continue
        doc = _doc(root, rel, after[rel])
        from aurelis.ai.targets import enclosing_definition

        for f in analyze(doc, analysis, root).findings:
            if f.code != o.code:
                continue
            d = enclosing_definition(doc, f.start)
            if o.kind == "finding" or (d is not None and d.name in symbols):
                left.append(f"{rel}: {f.message}")
    if o.kind == "finding":  # a single finding: fewer of its kind is the claim
        before = 0
        for rel in o.files:
            p = root / rel
            if p.is_file():
                before += sum(
                    1
                    for f in analyze(
                        _doc(root, rel, p.read_text("utf-8", "replace")), analysis, root
                    ).findings
                    if f.code == o.code
                )
        return left if len(left) >= before else []
    return left


def _errors(root: Path, rel: str, text: str, settings: Any) -> Counter[str]:
    from aurelis.analysis.engine import analyze

    report = analyze(_doc(root, rel, text), getattr(settings, "analysis", settings), root)
    return Counter(
        f.code for f in report.findings if str(getattr(f.severity, "value", f.severity)) == "error"
    )


def _imports(
    before_sources: dict[str, str], after_sources: dict[str, str], changed: list[str], root: Path
) -> list[str]:
    from aurelis.analysis.crossfile.imports import parse_facts
    from aurelis.analysis.crossfile.project_imports import ProjectImports

    def graph(sources: dict[str, str]) -> ProjectImports:
        return ProjectImports.from_sources(
            {(root / p).as_posix(): s.encode("utf-8", "surrogatepass") for p, s in sources.items()}
        )

    before, after = graph(before_sources), graph(after_sources)
    problems = [
        f"`{u.name}` imported at {Path(u.importer).relative_to(root).as_posix()}:{u.line} no longer resolves"
        for u in before.broken(after)
    ]
    changed_abs = {(root / p).as_posix() for p in changed}
    for target, uses in after.uses().items():
        for u in uses:
            if u.importer in changed_abs and not after.resolves(u):
                msg = f"`{u.name}` imported at {Path(u.importer).relative_to(root).as_posix()}:{u.line} is not defined in {Path(target).relative_to(root).as_posix()}"
                if msg not in problems:
                    problems.append(msg)
    for rel in changed:
        facts = parse_facts(after_sources[rel].encode("utf-8", "surrogatepass"))
        if facts is None:
            continue
        for (level, dotted), _name in facts.from_imports:
            if level or not dotted:
                continue
            if after.resolve((root / rel).as_posix(), (level, dotted)):
                continue
            top = dotted.split(".")[0]
            if top in {n.split(".")[0] for n in after.modules}:
                problems.append(f"{rel} imports `{dotted}`, which is not a module of the workspace")
            elif importlib.util.find_spec(top) is None:
                problems.append(f"{rel} imports `{dotted}`, which does not exist")
    return problems


def run_tests(root: Path, files: dict[str, str], command: list[str], timeout: float) -> Check:
    """The user's test command in a temporary copy of the workspace with ``files`` written."""
    with tempfile.TemporaryDirectory(prefix="aurelis-implement-") as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=_COPY_IGNORE, symlinks=True)
        for rel, text in files.items():
            target = copy / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run(command, cwd=copy, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return Check("tests", False, f"`{' '.join(command)}` did not finish within {timeout:g}s")
        except OSError as exc:
            return Check("tests", False, f"`{' '.join(command)}` could not run: {exc}")
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        if done.returncode != 0:
            return Check(
                "tests", False, f"`{' '.join(command)}` exited with {done.returncode}: " + " / ".join(tail)
            )
        return Check("tests", True, f"`{' '.join(command)}` passed")


def verify(
    root: Path,
    o: Opportunity,
    files: dict[str, str],
    settings: Any = None,
    test_command: list[str] | None = None,
    test_timeout: float = 120.0,
) -> list[Check]:
    root = root.resolve()
    before = _sources(root)
    after = {**before, **files}
    checks: list[Check] = []
    bad = {rel: why for rel, text in files.items() if (why := _parses(text))}
    checks.append(
        Check(
            "parses", not bad, "; ".join(f"{r}: {w}" for r, w in bad.items()) or f"{len(files)} file(s) parse"
        )
    )
    if bad:
        return checks  # the rest cannot be judged on text that does not parse
    left = _remaining(root, o, after, settings)
    checks.append(
        Check("targeted findings gone", not left, "; ".join(left) or f"{o.code} no longer reported")
    )
    grew = []
    for rel, text in files.items():
        old = _errors(root, rel, before[rel], settings) if rel in before else Counter()
        new = _errors(root, rel, text, settings)
        grew += [f"{rel}: {code}" for code, n in new.items() if n > old[code]]
    checks.append(Check("no new errors", not grew, "; ".join(grew) or "no new error-severity findings"))
    problems = _imports(before, after, list(files), root)
    checks.append(Check("imports resolve", not problems, "; ".join(problems) or "every import resolves"))
    if test_command:
        checks.append(run_tests(root, files, test_command, test_timeout))
    return checks
