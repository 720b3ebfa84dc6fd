"""Fix verification and fix-all.

A fix is offered only when the fixed text parses, the rule fires fewer times
afterwards, and it unbinds no *protected* module-level name: one another module
of the project imports, `__all__` lists or a package `__init__` re-exports
(``crossfile/project_imports.py`` computes them; callers pass them in). Fix-all applies every safe, non-overlapping fix in one batch,
checks the batch the same way (falling back to one verified fix at a time when
the batch does not check out) and repeats until nothing is left to fix.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from aurelis.analysis.context import RuleContext
from aurelis.analysis.crossfile.imports import module_bindings
from aurelis.analysis.engine import Report, analyze, run_rules
from aurelis.analysis.rule import Edit, Finding, Fix, Rule, apply_edits
from aurelis.workspace.document import Document

if TYPE_CHECKING:
    from aurelis.config.analysis import AnalysisSettings


def parses(doc: Document) -> bool:
    """The text is valid for its language (Python: `ast` accepts it, too)."""
    if doc.tree is None or doc.has_syntax_errors():
        return False
    if doc.language_id == "python":
        try:
            ast.parse(doc.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def with_text(doc: Document, source: bytes) -> Document:
    return Document(
        doc.uri, source.decode("utf-8", "surrogatepass"), doc.version, doc.language_id, doc.encoding
    )


def _count(
    doc: Document, rule: type[Rule], settings: AnalysisSettings | None, exports: frozenset[str] = frozenset()
) -> int:
    return len(run_rules(RuleContext(doc, settings, exports=exports), [rule]))


def bindings(source: bytes) -> set[str] | None:
    """Module-level names of a Python source (None: it does not parse)."""
    try:
        return module_bindings(ast.parse(source), source)[0]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def unbinds(before: bytes, after: bytes, protected: frozenset[str]) -> set[str]:
    """The protected names bound in ``before`` that ``after`` no longer binds."""
    if not protected:
        return set()
    old, new = bindings(before), bindings(after)
    if old is None:
        return set()
    if new is None:
        return set(protected & old)
    return set((protected & old) - new)


def verify(
    doc: Document,
    fix: Fix,
    rule: type[Rule],
    settings: AnalysisSettings | None = None,
    protected: frozenset[str] = frozenset(),
) -> bool:
    """True when applying ``fix`` to ``doc`` parses, leaves fewer ``rule`` findings and
    unbinds none of the ``protected`` module-level names."""
    if not fix.edits or not parses(doc):
        return False
    try:
        fixed = with_text(doc, apply_edits(doc.source, fix.edits))
    except (ValueError, UnicodeDecodeError):
        return False
    if not parses(fixed) or unbinds(doc.source, fixed.source, protected):
        return False
    return _count(fixed, rule, settings, protected) < _count(doc, rule, settings, protected)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a[0] == a[1] == b[0] == b[1]:
        return True  # two insertions at one point: their order would be a guess
    return a[0] < b[1] and b[0] < a[1]


def batch(findings: list[Finding]) -> list[Finding]:
    """Safe fixes whose edits do not overlap each other (first come, first served).
    Findings that share one fix (e.g. one import statement) are batched once."""
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    seen: set[tuple[Edit, ...]] = set()
    for f in sorted(findings, key=lambda f: min((e.start for e in f.fix.edits), default=0) if f.fix else 0):
        if f.fix is None or not f.fix.safe or not f.fix.edits:
            continue
        if f.fix.edits in seen:
            continue
        spans = [(e.start, e.end) for e in f.fix.edits]
        if any(_overlaps(s, t) for s in spans for t in taken):
            continue
        seen.add(f.fix.edits)
        taken.extend(spans)
        chosen.append(f)
    return chosen


@dataclass
class FixAllResult:
    source: bytes  # the fixed text (== the input when nothing applied)
    applied: int  # fixes applied
    report: Report  # findings left in the fixed text


def fix_all(
    doc: Document,
    settings: AnalysisSettings | None = None,
    root: PurePath | None = None,
    max_rounds: int = 10,
    protected: frozenset[str] = frozenset(),
) -> FixAllResult:
    """Apply every safe fix, repeatedly, never producing text that does not parse or
    that unbinds a ``protected`` module-level name."""
    current = doc
    report = analyze(current, settings, root, exports=protected)
    applied = 0
    if not parses(doc):
        return FixAllResult(doc.source, 0, report)
    # fixes that would unbind a protected name, by (code, message): offsets move between rounds
    refused: set[tuple[str, str]] = set()
    for _ in range(max_rounds):
        chosen = batch([f for f in report.findings if (f.code, f.message) not in refused])
        if not chosen:
            break
        edits = [e for f in chosen for e in f.fix.edits]  # type: ignore[union-attr]
        candidate = with_text(current, apply_edits(current.source, edits))
        if protected and unbinds(current.source, candidate.source, protected):
            culprits = {
                (f.code, f.message)
                for f in chosen
                if unbinds(current.source, apply_edits(current.source, f.fix.edits), protected)  # type: ignore[union-attr]
            }
            # none alone but all together (a name bound twice): refuse the whole batch
            refused |= culprits or {(f.code, f.message) for f in chosen}
            continue  # the others go on in the next round
        after = analyze(candidate, settings, root, exports=protected) if parses(candidate) else None
        if after is not None and _fewer(report, after, chosen):
            current, report, applied = candidate, after, applied + len(chosen)
            continue
        # The batch did not check out: take the first fix that does on its own.
        for f in chosen:
            if f.fix is not None and verify(current, f.fix, report.rule_of(f), settings, protected):
                current = with_text(current, apply_edits(current.source, f.fix.edits))
                report = analyze(current, settings, root, exports=protected)
                applied += 1
                break
        else:
            break
    return FixAllResult(current.source, applied, report)


def _fewer(before: Report, after: Report, fixed: list[Finding]) -> bool:
    b = Counter(f.code for f in before.findings)
    a = Counter(f.code for f in after.findings)
    return all(a[code] < b[code] for code in {f.code for f in fixed})


def verified_fix(
    doc: Document,
    finding: Finding,
    report: Report,
    settings: AnalysisSettings | None = None,
    protected: frozenset[str] = frozenset(),
) -> Fix | None:
    fix = finding.fix
    if fix is None:
        return None
    return fix if verify(doc, fix, report.rule_of(finding), settings, protected) else None
