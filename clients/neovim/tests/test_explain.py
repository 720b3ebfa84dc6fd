""":AurelisExplain against the tests' local OpenAI-compatible server."""

from __future__ import annotations

from nvim_driver import make_workspace, run_scenario

from tests.support.fake_llm import FakeLLM


def test_explain_opens_float_with_provider_answer(tmp_path):
    ws = make_workspace(tmp_path)
    reply = "EXPLAINED: `circle_area` returns the area of a circle."
    with FakeLLM(reply=reply) as llm:
        outcome = run_scenario(
            "explain",
            ws,
            tmp_path,
            env={"AURELIS_LLM_PORT": str(llm.port), "AURELIS_LLM_REPLY": reply},
        )
        assert outcome.returncode == 0, outcome.explain()
        assert llm.requests, "the provider was never called"
        assert "def circle_area" in llm.prompt_text(-1)  # the selected lines were sent
    assert reply in outcome.result["float_text"]
    assert outcome.result["float_filetype"] == "markdown"
