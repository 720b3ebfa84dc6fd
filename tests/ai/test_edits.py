"""From a model's answer to a minimal, re-indented edit that parses, or a rejection."""

from __future__ import annotations

import pytest

from aurelis.ai import edits
from aurelis.ai.errors import EditRejected

CLASS = b"class Stack:\n    def push(self, x):\n        self.items.append(x)\n\n    def pop(self):\n        return self.items.pop()\n"


def test_extract_code_prefers_the_python_block():
    answer = "Run this:\n```bash\npip install x\n```\nthen\n```python\nx = 1\n```\n"
    assert edits.extract_code(answer) == "x = 1"
    assert edits.extract_code("```\ny = 2\n```") == "y = 2"
    assert edits.extract_code("z = compute(3)\n") == "z = compute(3)"  # bare code
    assert edits.extract_code("This is what the code does in plain words.") is None


def test_replace_reindents_to_the_surrounding_code_and_is_minimal():
    start = CLASS.index(b"    def pop")
    answer = "```python\ndef pop(self):\n    if not self.items:\n        raise IndexError('empty')\n    return self.items.pop()\n```"
    planned = edits.plan_replace(CLASS, start, len(CLASS), answer, "python")  # the method's lines
    assert planned.result == CLASS.replace(
        b"    def pop(self):\n",
        b"    def pop(self):\n        if not self.items:\n            raise IndexError('empty')\n",
    )
    # minimal: only the inserted lines, not the whole method
    assert planned.new_text == "        if not self.items:\n            raise IndexError('empty')\n"
    assert CLASS[planned.start : planned.end] == b""


def test_replace_rejects_an_edit_that_breaks_syntax():
    start = CLASS.index(b"    def pop")
    with pytest.raises(EditRejected, match="syntax error") as info:
        edits.plan_replace(CLASS, start, start, "```python\ndef pop(self:\n    return\n```", "python")
    assert "def pop(self:" in info.value.answer


def test_a_fix_for_broken_code_is_accepted():
    broken = b"def f(x):\n    return (x + 1\n"
    planned = edits.plan_replace(
        broken, 0, len(broken), "```python\ndef f(x):\n    return (x + 1)\n```", "python"
    )
    assert planned.result == b"def f(x):\n    return (x + 1)\n"
    assert planned.start == len("def f(x):\n    return (x + 1") and planned.new_text == ")"


def test_unified_diff_answers_apply_by_content():
    text = b"a = 1\nb = 2\nc = 3\n"
    diff = "```diff\n--- a/m.py\n+++ b/m.py\n@@ -2,2 +2,2 @@\n b = 2\n-c = 3\n+c = 4\n```"
    planned = edits.plan_replace(text, 0, 0, diff, "python")
    assert planned.result == b"a = 1\nb = 2\nc = 4\n"
    with pytest.raises(EditRejected, match="does not apply"):
        edits.plan_replace(text, 0, 0, "@@ -1,1 +1,1 @@\n-zzz = 0\n+zzz = 1\n", "python")


def test_insert_at_blank_line_uses_the_block_indentation():
    text = b"def f():\n    x = 1\n    \n    return x\n"
    offset = text.index(b"    \n")
    planned = edits.plan_insert(text, offset, "```python\ny = x * 2\n```", "python")
    assert planned.result == b"def f():\n    x = 1\n    y = x * 2\n    return x\n"


def test_append_tests_to_an_existing_module():
    planned = edits.plan_append(
        b"import m\n\ndef test_a():\n    pass\n", "```python\ndef test_b():\n    assert m.b()\n```", "python"
    )
    assert planned.result.endswith(b"    pass\n\n\ndef test_b():\n    assert m.b()\n")
    assert edits.syntax_errors(planned.result, "python") == 0


def test_syntax_errors_counts_error_and_missing_nodes():
    assert edits.syntax_errors("x = 1\n", "python") == 0
    assert edits.syntax_errors("def f(:\n", "python") >= 1
    assert edits.syntax_errors("anything", None) == 0


