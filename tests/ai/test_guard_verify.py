"""Limits on an AI edit (inside its target; big deletions need confirmation) and the
verification of an AI fix (it parses, the finding is gone, no new error findings),
with the real rules."""

from __future__ import annotations

import pytest

from aurelis.ai import edits, guard, verify
from aurelis.ai.errors import EditRejected
from aurelis.workspace.document import Document

TEXT = "".join(f"x{i} = {i}\n" for i in range(20)).encode()


def planned(source: bytes, start: int, end: int, new: str) -> edits.PlannedEdit:
    data = new.encode()
    return edits.PlannedEdit(start, end, data, source[:start] + data + source[end:])


def test_an_edit_outside_the_target_lines_is_refused():
    target = (TEXT.index(b"x5"), TEXT.index(b"x8"))  # lines 6-8
    ok = planned(TEXT, TEXT.index(b"x6"), TEXT.index(b"x7"), "x6 = 60\n")
    guard.inside(TEXT, ok, *target, "answer")
    outside = planned(TEXT, TEXT.index(b"x12"), TEXT.index(b"x13"), "")
    with pytest.raises(EditRejected, match=r"outside its target \(lines 6-8\)"):
        guard.inside(TEXT, outside, *target, "answer")


def test_deleting_most_of_the_target_needs_confirmation_and_a_small_edit_does_not():
    target = (0, len(TEXT))  # 20 lines: the bound is 10
    small = planned(TEXT, TEXT.index(b"x3"), TEXT.index(b"x6"), "x345 = 3\n")
    assert guard.confirmation(TEXT, small, *target) is None
    big = planned(TEXT, TEXT.index(b"x2"), TEXT.index(b"x19"), "pass\n")
    reason = guard.confirmation(TEXT, big, *target)
    assert reason is not None and "deletes 17 of the target's 20 lines" in reason
    short = b"a = 1\nb = 2\n"  # a tiny target: deleting all of it (2 lines) stays under the 5-line floor
    assert guard.confirmation(short, planned(short, 0, len(short), "c = 3\n"), 0, len(short)) is None


BAD = "def add(item, items=[]):\n    items.append(item)\n    return items\n"


def doc(text: str) -> Document:
    return Document("file:///w/m.py", text, 1, "python")


def test_a_fix_that_removes_the_finding_passes():
    fixed = BAD.replace("items=[]):\n", "items=None):\n    items = [] if items is None else items\n")
    assert verify.check(doc(BAD), fixed.encode(), code="AUR101") is None


def test_a_fix_that_fixes_nothing_is_refused():
    cosmetic = BAD.replace("return items", "return list(items)")
    assert verify.check(doc(BAD), cosmetic.encode(), code="AUR101") == "re-analysis still reports AUR101"


def test_a_fix_that_does_not_parse_or_adds_an_error_finding_is_refused():
    assert (
        verify.check(doc(BAD), (BAD + "def broken(:\n").encode(), code="AUR101")
        == "the result does not parse"
    )
    worse = "import yaml\n\n\n" + BAD.replace("items=[]", "items=None").replace(
        "return items", "return yaml.load(open('x'))"
    )
    reason = verify.check(
        doc("import yaml\n\n\n" + BAD), worse.encode(), code="X100"
    )  # another server's code
    assert reason is not None and "new error-severity findings (AUR203)" in reason


def test_another_servers_code_only_needs_to_parse():
    assert (
        verify.check(
            doc(BAD),
            BAD.replace("items.append", "items.insert(0, item) or items.append").encode(),
            code="E501",
        )
        is None
    )
