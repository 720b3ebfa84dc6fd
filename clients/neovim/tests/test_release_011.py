"""The same plugin on the Neovim 0.11.4 release (the other tests run the 0.12 nightly): start-up
both ways, diagnostics + quick fix, explain, the AI commands and :checkhealth. Each scenario
checks its own outcome inside Neovim and exits non-zero on failure."""

from __future__ import annotations

import subprocess

import pytest
from nvim_driver import make_workspace, nvim_release_binary, run_scenario

from tests.support.fake_llm import FakeLLM


def test_release_binary_is_0_11():
    out = subprocess.run(
        [str(nvim_release_binary()), "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.startswith("NVIM v0.11."), out


@pytest.mark.parametrize(
    ("scenario", "env"),
    [
        ("sync_setup", {"AURELIS_LEGACY": "0"}),
        ("sync_setup", {"AURELIS_LEGACY": "1"}),
        ("enable_only", {}),
        ("diagnostics_fix", {}),
        ("checkhealth", {"AURELIS_HEALTH_CMD": "path", "AURELIS_LLM_PORT": "9"}),
    ],
    ids=[
        "setup-lsp-enable",
        "setup-lsp-start",
        "enable-only",
        "diagnostics-fix",
        "checkhealth",
    ],
)
def test_scenario_on_0_11(tmp_path, scenario, env):
    outcome = run_scenario(
        scenario,
        make_workspace(tmp_path),
        tmp_path,
        env=env,
        binary=nvim_release_binary(),
    )
    assert outcome.returncode == 0, outcome.explain()
    assert outcome.result["ok"] is True
    assert outcome.result["nvim_version"].startswith("0.11.")


def test_explain_on_0_11(tmp_path):
    reply = "EXPLAINED on the 0.11 release."
    with FakeLLM(reply=reply) as llm:
        outcome = run_scenario(
            "explain",
            make_workspace(tmp_path),
            tmp_path,
            binary=nvim_release_binary(),
            env={"AURELIS_LLM_PORT": str(llm.port), "AURELIS_LLM_REPLY": reply},
        )
        assert outcome.returncode == 0, outcome.explain()
        assert len(llm.requests) == 1
    assert reply in outcome.result["float_text"]
