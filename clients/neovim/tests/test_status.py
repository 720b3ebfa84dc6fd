""":AurelisStatus and :AurelisReindex against the server's index."""

from __future__ import annotations

import re

from nvim_driver import make_workspace, run_scenario


def test_status_float_and_reindex(tmp_path):
    ws = make_workspace(tmp_path)
    outcome = run_scenario("status_reindex", ws, tmp_path)
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    chunks = re.search(r"(\d+) chunks", r["first_end"]).group(1)
    assert f"**chunks**: {chunks}" in r["status_text"]
    assert "**files_indexed**: 3" in r["status_text"]  # pkg/__init__.py, shapes.py, settings_file.py
    assert "all-MiniLM-L6-v2" in r["status_text"]
    assert r["second_end"], "the reindex pass ended without a message"
