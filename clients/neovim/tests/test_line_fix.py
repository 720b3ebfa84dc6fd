"""Quick fixes follow context.diagnostics: the cursor anywhere on the flagged line is enough."""

from __future__ import annotations

from nvim_driver import make_workspace, run_scenario


def test_code_action_from_the_start_of_the_flagged_line(tmp_path):
    outcome = run_scenario("line_fix", make_workspace(tmp_path), tmp_path)
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    assert r["cursor_col"] < r["diagnostic_col"]  # outside the flagged range
    assert r["after"] == "    if radius is None:"
