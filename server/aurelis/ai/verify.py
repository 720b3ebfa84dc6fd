"""Does an AI edit do what it claims? Checked on the new text before it is offered.

- it parses (tree-sitter and, for Python, ``ast``);
- for a diagnostic of one of Aurelis' own per-file rules: re-analysis reports that
  rule fewer times (the finding is gone);
- no rule reports more error-severity findings than before.

For another server's diagnostic only the parse check and the error check apply:
we cannot re-run someone else's linter.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath
from typing import TYPE_CHECKING

from aurelis.analysis.engine import Report, analyze
from aurelis.analysis.fixes import parses, with_text
from aurelis.analysis.registry import by_code
from aurelis.analysis.rule import Severity
from aurelis.workspace.document import Document

if TYPE_CHECKING:
    from aurelis.config.analysis import AnalysisSettings


def _errors(report: Report) -> Counter[str]:
    return Counter(f.code for f in report.findings if f.severity == Severity.ERROR)


def own_rule(code: object) -> bool:
    """``code`` names one of Aurelis' per-file rules (cross-file ones need the workspace)."""
    rule = by_code().get(str(code)) if code else None
    return rule is not None and not rule.cross_file


def check(
    doc: Document,
    new_source: bytes,
    *,
    code: str | None = None,
    settings: AnalysisSettings | None = None,
    root: PurePath | None = None,
) -> str | None:
    """None when ``new_source`` (the whole document after the edit) passes; else the reason."""
    after_doc = with_text(doc, new_source)
    if not parses(after_doc):
        return "the result does not parse"
    if doc.language_id != "python":
        return None
    before, after = analyze(doc, settings, root), analyze(after_doc, settings, root)
    if code and own_rule(code):
        b = sum(1 for f in before.findings if f.code == code)
        a = sum(1 for f in after.findings if f.code == code)
        if b and a >= b:
            return f"re-analysis still reports {code}"
    grew = sorted(c for c, n in _errors(after).items() if n > _errors(before)[c])
    if grew:
        return f"it introduces new error-severity findings ({', '.join(grew)})"
    return None
