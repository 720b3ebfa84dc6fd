"""Limits on an AI edit, checked against its target before it is offered.

- It only touches the target's lines: an answer (a diff, say) that reaches outside
  is refused.
- It may not silently delete much of the target: removing more than
  ``max(DELETE_MIN_LINES, DELETE_FRACTION x target lines)`` of the target's lines
  needs the user's explicit confirmation (a change annotation with
  ``needsConfirmation`` over LSP, ``--apply`` on the CLI).

Offsets are byte offsets into the UTF-8 source, as in ``edits``.
"""

from __future__ import annotations

import difflib

from aurelis.ai.edits import PlannedEdit
from aurelis.ai.errors import EditRejected

DELETE_MIN_LINES = 5
DELETE_FRACTION = 0.5


def whole_lines(source: bytes, start: int, end: int) -> tuple[int, int]:
    ls = source.rfind(b"\n", 0, start) + 1
    if end > start and source[end - 1 : end] == b"\n":
        return ls, end
    le = source.find(b"\n", end)
    return ls, len(source) if le == -1 else le + 1


def inside(source: bytes, planned: PlannedEdit, start: int, end: int, answer: str) -> None:
    """Refuse ``planned`` if it changes anything outside the whole lines of ``start..end``."""
    ls, le = whole_lines(source, start, end)
    if planned.start < ls or planned.end > le:
        first = source.count(b"\n", 0, ls) + 1
        last = first + source.count(b"\n", ls, max(ls, le - 1))
        raise EditRejected(
            f"Aurelis AI: the answer changes code outside its target (lines {first}-{last}); "
            "nothing was changed.",
            answer,
        )


def removed_lines(source: bytes, planned: PlannedEdit) -> tuple[int, int]:
    """(lines of the edited region that do not survive the edit, lines in that region)."""
    ls, le = whole_lines(source, planned.start, planned.end)
    old = source[ls:le].splitlines()
    delta = len(planned.new) - (planned.end - planned.start)
    new = planned.result[ls : le + delta].splitlines()
    kept = sum(b.size for b in difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks())
    return len(old) - kept, len(old)


def confirmation(source: bytes, planned: PlannedEdit, start: int, end: int) -> str | None:
    """Why ``planned`` needs explicit confirmation (None when it does not): it deletes more than
    the bound of the target's lines."""
    ls, le = whole_lines(source, start, end)
    target_lines = max(1, source.count(b"\n", ls, le) + (0 if source[ls:le].endswith(b"\n") else 1))
    removed, _ = removed_lines(source, planned)
    bound = max(DELETE_MIN_LINES, int(DELETE_FRACTION * target_lines))
    if removed > bound:
        return (
            f"This edit deletes {removed} of the target's {target_lines} lines "
            f"(more than {bound}); review it before applying."
        )
    return None
