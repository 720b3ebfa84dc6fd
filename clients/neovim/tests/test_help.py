"""The help file: its tags build and cover every user command."""

from __future__ import annotations

from nvim_driver import make_workspace, run_scenario

COMMANDS = [
    "AurelisAsk",
    "AurelisCancel",
    "AurelisDocstring",
    "AurelisExplain",
    "AurelisFix",
    "AurelisGenerate",
    "AurelisImplement",
    "AurelisPlan",
    "AurelisReindex",
    "AurelisReport",
    "AurelisReview",
    "AurelisSearch",
    "AurelisStatus",
    "AurelisTests",
]


def test_help_tags_cover_every_command(tmp_path):
    outcome = run_scenario("help", make_workspace(tmp_path), tmp_path)
    assert outcome.returncode == 0, outcome.explain()
    assert outcome.result["commands"] == COMMANDS
    assert {"aurelis-setup", "aurelis-health", "aurelis.setup()"} <= set(outcome.result["tags"])
