"""Index progress and :AurelisSearch against the server's real index (MiniLM + hnswlib)."""

from __future__ import annotations

from nvim_driver import line_of, make_workspace, run_scenario


def test_search_fills_quickfix_with_the_definition(tmp_path):
    ws = make_workspace(tmp_path)
    query = "read the JSON configuration file from disk"
    outcome = run_scenario("search", ws, tmp_path, env={"AURELIS_QUERY": query})
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    target = ws / "pkg" / "settings_file.py"
    first = r["items"][0]
    assert first["file"] == str(target)
    assert first["lnum"] == line_of(target, "def load_settings_from_json_file")
    assert "load_settings_from_json_file" in first["text"]
    assert r["title"] == f"Aurelis search: {query}"
    assert r["qf_window_open"] is True
    # Index progress reached the editor as LspProgress events, begin to end.
    kinds = [e["kind"] for e in r["progress"] if "indexing" in (e.get("title") or "")]
    assert kinds[0] == "begin" and kinds[-1] == "end"
