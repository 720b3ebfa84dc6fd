"""The rule engine: selection, severities, per-file ignores, suppressions, robustness."""

from __future__ import annotations

from pathlib import PurePath

from aurelis.analysis import engine as engine_mod
from aurelis.analysis.engine import analyze, rules_for
from aurelis.analysis.registry import all_rules, by_code
from aurelis.analysis.rule import Category, Rule, Severity
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import doc_of

SRC = "import os\nif x == None:\n    pass\ntry:\n    a()\nexcept:\n    pass\n"
# Other rules may fire on SRC too (they land independently); these tests look at three known ones.
KNOWN = {"AUR401", "AUR104", "AUR102"}


def codes(src=SRC, path="/project/pkg/mod.py", root=None, **settings):
    report = analyze(doc_of(src, path), AnalysisSettings(**settings), root=root)
    return [f.code for f in report.findings if f.code in KNOWN]


def test_defaults_run_every_default_rule_in_document_order():
    assert codes() == ["AUR401", "AUR104", "AUR102"]
    enabled = {r.code for r in rules_for(AnalysisSettings())}
    assert enabled == {r.code for r in all_rules() if r.enabled_by_default and not r.cross_file}


def test_select_and_ignore_by_code_prefix_category():
    assert codes(select=["AUR1"]) == ["AUR104", "AUR102"]
    assert codes(select=["maintainability"]) == ["AUR401"]
    assert codes(ignore=["bug-risk"]) == ["AUR401"]
    assert codes(ignore=["AUR10"]) == ["AUR401"]
    # the more specific selector wins both ways
    assert codes(select=["AUR104"], ignore=["bug-risk"]) == ["AUR104"]
    assert codes(select=["AUR1"], ignore=["AUR104"]) == ["AUR102"]
    assert codes(select=["ALL"], ignore=["ALL"]) == []


def test_extend_select_enables_off_by_default_rules_only_by_name():
    off = [r for r in all_rules() if not r.enabled_by_default and not r.cross_file]
    for rule in off:
        assert rule not in rules_for(AnalysisSettings())
        assert rule in rules_for(AnalysisSettings(extend_select=[rule.code]))
        assert rule not in rules_for(
            AnalysisSettings(extend_select=[rule.code[:4]])
        )  # a prefix is not enough
    assert by_code()["AUR401"] in rules_for(AnalysisSettings(extend_select=["AUR9"]))  # defaults stay


def test_cross_file_rules_never_run_per_file():
    cross = {r.code for r in all_rules() if r.cross_file}
    assert not cross & {r.code for r in rules_for(AnalysisSettings(select=["ALL"]))}
    assert {r.code for r in rules_for(AnalysisSettings(select=["ALL"]), cross_file=True)} == cross


def test_severity_overrides_most_specific_wins():
    report = analyze(doc_of(SRC), AnalysisSettings(severity={"bug-risk": "error", "AUR104": "hint"}))
    sev = {f.code: f.severity for f in report.findings if f.code in KNOWN}
    assert sev == {"AUR401": Severity.WARNING, "AUR104": Severity.HINT, "AUR102": Severity.ERROR}


def test_per_file_ignores_globs():
    pfi = {"tests/*": ["AUR401"], "*/legacy/*.py": ["bug-risk"]}
    assert codes(path="/project/tests/sub/test_a.py", per_file_ignores=pfi) == ["AUR104", "AUR102"]
    assert codes(path="/project/pkg/legacy/old.py", per_file_ignores=pfi) == ["AUR401"]
    assert codes(path="/project/pkg/mod.py", per_file_ignores=pfi) == ["AUR401", "AUR104", "AUR102"]
    # relative to the folder root
    assert (
        codes(path="/project/src/x.py", root=PurePath("/project"), per_file_ignores={"src/x.py": ["ALL"]})
        == []
    )


