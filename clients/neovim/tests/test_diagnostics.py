"""Analysis diagnostics in the buffer and a quick fix applied through vim.lsp.buf.code_action."""

from __future__ import annotations

from nvim_driver import FIXTURE, line_of, make_workspace, run_scenario


def test_diagnostic_appears_and_code_action_edits_buffer(tmp_path):
    ws = make_workspace(tmp_path)
    outcome = run_scenario("diagnostics_fix", ws, tmp_path)
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    assert r["diagnostic"]["lnum"] + 1 == line_of(FIXTURE / "pkg" / "shapes.py", "radius == None")
    assert r["before"] == "    if radius == None:"
    assert r["after"] == "    if radius is None:"
