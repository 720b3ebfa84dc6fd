""":AurelisGenerate: the provider's code lands in the buffer (server → workspace/applyEdit → Neovim)."""

from __future__ import annotations

from nvim_driver import FIXTURE, make_workspace, run_scenario

from tests.support.fake_llm import FakeLLM

CODE = "def triangle_area(base, height):\n    return base * height / 2\n"


def test_generate_inserts_code_into_buffer(tmp_path):
    ws = make_workspace(tmp_path)
    with FakeLLM(reply=f"```python\n{CODE}```") as llm:
        outcome = run_scenario("generate", ws, tmp_path, env={"AURELIS_LLM_PORT": str(llm.port)})
        assert outcome.returncode == 0, outcome.explain()
        assert "area of a triangle" in llm.prompt_text(-1)
    r = outcome.result
    after = "\n".join(r["after"])
    at = r["after"].index("def triangle_area(base, height):")  # top level, at the cursor line
    assert at == r["before"].index("import math") + 1
    assert r["after"][at + 1] == "    return base * height / 2"
    assert after.index("import math") < after.index("def triangle_area") < after.index("def circle_area")
    assert r["before"] == (FIXTURE / "pkg" / "shapes.py").read_text().splitlines()
    assert len(r["after"]) > len(r["before"])
    assert "def circle_area(radius):" in after  # the rest of the file is intact
    assert r["modified"] is True
    assert (ws / "pkg" / "shapes.py").read_text() == (FIXTURE / "pkg" / "shapes.py").read_text()  # not saved
