"""Docstring, fix, review, ask and tests from Neovim against the local fake provider."""

from __future__ import annotations

from nvim_driver import make_workspace, run_scenario

from tests.support.fake_llm import FakeLLM, Reply

DOCSTRING = '''```python
def rectangle_area(width, height):
    """Area of a width x height rectangle."""
    return width * height
```'''
FIX = "```python\n    if radius is None:\n```"
REVIEW = "- line 8: warning: compare to None with `is`"
ANSWER = "They are read by `load_settings_from_json_file` in `pkg/settings_file.py:5`."
TESTS = """```python
from pkg.shapes import circle_area


def test_circle_area_of_zero():
    assert circle_area(0) == 0
```"""


def test_ai_commands(tmp_path):
    ws = make_workspace(tmp_path)
    with FakeLLM(reply="unexpected extra request") as llm:
        llm.enqueue(Reply(DOCSTRING), Reply(FIX), Reply(REVIEW), Reply(ANSWER), Reply(TESTS))
        outcome = run_scenario(
            "ai_commands",
            ws,
            tmp_path,
            env={
                "AURELIS_LLM_PORT": str(llm.port),
                "AURELIS_REVIEW": "compare to None",
                "AURELIS_ANSWER": "They are read by",
            },
        )
        assert outcome.returncode == 0, outcome.explain()
        prompts = [llm.prompt_text(i) for i in range(len(llm.requests))]
    r = outcome.result
    assert len(prompts) == 5
    assert r["docstring_line"] == '    """Area of a width x height rectangle."""'
    assert r["fixed_line"] == "    if radius is None:"
    assert "AUR104" in prompts[1] or "Comparison to None" in prompts[1]  # the plugin sent the diagnostic
    assert "where are the settings read from disk?" in prompts[3]
    assert r["ask_title"] == "Aurelis ask: where are the settings read from disk?"
    assert {"file": str(ws / "pkg" / "settings_file.py"), "lnum": 5} in r["ask_items"]
    assert "def test_circle_area_of_zero():" in r["test_file"]
    # the generated tests are in sight, with where they save to
    assert r["test_visible"] and r["test_current"] and r["test_listed"]
    assert (
        r["tests_message"]
        == "Aurelis: Tests: written to tests/test_shapes.py (not saved yet: :w to keep them)"
    )
    assert "def circle_area(radius):" in prompts[4]
