"""The help file: its tags build and cover every user command."""

from __future__ import annotations

from pathlib import Path

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
    "AurelisRestart",
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
    assert {"aurelis-install", "aurelis-lazy.nvim", "aurelis-vim.pack", "aurelis-manual"} <= set(
        outcome.result["tags"]
    )


def test_install_docs_cover_plugin_managers_and_helptags():
    doc = (Path(__file__).resolve().parents[1] / "doc" / "aurelis.txt").read_text()
    install = doc[doc.index("*aurelis-install*") : doc.index("*aurelis-setup*")]
    for needle in ("lazy.nvim", "vim.pack.add(", "helptags", "E149", "pip install aurelis"):
        assert needle in install, needle
