"""Explicit edit targets: which definition a docstring command documents, and what
explain/fix work on, from positions at column 0, in decorators, on nested defs and
on a class line; and the docstring edit that can only touch the docstring."""

from __future__ import annotations

import pytest

from aurelis.ai import context, docstrings, targets
from aurelis.ai.errors import EditRejected
from aurelis.workspace.document import Document

SOURCE = '''import functools


class Stack:
    """A stack."""

    def __init__(self):
        self.items = []

    @functools.lru_cache(
        maxsize=None,
    )
    def peek(self):
        return self.items[-1]

    def push(self, x):
        def helper(y):
            return y
        self.items.append(helper(x))


TOTAL = sum(
    [1, 2, 3]
)
'''


def doc() -> Document:
    return Document("file:///t/stack.py", SOURCE, 1, "python")


def at(line: int, col: int) -> int:
    d = doc()
    return d.lines.starts[line] + col


def row_of(needle: str) -> int:
    return SOURCE.split("\n").index(next(x for x in SOURCE.split("\n") if needle in x))


@pytest.mark.parametrize(
    ("needle", "col", "expected"),
    [
        ("    def __init__", 0, "__init__"),  # column 0 of an indented method: the method, not the class
        ("    def push", 0, "push"),
        ("    def push", 8, "push"),  # on the name
        ("        def helper", 0, "helper"),  # nested def's line: the nested def
        ("            return y", 4, "helper"),  # in the nested body
        ("        maxsize=None", 0, "peek"),  # inside the decorator: the decorated method
        ("    @functools", 0, "peek"),
        ("class Stack", 0, "Stack"),  # the class line: the class
        ("class Stack", 7, "Stack"),
        ("        self.items.append", 0, "push"),  # in a body: the innermost definition holding the line
    ],
)
def test_docstring_target(needle: str, col: int, expected: str):
    d = doc()
    found = targets.docstring_target(d, at(row_of(needle), col))
    assert found is not None and found.name == expected


def test_docstring_target_outside_any_definition_is_none():
    d = doc()
    assert targets.docstring_target(d, at(row_of("TOTAL"), 0)) is None


def test_explain_target_at_column_zero_is_the_method_and_a_statement_outside_defs():
    d = doc()
    a, b = context.target_span(d, at(row_of("    def push"), 0), at(row_of("    def push"), 0))
    assert d.source[a:b].decode().startswith("    def push(self, x):")
    assert d.source[a:b].decode().rstrip().endswith("self.items.append(helper(x))")
    a, b = context.target_span(d, at(row_of("    [1, 2, 3]"), 2), at(row_of("    [1, 2, 3]"), 2))
    assert d.source[a:b].decode() == "TOTAL = sum(\n    [1, 2, 3]\n)"  # the statement, not 30 lines


def _plan(answer: str, needle: str, col: int = 0) -> str:
    d = doc()
    target = targets.docstring_target(d, at(row_of(needle), col))
    assert target is not None
    return docstrings.plan(d, target, answer).result.decode()


def test_docstring_edit_at_column_zero_keeps_the_class_intact():
    answer = '```python\ndef push(self, x):\n    """Push ``x``."""\n    self.items.append(x)\n```'
    result = _plan(answer, "    def push", 0)
    # only the docstring is new; the body the model rewrote (helper gone) is not taken
    assert result == SOURCE.replace(
        "    def push(self, x):\n", '    def push(self, x):\n        """Push ``x``."""\n'
    )


def test_docstring_edit_replaces_an_existing_docstring_and_reindents_multiline():
    answer = '```python\nclass Stack:\n    """A LIFO stack.\n\n    Items go on top.\n    """\n```'
    result = _plan(answer, "class Stack", 0)
    assert result == SOURCE.replace(
        '    """A stack."""\n', '    """A LIFO stack.\n\n    Items go on top.\n    """\n'
    )


def test_docstring_for_a_decorated_method_goes_under_its_def():
    answer = '```python\n@functools.lru_cache(maxsize=None)\ndef peek(self):\n    """Top item."""\n    return 1\n```'
    result = _plan(answer, "        maxsize=None", 0)
    assert '    def peek(self):\n        """Top item."""\n        return self.items[-1]\n' in result


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ('```python\ndef pop(self):\n    """Pop."""\n    return 1\n```', "documents `pop`, not `push`"),
        ("```python\ndef push(self, x):\n    self.items.append(x)\n```", "no docstring"),
        ('```python\ndef push(self, x:\n    """Push."""\n```', "not valid Python"),
        ("I would rather not.", "no code block"),
    ],
)
def test_docstring_answers_that_are_refused(answer: str, reason: str):
    with pytest.raises(EditRejected, match=reason) as info:
        _plan(answer, "    def push", 0)
    assert info.value.answer == answer


def test_docstring_on_a_one_line_definition_is_refused():
    d = Document("file:///t/one.py", "def f(): return 1\n", 1, "python")
    target = targets.docstring_target(d, 0)
    with pytest.raises(EditRejected, match="one-line"):
        docstrings.plan(d, target, '```python\ndef f():\n    """F."""\n    return 1\n```')