def test_suppression_comments():
    src = (
        "import os  # aurelis: ignore[AUR401]\n"
        "import sys  # aurelis: ignore\n"
        "import json  # aurelis: ignore[AUR104]\n"
        "import re  # noqa: F401\n"
        "import io  # noqa: E711\n"
        "import abc  # aurelis: ignore[aur4]\n"
        "if x == None:  # noqa: E711\n    pass\n"
    )
    assert [(f.code, f.message) for f in analyze(doc_of(src)).findings if f.code in KNOWN] == [
        ("AUR401", "`json` imported but unused"),
        ("AUR401", "`io` imported but unused"),
    ]


def test_suppression_on_last_line_of_multiline_finding():
    src = "import yaml\ncfg = yaml.load(\n    stream,\n)  # aurelis: ignore[AUR203]\n"
    assert codes(src) == []


class _Exploding(Rule):
    code = "AUR999"
    name = "exploding"
    category = Category.BUG_RISK
    summary = description = bad = good = "x"

    def check(self, ctx):
        yield self.finding(0, 1)
        raise RuntimeError("boom")


def test_a_crashing_rule_is_skipped_and_logged(caplog):
    rules = [_Exploding, by_code()["AUR401"]]
    report = analyze(doc_of("import os\n"), rules=rules)
    assert [f.code for f in report.findings] == ["AUR401"] or [f.code for f in report.findings] == [
        "AUR999",
        "AUR401",
    ]
    assert report.failed == ["AUR999"]
    assert "rule AUR999 failed" in caplog.text


def test_odd_input_never_raises():
    for src in [
        "",
        "\n\n",
        "def (:\n  ]]]\n",
        "x = '\udc80'\n",
        "if True:\n" + "    " * 50 + "pass\n",
        "é = 1\n" * 3,
    ]:
        report = analyze(doc_of(src), AnalysisSettings(select=["ALL"]))
        assert report.failed == [], report.failed
    big = "import os\n" + "def f(a):\n    return a\n" * 3000
    assert [f.code for f in analyze(doc_of(big)).findings if f.code == "AUR401"] == ["AUR401"]


def test_non_python_documents_are_skipped():
    from aurelis.workspace.document import Document

    doc = Document("file:///p/readme.md", "import os\n", 1, "markdown")
    assert engine_mod.analyze(doc).findings == []


def test_suppression_on_the_first_line_of_a_multiline_statement_or_the_name():
    src = (
        "from a import (  # noqa: F401\n"
        "    b,\n"
        "    c,\n"
        ")\n"
        "from d import (  # aurelis: ignore[AUR401]\n"
        "    e,\n"
        ")\n"
        "from f import (\n"
        "    g,  # noqa: F401\n"
        "    h,\n"
        ")\n"
        "if True:  # noqa: F401\n"
        "    import i\n"  # a compound statement's header does not silence its body
    )
    flagged = [f.message for f in analyze(doc_of(src)).findings if f.code == "AUR401"]
    assert flagged == ["`h` imported but unused", "`i` imported but unused"]


def test_suppression_markers_rescanned_only_where_the_text_changed_equal_a_full_scan():
    import random

    from aurelis.analysis import engine

    rng = random.Random(3)
    pieces = [
        b"noqa",
        b"NoQa",
        b"aurelis",
        b"AURELIS",
        b"x",
        b" ",
        b"#",
        b"\n",
        b"aure",
        b"lis",
        b"no",
        b"qa",
    ]
    checked = 0
    for trial in range(400):
        uri = f"file:///marks/{trial % 3}.py"  # a document's previous scan is reused by the next
        src = b"".join(rng.choice(pieces) for _ in range(rng.randrange(40)))
        for _ in range(20):
            low = src.lower()
            full = sorted(i for word in (b"aurelis", b"noqa") for i in engine._find_all(low, word))
            assert engine._marks(uri, src) == full, src
            checked += len(full)
            a = rng.randrange(len(src) + 1)
            b = rng.randrange(a, len(src) + 1)
            src = src[:a] + b"".join(rng.choice(pieces) for _ in range(rng.randrange(3))) + src[b:]
    assert checked > 1000
