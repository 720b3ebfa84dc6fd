"""Settings warnings once with a did-you-mean, pyproject.toml reloaded on write, :AurelisRestart,
and the providers in :AurelisStatus."""

from __future__ import annotations

from nvim_driver import make_workspace, run_scenario


def test_settings_reload_restart_and_status(tmp_path):
    outcome = run_scenario("settings_reload", make_workspace(tmp_path), tmp_path)
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    (warning,) = r["bad_key_warnings"]  # sent two ways, shown once
    assert "did you mean 'index.max_file_bytes'?" in warning
    assert (r["log_level_before"], r["log_level_after"]) == ("info", "debug")
    assert r["status_providers"] == [{"name": "fast", "kind": "ollama", "model": "small"}]
    assert "**AI providers** (in order): `fast` (ollama, small)" in r["status_float"]
    assert r["restarted"] is True and r["clients_after_restart"] == 1
    assert r["log_level_after_restart"] == "debug"
