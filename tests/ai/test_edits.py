"""From a model's answer to a minimal, re-indented edit that parses, or a rejection."""

from __future__ import annotations

import pytest

from aurelis.ai import edits
from aurelis.ai.errors import EditRejected

CLASS = "class Stack:\n    def push(self, x):\n        self.items.append(x)\n\n    def pop(self):\n        return self.items.pop()\n"


def test_extract_code_prefers_the_python_block():
    answer = "Run this:\n```bash\npip install x\n```\nthen\n```python\nx = 1\n```\n"
    assert edits.extract_code(answer) == "x = 1"
    assert edits.extract_code("```\ny = 2\n```") == "y = 2"
    assert edits.extract_code("z = compute(3)\n") == "z = compute(3)"  # bare code
    assert edits.extract_code("This is what the code does in plain words.") is None


def test_replace_reindents_to_the_surrounding_code_and_is_minimal():
    start = CLASS.index("    def pop")
    answer = "```python\ndef pop(self):\n    if not self.items:\n        raise IndexError('empty')\n    return self.items.pop()\n```"
    planned = edits.plan_replace(CLASS, start, len(CLASS), answer, "python")  # the method's lines
    assert planned.result == CLASS.replace(
        "    def pop(self):\n",
        "    def pop(self):\n        if not self.items:\n            raise IndexError('empty')\n",
    )
    # minimal: only the inserted lines, not the whole method
    assert planned.new_text == "        if not self.items:\n            raise IndexError('empty')\n"
    assert CLASS[planned.start : planned.end] == ""


def test_replace_rejects_an_edit_that_breaks_syntax():
    start = CLASS.index("    def pop")
    with pytest.raises(EditRejected, match="syntax error") as info:
        edits.plan_replace(CLASS, start, start, "```python\ndef pop(self:\n    return\n```", "python")
    assert "def pop(self:" in info.value.answer


def test_a_fix_for_broken_code_is_accepted():
    broken = "def f(x):\n    return (x + 1\n"
    planned = edits.plan_replace(
        broken, 0, len(broken), "```python\ndef f(x):\n    return (x + 1)\n```", "python"
    )
    assert planned.result == "def f(x):\n    return (x + 1)\n"
    assert planned.start == len("def f(x):\n    return (x + 1") and planned.new_text == ")"


def test_unified_diff_answers_apply_by_content():
    text = "a = 1\nb = 2\nc = 3\n"
    diff = "```diff\n--- a/m.py\n+++ b/m.py\n@@ -2,2 +2,2 @@\n b = 2\n-c = 3\n+c = 4\n```"
    planned = edits.plan_replace(text, 0, 0, diff, "python")
    assert planned.result == "a = 1\nb = 2\nc = 4\n"
    with pytest.raises(EditRejected, match="does not apply"):
        edits.plan_replace(text, 0, 0, "@@ -1,1 +1,1 @@\n-zzz = 0\n+zzz = 1\n", "python")


def test_insert_at_blank_line_uses_the_block_indentation():
    text = "def f():\n    x = 1\n    \n    return x\n"
    offset = text.index("    \n")
    planned = edits.plan_insert(text, offset, "```python\ny = x * 2\n```", "python")
    assert planned.result == "def f():\n    x = 1\n    y = x * 2\n    return x\n"


def test_append_tests_to_an_existing_module():
    planned = edits.plan_append(
        "import m\n\ndef test_a():\n    pass\n", "```python\ndef test_b():\n    assert m.b()\n```", "python"
    )
    assert planned.result.endswith("    pass\n\n\ndef test_b():\n    assert m.b()\n")
    assert edits.syntax_errors(planned.result, "python") == 0


def test_syntax_errors_counts_error_and_missing_nodes():
    assert edits.syntax_errors("x = 1\n", "python") == 0
    assert edits.syntax_errors("def f(:\n", "python") >= 1
    assert edits.syntax_errors("anything", None) == 0


def _tree(text: str):
    from aurelis.workspace.document import Document

    return Document("file:///t.py", text, 1, "python").tree


@pytest.mark.parametrize(
    "bad",
    [
        "def pop(self:\n    return self.items.pop()",  # broken signature
        "def pop(self):\n    return self.items.pop(\n",  # unclosed call
        "def pop(self):\n    x = = 1\n    return x",  # a broken statement in the body
    ],
)
def test_region_check_with_the_tree_rejects_breaking_edits(bad: str):
    start = CLASS.index("    def pop")
    with pytest.raises(EditRejected, match="syntax error"):
        edits.plan_replace(CLASS, start, len(CLASS), f"```python\n{bad}\n```", "python", _tree(CLASS))


def test_region_check_with_the_tree_accepts_a_good_edit_in_a_file_with_errors_elsewhere():
    text = CLASS + "\ndef broken(:\n    pass\n"
    start = CLASS.index("    def pop")
    end = len(CLASS)
    planned = edits.plan_replace(
        text,
        start,
        end,
        "```python\ndef pop(self):\n    return self.items.pop(0)\n```",
        "python",
        _tree(text),
    )
    assert "return self.items.pop(0)" in planned.result and "def broken(:" in planned.result
