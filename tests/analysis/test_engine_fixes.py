"""Fix verification and fix-all over real documents and real rules."""

from __future__ import annotations

from aurelis.analysis.context import RuleContext
from aurelis.analysis.engine import analyze
from aurelis.analysis.fixes import batch, fix_all, verify
from aurelis.analysis.registry import by_code
from aurelis.analysis.rule import Category, Edit, Finding, Fix, Rule
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import doc_of

MINE = AnalysisSettings(select=["AUR401", "AUR102", "AUR203", "AUR104"])


class _BreaksSyntax(Rule):
    code = "AUR998"
    name = "breaks-syntax"
    category = Category.BUG_RISK
    summary = description = bad = good = "x"
    fixable = True

    def check(self, ctx):
        if b"x = 1" in ctx.source:
            start = ctx.source.index(b"x = 1")
            yield Finding(
                self.code, "x", start, start + 5, fix=Fix("break it", (Edit(start, start + 5, "x = ("),))
            )


class _NeverGoesAway(_BreaksSyntax):
    code = "AUR997"
    name = "never-goes-away"

    def check(self, ctx):
        if b"x = 1" in ctx.source:
            start = ctx.source.index(b"x = 1")
            yield Finding(
                self.code, "x", start, start + 5, fix=Fix("no-op", (Edit(start, start + 5, "x = 1"),))
            )


def test_verify_refuses_fixes_that_break_syntax_or_do_not_help():
    doc = doc_of("x = 1\n")
    (broken,) = _BreaksSyntax().check(RuleContext(doc))
    assert not verify(doc, broken.fix, _BreaksSyntax)
    (noop,) = _NeverGoesAway().check(RuleContext(doc))
    assert not verify(doc, noop.fix, _NeverGoesAway)
    report = analyze(doc_of("import os\n"), MINE)
    assert verify(doc_of("import os\n"), report.findings[0].fix, by_code()["AUR401"])


def test_fix_all_applies_every_safe_fix_until_clean():
    src = (
        "import os\nimport sys\nimport yaml\n\n"
        "def load(s):\n    try:\n        return yaml.load(s)\n    except:\n        return None == s\n"
    )
    result = fix_all(doc_of(src), MINE)
    assert result.source.decode() == (
        "import yaml\n\n"
        "def load(s):\n    try:\n        return yaml.safe_load(s)\n    except Exception:\n        return None is s\n"
    )
    assert result.applied == 5 and result.report.findings == []


def test_fix_all_leaves_unparsable_text_alone():
    src = b"import os\ndef f(:\n"
    result = fix_all(doc_of(src.decode()), MINE)
    assert (result.source, result.applied) == (src, 0)


def test_batch_skips_overlapping_and_shares_identical_fixes():
    shared = Fix("a", (Edit(0, 5, ""),))
    fs = [
        Finding("AUR401", "a", 0, 1, fix=shared),
        Finding("AUR401", "b", 2, 3, fix=shared),
        Finding("AUR104", "c", 3, 4, fix=Fix("c", (Edit(3, 4, "is"),))),
        Finding("AUR102", "d", 6, 7, fix=Fix("d", (Edit(6, 7, "x"),), safe=False)),
        Finding("AUR203", "e", 8, 9, fix=Fix("e", (Edit(8, 9, "y"),))),
    ]
    assert [f.message for f in batch(fs)] == ["a", "e"]