def _tree(source: bytes):
    from aurelis.workspace.document import Document

    return Document("file:///t.py", source.decode(), 1, "python").tree


@pytest.mark.parametrize(
    "bad",
    [
        "def pop(self:\n    return self.items.pop()",  # broken signature
        "def pop(self):\n    return self.items.pop(\n",  # unclosed call
        "def pop(self):\n    x = = 1\n    return x",  # a broken statement in the body
    ],
)
def test_region_check_with_the_tree_rejects_breaking_edits(bad: str):
    start = CLASS.index(b"    def pop")
    with pytest.raises(EditRejected, match="syntax error"):
        edits.plan_replace(CLASS, start, len(CLASS), f"```python\n{bad}\n```", "python", _tree(CLASS))


def test_region_check_with_the_tree_accepts_a_good_edit_in_a_file_with_errors_elsewhere():
    text = CLASS + b"\ndef broken(:\n    pass\n"
    start = CLASS.index(b"    def pop")
    end = len(CLASS)
    planned = edits.plan_replace(
        text,
        start,
        end,
        "```python\ndef pop(self):\n    return self.items.pop(0)\n```",
        "python",
        _tree(text),
    )
    assert b"return self.items.pop(0)" in planned.result and b"def broken(:" in planned.result


# -- offsets are bytes of the UTF-8 source, and never split a character ---------------------------
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("é", "è"),  # share the first byte
        ("🐍", "🐢"),  # astral (4 bytes, 2 UTF-16 units): share the first three bytes
        ("数据", "数値"),  # CJK: the second character shares its first byte with the old one
        ("aé", "aè"),
        ("é!", "è!"),  # a common tail after the changed character
        ("🐍🐍", "🐍🐢"),
    ],
)
def test_a_narrowed_edit_starts_and_ends_on_whole_characters(old: str, new: str):
    source = f'x = "{old}"  # 数据\n'.encode()
    answer = f'```python\nx = "{new}"  # 数据\n```'
    planned = edits.plan_replace(source, 0, len(source), answer, "python")
    assert planned.result.decode() == f'x = "{new}"  # 数据\n'
    old_slice = source[planned.start : planned.end].decode()  # raises if it split a character
    assert planned.new_text and old_slice  # one changed character at least, whole on both sides
    assert source[: planned.start] + planned.new + source[planned.end :] == planned.result
    before = source[: planned.start].decode()
    assert before.startswith('x = "') and len(before) <= len('x = "') + len(old)


def test_replace_below_non_ascii_lines_targets_the_byte_range_of_the_function():
    source = '"""Café — 数据 🐍."""\n\n\ndef total(values):\n    s = 0  # 合計 🧮\n    return s\n'.encode()
    start = source.index(b"    s = 0")
    planned = edits.plan_replace(
        source, start, start + 5, "```python\nreturn sum(values)  # 🧮\n```", "python", _tree(source)
    )
    assert (
        planned.result.decode()
        == '"""Café — 数据 🐍."""\n\n\ndef total(values):\n    return sum(values)  # 🧮\n    return s\n'
    )
    # byte offsets (the characters before count 1 to 4 each), narrowed to the changed characters
    assert planned.start == start + len(b"    ")
    assert source[planned.start : planned.end].decode() == "s = 0  # 合計"
    assert planned.new_text == "return sum(values)  #"


def test_insert_and_append_after_non_ascii_text():
    source = 'def f():\n    x = "🐍"\n    \n    return x\n'.encode()
    planned = edits.plan_insert(source, source.index(b"    \n"), "```python\ny = x + '数'\n```", "python")
    assert planned.result.decode() == "def f():\n    x = \"🐍\"\n    y = x + '数'\n    return x\n"
    appended = edits.plan_append("# é\n".encode(), "```python\ndef test_é():\n    assert '🐍'\n```", "python")
    assert appended.start == appended.end == len("# é\n".encode())
    assert appended.result.decode() == "# é\n\n\ndef test_é():\n    assert '🐍'\n"
