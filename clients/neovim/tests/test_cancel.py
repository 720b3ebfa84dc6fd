""":AurelisCancel aborts a hanging provider call; the server goes on."""

from __future__ import annotations

from nvim_driver import make_workspace, start_scenario, wait_for

from tests.support.fake_llm import FakeLLM, Hang


def test_cancel_aborts_the_provider_request(tmp_path):
    ws = make_workspace(tmp_path)
    signals = tmp_path / "signals"
    signals.mkdir()
    reply = "Second answer, after the cancel."
    with FakeLLM(reply=reply) as llm:
        llm.enqueue(Hang(120))
        running = start_scenario(
            "cancel",
            ws,
            tmp_path,
            env={
                "AURELIS_LLM_PORT": str(llm.port),
                "AURELIS_LLM_REPLY": reply,
                "AURELIS_SIGNALS": str(signals),
            },
        )
        wait_for(
            lambda: len(llm.requests) >= 1,
            "the explain request at the provider",
            running=running,
        )
        (signals / "provider-called").touch()
        # Cancelling in Neovim must close the server's HTTP request long before the 120 s hang ends.
        wait_for(
            lambda: 0 in llm.disconnects,
            "the server to drop the provider request",
            running=running,
        )
        (signals / "provider-disconnected").touch()
        outcome = running.wait()
        assert outcome.returncode == 0, outcome.explain()
        assert len(llm.requests) == 2
    messages = [n["msg"] for n in outcome.result["notifications"]]
    assert "Aurelis: Explain cancelled" in messages
    assert not any("failed" in m for m in messages), messages
