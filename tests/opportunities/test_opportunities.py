"""Mining, ranking, reporting and verifying opportunities on real files with the real rules
(duplicates found through all-pairs token similarity in verification, through the index in
`collect`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aurelis.opportunities import implement as impl
from aurelis.opportunities.collect import collect
from aurelis.opportunities.model import Opportunity, Site
from aurelis.opportunities.rank import rank
from aurelis.opportunities.report import render
from aurelis.opportunities.verify import verify
from tests.opportunities.fixture import COPIES, implementation, make_project, wrapper

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sample_workspace"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "ws")


def group(root: Path) -> Opportunity:
    sites = [Site(rel, 4, 11, name) for rel, (name, *_rest) in sorted(COPIES.items())]
    return Opportunity("duplicate", "AUR410", "Duplicate group", "info", sites)


def test_collect_groups_the_three_copies_into_one_duplicate_opportunity(project: Path):
    dup = [o for o in collect(project) if o.kind == "duplicate"]
    assert len(dup) == 1
    assert sorted((s.path, s.symbol) for s in dup[0].sites) == sorted(
        (rel, name) for rel, (name, *_r) in COPIES.items()
    )


def test_rank_orders_by_severity_size_and_churn():
    small = Opportunity("finding", "AUR101", "a", "warning", [Site("a.py", 1, 1)])
    big = Opportunity("long-function", "AUR405", "b", "info", [Site("b.py", 1, 80, "f")])
    hot = Opportunity("long-function", "AUR405", "c", "info", [Site("c.py", 1, 80, "g")])
    ranked = rank([small, big, hot], {"c.py": 15})
    assert [o.title for o in ranked] == ["c", "b", "a"]
    assert ranked[0].churn == 15 and ranked[0].score == 2 * 80 * 5  # log2(16) = 4


def test_report_on_the_examples_in_every_format():
    ranked = rank(collect(EXAMPLES, use_index=False))
    md = render(ranked, "markdown", root=EXAMPLES, top=len(ranked), link="command")
    assert md.startswith("# Aurelis opportunities in `sample_workspace`")
    rows = md.split("\n")[6 : 6 + len(ranked)]
    for o, row in zip(ranked, rows, strict=True):  # large ones link to their plan, the rest do not
        assert row.startswith(f"| {ranked.index(o) + 1} | {o.score:g} | {o.kind} | {o.code} |")
        assert ("(command:aurelis.plan?" in row) == o.large
    data = json.loads(render(ranked, "json", root=EXAMPLES))
    assert data["total"] == len(ranked) and data["opportunities"][0]["id"] == ranked[0].id
    assert "<table" in render(ranked, "html", root=EXAMPLES)


def test_a_capable_implementation_verifies_and_the_projects_tests_pass(project: Path):
    files = impl.parse_files(implementation(), project, {})
    checks = verify(
        project, group(project), files, None, [sys.executable, "-m", "pytest", "-q", "tests"], 120
    )
    assert [(c.name, c.ok) for c in checks] == [
        ("parses", True),
        ("targeted findings gone", True),
        ("no new errors", True),
        ("imports resolve", True),
        ("tests", True),
    ]


def test_an_implementation_that_leaves_copies_is_not_verified(project: Path):
    files = impl.parse_files(implementation(), project, {})
    partial = {k: v for k, v in files.items() if k in ("pricing/common.py", "pricing/retail.py")}
    checks = {c.name: c for c in verify(project, group(project), partial)}
    assert not checks["targeted findings gone"].ok
    assert "`wholesale_total` duplicates" in checks["targeted findings gone"].detail


def test_an_implementation_that_breaks_an_import_is_not_verified(project: Path):
    files = impl.parse_files(implementation("order_totals"), project, {})
    checks = {c.name: c for c in verify(project, group(project), files)}
    assert not checks["imports resolve"].ok
    assert (
        "`order_totals` imported at pricing/retail.py:3 is not defined in pricing/common.py"
        in checks["imports resolve"].detail
    )


def test_a_failing_test_command_fails_verification_in_a_copy(project: Path):
    files = {
        "pricing/retail.py": wrapper("pricing/retail.py").replace(
            "order_total(items", "1 + order_total(items"
        )
    }
    files["pricing/common.py"] = impl.parse_files(implementation(), project, {})["pricing/common.py"]
    check = verify(
        project, group(project), files, None, [sys.executable, "-m", "pytest", "-q", "tests"], 120
    )[-1]
    assert check.name == "tests" and not check.ok and "exited with 1" in check.detail
    assert "order_total" not in (project / "pricing" / "retail.py").read_text()  # the workspace is untouched


@pytest.mark.parametrize("path", ["../evil.py", "/etc/evil.py", "notes.txt"])
def test_an_answer_writing_outside_the_workspace_or_not_python_is_refused(project: Path, path: str):
    with pytest.raises(impl.ImplementError):
        impl.parse_files(f"```python path={path}\nx = 1\n```", project, {})


def test_cli_report_on_the_examples(tmp_path: Path):
    out = subprocess.run(
        [sys.executable, "-m", "aurelis", "report", str(EXAMPLES), "--format", "json", "--no-duplicates"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    scores = [o["score"] for o in data["opportunities"]]
    assert data["total"] == len(scores) >= 10 and scores == sorted(scores, reverse=True)  # ranked
