"""The plugin starts a real `aurelis serve` for Python buffers, three ways."""

from __future__ import annotations

import subprocess

import pytest
from nvim_driver import make_workspace, nvim_binary, run_scenario


def test_neovim_is_recent_enough():
    out = subprocess.run([str(nvim_binary()), "--version"], capture_output=True, text=True, check=True).stdout
    major, minor = (int(p) for p in out.split()[1].lstrip("v").split(".")[:2])
    assert (major, minor) >= (0, 10), out


@pytest.mark.parametrize("legacy", ["0", "1"], ids=["lsp-enable", "lsp-start"])
def test_setup_attaches_and_syncs(tmp_path, legacy):
    ws = make_workspace(tmp_path)
    outcome = run_scenario("sync_setup", ws, tmp_path, env={"AURELIS_LEGACY": legacy})
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    assert r["ok"] is True
    assert r["root_dir"] == str(ws)
    assert r["server_name"] == "aurelis"
    assert r["clients"] == 1
    assert r["server_first_line"] == "GREETING = 'héllo'"
    assert r["version"] > 0
    assert r["enabled"] is (legacy == "0")
    assert r["settings"]["index"]["max_file_bytes"] == 4242
    assert r["settings"]["index"]["enabled"] is False


def test_enable_without_setup_uses_lsp_config_file(tmp_path):
    ws = make_workspace(tmp_path)
    outcome = run_scenario("enable_only", ws, tmp_path)
    assert outcome.returncode == 0, outcome.explain()
    assert outcome.result["cmd"] == ["aurelis", "serve"]
    assert outcome.result["root_dir"] == str(ws)
    assert outcome.result["has_module"] is True
    assert outcome.result["settings"]["index"]["enabled"] is False
    assert outcome.result["settings"]["analysis"]["enabled"] is False
