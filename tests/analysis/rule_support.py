"""Helpers for rule tests: run one rule on a snippet, apply its fixes, re-check.

These use the real Document (tree-sitter) and the real rule; nothing is mocked.
"""

from __future__ import annotations

import textwrap

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Finding, Rule, apply_edits
from aurelis.workspace.document import Document


def doc_of(source: str, path: str = "/project/pkg/mod.py") -> Document:
    return Document("file://" + path, textwrap.dedent(source), version=1, language_id="python")


def run(rule: type[Rule], source: str, path: str = "/project/pkg/mod.py", settings=None) -> list[Finding]:
    doc = doc_of(source, path)
    return list(rule().check(RuleContext(doc, settings)))


def fixed(rule: type[Rule], source: str, path: str = "/project/pkg/mod.py", settings=None) -> str:
    """Apply every fix of every finding at once; assert the result parses and is clean."""
    doc = doc_of(source, path)
    findings = list(rule().check(RuleContext(doc, settings)))
    assert findings, "expected findings to fix"
    edits = [e for f in findings if f.fix for e in f.fix.edits]
    assert edits, "expected at least one fix"
    out = apply_edits(doc.source, edits).decode("utf-8")
    after = doc_of(out, path)
    assert not after.has_syntax_errors(), f"fix produced a syntax error:\n{out}"
    compile(out, path, "exec")
    assert not list(rule().check(RuleContext(after, settings))), f"rule still fires after fix:\n{out}"
    return out
