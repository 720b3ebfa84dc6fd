"""The plugin over the server's real index (MiniLM embeddings + hnswlib): progress, search,
status and reindex, in one Neovim session (loading the model once keeps the suite short)."""

from __future__ import annotations

import re

import pytest
from nvim_driver import Outcome, line_of, make_workspace, run_scenario

QUERY = "read the JSON configuration file from disk"


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> tuple[Outcome, object]:
    tmp_path = tmp_path_factory.mktemp("index")
    ws = make_workspace(tmp_path)
    return run_scenario("index", ws, tmp_path, env={"AURELIS_QUERY": QUERY}), ws


def test_search_fills_quickfix_with_the_definition(session):
    outcome, ws = session
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    target = ws / "pkg" / "settings_file.py"
    first = r["items"][0]
    assert first["file"] == str(target)
    assert first["lnum"] == line_of(target, "def load_settings_from_json_file")
    assert "load_settings_from_json_file" in first["text"]
    # ranked, not scored: "#1 function pkg.settings_file.load_settings_from_json_file ..."
    assert [item["text"].split()[0] for item in r["items"]] == [
        f"#{n}" for n in range(1, len(r["items"]) + 1)
    ]
    assert not any(re.search(r"\[\d\.\d+\]", item["text"]) for item in r["items"])
    assert r["title"] == f"Aurelis search: {QUERY}"
    assert r["qf_window_open"] is True


def test_search_picker_jumps_to_the_hit(session):
    outcome, ws = session
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    target = ws / "pkg" / "settings_file.py"
    assert r["picker"]["prompt"] == f"Aurelis search: {QUERY}"
    assert r["picker"]["count"] == len(r["items"])
    assert r["picker"]["first"].startswith(
        f"pkg/settings_file.py:{line_of(target, 'def load_settings_from_json_file')}"
    )
    assert r["picked"] == {
        "file": str(target),
        "lnum": line_of(target, "def load_settings_from_json_file"),
    }


def test_index_progress_reaches_the_editor(session):
    outcome, _ = session
    assert outcome.returncode == 0, outcome.explain()
    events = [e for e in outcome.result["progress"] if "indexing" in (e.get("title") or "")]
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "begin" and kinds[-1] == "end" and kinds.count("end") == 2
    assert any(e.get("percentage") == 100 for e in events)
    # ...and the user sees it (progress = true): begin and end through vim.notify.
    messages = [n["msg"] for n in outcome.result["notifications"]]
    assert any(m.startswith("Aurelis: indexing: ") and m.endswith("%)") for m in messages), messages
    assert f"Aurelis: indexing: {outcome.result['first_end']}" in messages


def test_status_float_and_reindex(session):
    outcome, _ = session
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    chunks = re.search(r"(\d+) chunks", r["first_end"]).group(1)
    assert f"**chunks**: {chunks}" in r["status_text"]
    assert "**files_indexed**: 3" in r["status_text"]  # pkg/__init__.py, shapes.py, settings_file.py
    assert "all-MiniLM-L6-v2" in r["status_text"]
    assert r["second_end"], "the reindex pass ended without a message"
    assert r["status_text"].startswith(f"# Aurelis status\n\n**Index**: ready, 3 files, {chunks} chunks\n")
    assert "**AI providers**: none configured" in r["status_text"]
    assert r["float_wrap"] == {"wrap": True, "linebreak": True}  # wrapped at words, not mid-word


def test_cancel_leaves_the_index_build_alone(session):
    outcome, _ = session
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    assert r["index_active_at_cancel"] is True
    assert r["cancel_message"] == "Aurelis: nothing to cancel"
    assert "chunks" in r["first_end"]  # the build was not cancelled
