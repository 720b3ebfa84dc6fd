"""Rules AUR101-AUR501 (set A) against real code: the interpreter's own standard library.

Every fix offered on real code must parse and remove its finding, and no rule may raise
on damaged text. Nothing here is a stored expectation: the code is whatever ships with
the interpreter running the tests.
"""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path

import pytest

from aurelis.analysis.context import RuleContext
from aurelis.analysis.registry import by_code
from aurelis.analysis.rule import apply_edits
from aurelis.workspace.document import Document

SET_A = ("AUR101", "AUR103", "AUR105", "AUR106", "AUR107", "AUR108", "AUR109", "AUR407", "AUR501")
FIXABLE = ("AUR101", "AUR105", "AUR106", "AUR107")
STDLIB = Path(json.__file__).parent.parent
PACKAGES = ("json", "http", "email", "asyncio")
# two more real files where unreachable code and an open()...close() pair occur
EXTRA = ("unittest/test/test_async_case.py", "idlelib/outwin.py")


def _sources():
    paths = [p for pkg in PACKAGES for p in sorted((STDLIB / pkg).rglob("*.py"))]
    for path in [*paths, *(STDLIB / e for e in EXTRA)]:
        yield path, path.read_text("utf-8")


@pytest.fixture(scope="module")
def corpus():
    """(path, text, context) per file; one context per file is shared by every rule, as in the engine."""
    contexts = [
        (path, text, RuleContext(Document(path.as_uri(), text, 1, "python"))) for path, text in _sources()
    ]
    return [c for c in contexts if c[2].python_ast is not None]


@pytest.mark.parametrize("code", FIXABLE)
def test_every_fix_on_the_stdlib_parses_and_removes_its_finding(code, corpus):
    rule = by_code()[code]()
    checked = 0
    for path, _text, ctx in corpus:
        doc = ctx.doc
        findings = list(rule.check(ctx))
        for finding in (f for f in findings if f.fix):
            out = apply_edits(doc.source, finding.fix.edits).decode("utf-8")
            ast.parse(out, str(path))  # raises on a broken fix
            after = list(rule.check(RuleContext(Document(path.as_uri(), out, 2, "python"))))
            assert len(after) < len(findings), f"{code} fix did not remove its finding in {path}"
            checked += 1
    assert checked > 0, f"no {code} fix was exercised on {PACKAGES} {EXTRA}"


def test_rules_never_raise_on_damaged_text(corpus):
    rules = [by_code()[c]() for c in SET_A]
    text = next(t for p, t, _ in corpus if p.name == "client.py" and p.parent.name == "http")
    rnd = random.Random(4)
    for _ in range(12):
        damaged = text
        for _ in range(rnd.randint(1, 4)):
            a = rnd.randrange(len(damaged))
            junk = rnd.choice(["", "(", ":", "\n    ", "'''", "return\n", "x = [", "\t", "é"])
            damaged = damaged[:a] + junk + damaged[a + rnd.randint(0, 40) :]
        doc = Document("file:///p/m.py", damaged, 1, "python")
        ctx = RuleContext(doc)
        for rule in rules:
            for finding in rule.check(ctx):
                assert 0 <= finding.start <= finding.end <= len(doc.source)
                if finding.fix:
                    apply_edits(doc.source, finding.fix.edits)  # edits never overlap
