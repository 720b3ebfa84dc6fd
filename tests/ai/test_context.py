"""The context builder: target, imports, jedi definitions, index hits, budget, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from aurelis.ai import context
from aurelis.ai.context import Related
from aurelis.workspace.document import Document

MAIN = """from pkg.geometry import square
import os

SECRET_KEY = "django-insecure-0123456789"


def helper(n):
    return n + 1


def compute(x):
    y = helper(x)
    return square(y) + len(os.sep)
"""


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "geometry.py").write_text('def square(v):\n    """v squared."""\n    return v * v\n')
    (tmp_path / "main.py").write_text(MAIN)
    return tmp_path


def doc_of(ws: Path) -> Document:
    return Document((ws / "main.py").as_uri(), MAIN, 1, "python")


def at(text: str, needle: str) -> int:
    return len(text[: text.index(needle)].encode())


def test_target_is_the_enclosing_function_with_imports_and_definitions(ws: Path):
    doc = doc_of(ws)
    pos = at(MAIN, "y = helper")
    ctx = context.build(doc, pos, pos, budget=2000, root=ws)
    assert ctx.target == "def compute(x):\n    y = helper(x)\n    return square(y) + len(os.sep)"
    assert ctx.target_line == 11
    titles = [s.title for s in ctx.sections]
    assert titles[0] == "imports of this file"
    defs = {s.title: s.text for s in ctx.sections if s.title.startswith("definition")}
    assert defs["definition of helper (main.py:7)"] == "def helper(n):\n    return n + 1"
    assert defs["definition of square (pkg/geometry.py:1)"].startswith('def square(v):\n    """v squared.')
    assert not any("os" in t and "definition" in t for t in titles)  # stdlib is left to the model


def test_selection_is_widened_to_whole_lines(ws: Path):
    doc = doc_of(ws)
    a, b = at(MAIN, "helper(x)"), at(MAIN, "helper(x)") + 3
    ctx = context.build(doc, a, b, budget=2000, root=ws)
    assert ctx.target == "    y = helper(x)"


def test_secrets_are_redacted_everywhere(ws: Path):
    doc = doc_of(ws)
    ctx = context.build(
        doc,
        0,
        len(doc.source),
        budget=2000,
        root=ws,
        retriever=lambda q, k, anchor=None: [Related("other.py", 1, 2, 'token = "tok-abcdef123"', 1.0)],
    )
    rendered = ctx.target + ctx.render()
    assert "django-insecure-0123456789" not in rendered and "tok-abcdef123" not in rendered
    assert 'SECRET_KEY = "<redacted:assignment>"' in ctx.target


def test_index_hits_exclude_the_target_and_respect_the_budget(ws: Path):
    doc = doc_of(ws)
    pos = at(MAIN, "y = helper")
    queries: list[str] = []
    anchors: list = []

    def retrieve(query: str, k: int, anchor=None) -> list[Related]:
        queries.append(query)
        anchors.append(anchor)
        return [
            Related("main.py", 11, 13, "def compute(x): ...", 0.9),  # the target itself
            Related("util.py", 1, 3, "def related_one():\n    pass", 0.8),
            Related("big.py", 1, 400, "x = 1\n" * 2000, 0.7),
        ]

    ctx = context.build(doc, pos, pos, budget=400, root=ws, retriever=retrieve)
    titles = [s.title for s in ctx.sections]
    assert "related: util.py:1-3" in titles
    assert not any(t.startswith("related: main.py") for t in titles)
    assert not any(t.startswith("related: big.py") for t in titles) and ctx.dropped >= 1
    assert ctx.tokens <= 400
    assert "def compute(x):" in queries[0]
    assert anchors == [("main.py", 11, 13)]  # where the target is, so the index can use its own vector
    # most relevant first: imports, then definitions, then index hits
    order = [s.priority for s in ctx.sections]
    assert order == sorted(order)


def test_workspace_summary_reads_readme_and_pyproject(ws: Path):
    (ws / "README.md").write_text("# Shapes\nSquares things.\n")
    (ws / "pyproject.toml").write_text('[project]\nname = "shapes"\ndependencies = ["numpy"]\n')
    summary = context.workspace_summary(ws)
    assert "name: shapes" in summary and "numpy" in summary and "# Shapes" in summary


def test_the_prompt_budget_counts_with_the_providers_chars_per_token(ws: Path):
    """``chars_per_token`` decides what fits: a model with shorter tokens gets less context,
    and a task's context is sized for the smallest value among the providers it may use."""
    from aurelis.ai.tokens import Estimate, for_task
    from aurelis.config.ai import AISettings

    def provider(name: str, cpt: float) -> dict:
        return {"name": name, "base_url": "http://127.0.0.1:1", "model": "m", "chars_per_token": cpt}

    ai = AISettings(providers=[provider("big", 4.0), provider("small", 2.0)], routing={"explain": ["big"]})
    assert for_task(ai, "explain") == Estimate(4.0)  # routed to one provider: its value
    assert for_task(ai, "fix") == Estimate(2.0)  # may reach either: the smaller
    assert for_task(AISettings(), "fix") == Estimate(4.0)  # none configured: the default

    doc = doc_of(ws)
    pos = at(MAIN, "y = helper")
    text = "def related_one():\n" + "    pass\n" * 40  # 379 characters
    hit = [Related("util.py", 1, 41, text, 0.8)]
    target = context.build(doc, pos, pos, budget=10_000, root=ws).target
    budget = 0
    for cpt in (4.0, 2.0):  # the budget the hit and the rest just fit in at 4 characters a token
        est = Estimate(cpt)
        full = context.build(
            doc, pos, pos, budget=10_000, root=ws, estimate=est, retriever=lambda q, k, anchor=None: hit
        )
        budget = budget or full.tokens
        assert full.tokens == est.count(target) + sum(
            est.count(s.text) + est.count(s.title) + 2 for s in full.sections
        )
    fits = context.build(
        doc, pos, pos, budget=budget, root=ws, estimate=Estimate(4.0), retriever=lambda q, k, anchor=None: hit
    )
    assert any(s.path == "util.py" for s in fits.sections) and fits.tokens <= budget
    halved = context.build(
        doc, pos, pos, budget=budget, root=ws, estimate=Estimate(2.0), retriever=lambda q, k, anchor=None: hit
    )
    assert not any(s.path == "util.py" for s in halved.sections) and halved.dropped >= 1
    assert halved.tokens <= budget


def test_a_target_over_the_budget_keeps_the_head_that_fits():
    from aurelis.ai.tokens import Estimate

    text = "".join(f"x{i} = {i}\n" for i in range(400))
    doc = Document("file:///w/m.py", text, 1, "python")
    for cpt in (4.0, 2.5):
        ctx = context.build(doc, 0, len(doc.source), budget=200, estimate=Estimate(cpt))
        head = ctx.target.removesuffix("\n# ... (truncated)")
        assert text.startswith(head) and len(head) == int(200 * cpt)


@pytest.mark.parametrize("bad", [0, 0.5, -4, 17, "many", None])
def test_chars_per_token_is_validated(bad):
    from pydantic import ValidationError

    from aurelis.config.ai import ProviderSettings

    with pytest.raises(ValidationError, match="chars_per_token"):
        ProviderSettings(name="p", base_url="http://127.0.0.1:1", model="m", chars_per_token=bad)
    assert (
        ProviderSettings(name="p", base_url="http://x", model="m", chars_per_token="2.5").chars_per_token
        == 2.5
    )
