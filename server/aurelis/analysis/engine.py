"""Run the selected per-file rules on one document.

Selection (select/ignore/per-file-ignores), severity overrides and suppression
comments are applied here, so the LSP layer and `aurelis check` see the same
findings. A rule that raises is logged and skipped; the others still run.
Rules with ``cross_file = True`` are not run here (the workspace pass runs them).
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from aurelis.analysis import selection
from aurelis.analysis.context import RuleContext
from aurelis.analysis.registry import all_rules
from aurelis.analysis.rule import Finding, Rule
from aurelis.analysis.suppressions import Suppressions, scan
from aurelis.analysis.unit_runner import UnitCache, run_units
from aurelis.workspace.edit_shape import common_ends
from aurelis.workspace.uris import to_path

if TYPE_CHECKING:
    from aurelis.config.analysis import AnalysisSettings
    from aurelis.workspace.document import Document

log = logging.getLogger(__name__)


@dataclass
class Report:
    """The findings of one run, in document order, with their rule classes."""

    uri: str
    version: int | None
    findings: list[Finding] = field(default_factory=list)
    rules: dict[str, type[Rule]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)  # codes of rules that raised

    def rule_of(self, finding: Finding) -> type[Rule]:
        return self.rules[finding.code]


def rules_for(
    settings: AnalysisSettings,
    path: PurePath | None = None,
    root: PurePath | None = None,
    cross_file: bool = False,
) -> list[type[Rule]]:
    """The rules that run on ``path`` under ``settings`` (per-file ones unless ``cross_file``)."""
    ignore = list(settings.ignore) + selection.file_ignores(path, settings.per_file_ignores, root)
    return [
        r
        for r in all_rules()
        if r.cross_file == cross_file
        and selection.is_enabled(r, settings.select, settings.extend_select, ignore)
    ]


def _find_all(data: bytes, word: bytes, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of the occurrences of ``word`` that start in ``data[start:end]``."""
    end = len(data) if end is None else end
    out, pos = [], data.find(word, start)
    while 0 <= pos < end:
        out.append(pos)
        pos = data.find(word, pos + len(word))
    return out


_MARKERS = (b"aurelis", b"noqa")  # suppression comments name one of these (any case)
_marks_lock = threading.Lock()
_MARKS: OrderedDict[str, tuple[bytes, list[int]]] = OrderedDict()  # uri -> (source, marker offsets)


def _marks(uri: str, src: bytes) -> list[int]:
    """Offsets of the markers in ``src``, sorted. A document's previous scan is kept: markers in
    the text that did not change since are shifted, only the changed stretch is scanned again
    (markers do not overlap themselves or each other, so a marker that starts outside that
    stretch lies wholly in unchanged text)."""
    with _marks_lock:
        prior = _MARKS.get(uri)
    if prior is None:
        low = src.lower()  # then plain finds: a case-insensitive regex over the file costs ten times more
        found = sorted(i for word in _MARKERS for i in _find_all(low, word))
    else:
        old, old_marks = prior
        head, tail = common_ends(old, src)
        delta = len(src) - len(old)
        longest = max(len(w) for w in _MARKERS)
        lo, hi = max(0, head - longest + 1), len(src) - tail  # markers starting in lo..hi are new
        window = src[lo : hi + longest - 1].lower()
        found = [i for i in old_marks if i < lo]
        found += sorted(lo + i for word in _MARKERS for i in _find_all(window, word, 0, hi - lo))
        found += [i + delta for i in old_marks if i + delta >= hi and i >= len(old) - tail]
    with _marks_lock:
        _MARKS[uri] = (src, found)
        _MARKS.move_to_end(uri)
        while len(_MARKS) > 64:
            _MARKS.popitem(last=False)
    return found


