"""Rule docs are generated from metadata; a stale README table or docs/rules.md fails here."""

from __future__ import annotations

import re

from aurelis.analysis import docs
from aurelis.analysis.registry import all_rules
from aurelis.analysis.rule import Category, Severity


def test_readme_table_and_rules_md_are_current():
    assert docs.stale() == [], "run `python -m aurelis.analysis.docs --write` and commit the result"


def test_every_rule_has_complete_metadata():
    for r in all_rules():
        assert re.fullmatch(r"AUR[1-5]\d\d", r.code), r
        assert int(r.code[3]) == list(Category).index(r.category) + 1, f"{r.code}: category/number mismatch"
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.name), r
        assert isinstance(r.severity, Severity)
        for attr in ("summary", "description", "bad", "good"):
            assert getattr(r, attr).strip(), f"{r.code}.{attr} is empty"


def test_docs_anchor_matches_docs_url_and_headings():
    text = docs.rules_md()
    for r in all_rules():
        assert r.docs_url().endswith("#" + docs.anchor(r))
        assert f"### {r.code} {r.name}\n" in text  # GitHub turns this heading into the anchor
        assert f"docs/rules.md#{docs.anchor(r)}" in docs.table()


def test_check_mode_reports_staleness(tmp_path):
    (tmp_path / "README.md").write_text(f"# x\n{docs.START}\nold\n{docs.END}\n")
    assert docs.main(["--check", "--root", str(tmp_path)]) == 1
    assert docs.main(["--write", "--root", str(tmp_path)]) == 0
    assert docs.main(["--check", "--root", str(tmp_path)]) == 0
    assert "| [AUR401](docs/rules.md#aur401-unused-import) |" in (tmp_path / "README.md").read_text()