def suppressions_of(doc: Document) -> Suppressions:
    """Suppression comments, found by a scan of the bytes for their markers (a walk of
    every comment node would cost as much as the rules); each hit must be a real comment."""
    src = doc.source
    if doc.tree is None:
        return Suppressions()
    root = doc.tree.root_node
    found: list[tuple[int, str]] = []
    seen: set[int] = set()
    for hit in _marks(doc.uri, src):
        node = root.descendant_for_byte_range(hit, hit + 1)
        if node is None or node.type != "comment" or node.start_byte in seen:
            continue
        seen.add(node.start_byte)
        text = src[node.start_byte : node.end_byte].decode("utf-8", "replace")
        found.append((line_of(doc, node.start_byte), text))
    return scan(found)


# Statements whose first line carries the suppression comment for all of their lines (as in ruff):
# a multi-line import, call or assignment is silenced by a suppression comment where it starts.
_SIMPLE_STATEMENTS = frozenset(
    {
        "import_statement",
        "import_from_statement",
        "future_import_statement",
        "expression_statement",
        "return_statement",
        "assert_statement",
        "raise_statement",
        "delete_statement",
        "global_statement",
        "nonlocal_statement",
        "type_alias_statement",
    }
)


def statement_line(doc: Document, offset: int) -> int | None:
    """First line of the simple statement holding ``offset`` (None: not in one, or one line)."""
    if doc.tree is None:
        return None
    node = doc.tree.root_node.descendant_for_byte_range(offset, offset)
    while node is not None and node.type not in _SIMPLE_STATEMENTS:
        if node.type in ("block", "module"):
            return None  # left the statement's own text: a compound statement's body
        node = node.parent
    if node is None or node.start_point[0] == node.end_point[0]:
        return None
    return node.start_point[0]


def line_of(doc: Document, offset: int) -> int:
    return max(0, bisect.bisect_right(doc.lines.starts, offset) - 1)


def run_rules(ctx: RuleContext, rules: list[type[Rule]], report: Report | None = None) -> list[Finding]:
    """Every finding of ``rules`` on ``ctx`` (no suppression or severity applied)."""
    out: list[Finding] = []
    for rule in rules:
        try:
            out.extend(rule().check(ctx))
        except Exception:  # one broken rule must not hide the others' findings
            log.exception("rule %s failed on %s", rule.code, ctx.doc.uri)
            if report is not None:
                report.failed.append(rule.code)
    return out


def analyze(
    doc: Document,
    settings: AnalysisSettings | None = None,
    root: PurePath | None = None,
    workspace: Any = None,
    rules: list[type[Rule]] | None = None,
    cache: UnitCache | None = None,
    exports: frozenset[str] = frozenset(),
) -> Report:
    """Findings of the per-file rules on ``doc``; severities resolved, suppressions applied.
    Runs unit by unit, reusing the cached results of units that did not change (``unit_runner``).
    ``exports``: module-level names other modules of the project import from this one."""
    from aurelis.config.analysis import AnalysisSettings

    settings = settings or AnalysisSettings()
    report = Report(doc.uri, doc.version)
    if doc.tree is None or doc.language_id is None:
        return report
    chosen = rules if rules is not None else rules_for(settings, to_path(doc.uri), root)
    chosen = [r for r in chosen if doc.language_id in r.languages]
    report.rules = {r.code: r for r in chosen}
    # per-file rules run unit by unit (cached); cross-file ones ask the workspace about the whole file
    local = [r for r in chosen if not r.cross_file]
    findings = run_units(doc, settings, local, workspace, report.failed, cache, exports) if local else []
    if len(local) < len(chosen):
        whole = RuleContext(doc, settings, workspace)
        findings += run_rules(whole, [r for r in chosen if r.cross_file], report)
    suppressed = suppressions_of(doc)
    kept: list[Finding] = []
    for f in findings:
        rule = report.rules.get(f.code)
        if rule is None:
            continue
        first, last = line_of(doc, f.start), line_of(doc, max(f.start, f.end - 1))
        if suppressed.silences(rule, first) or (last != first and suppressed.silences(rule, last)):
            continue
        head = statement_line(doc, f.start) if suppressed.lines else None
        if head is not None and head != first and suppressed.silences(rule, head):
            continue
        f.severity = selection.override_for(rule, settings.severity) or f.severity or rule.severity
        kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end, f.code))
    report.findings = kept
    return report
