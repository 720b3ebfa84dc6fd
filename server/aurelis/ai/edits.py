"""Turning a model's answer into a safe, minimal edit.

The answer is a fenced code block (or a unified diff). Its code is re-indented
to fit the lines it replaces, narrowed to the characters that really change,
and the whole resulting document is re-parsed with tree-sitter: an edit that
adds syntax errors is rejected (:class:`EditRejected` keeps the model's text so
the user still sees it). Offsets are byte offsets into the document's UTF-8
source, the same as tree-sitter's and the rest of the server's: the answer's code
is encoded once, and the LSP layer turns offsets into positions once, at the edge.
A narrowed edit never starts or ends inside a character.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from tree_sitter import Tree

from aurelis.ai.errors import EditRejected
from aurelis.workspace import languages

_FENCE = re.compile(r"^```[ \t]*([\w+-]*)[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.DOTALL | re.MULTILINE)
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class PlannedEdit:
    """Replace bytes ``start..end`` of the source it was computed for with ``new``."""

    start: int
    end: int
    new: bytes
    result: bytes  # the whole source after the edit

    @property
    def new_text(self) -> str:
        return decode(self.new)

    def is_noop(self) -> bool:
        return self.start == self.end and not self.new


def encode(text: str) -> bytes:
    """The UTF-8 of model text (lone surrogates kept, as the document model keeps them)."""
    return text.encode("utf-8", "surrogatepass")


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


# -- reading the answer ---------------------------------------------------------------
def code_blocks(answer: str) -> list[tuple[str, str]]:
    """(language tag, body) of each fenced block, in order."""
    return [(m.group(1).lower(), m.group(2)) for m in _FENCE.finditer(answer)]


def extract_code(answer: str, language: str | None = "python") -> str | None:
    """The code of the answer: the first block tagged for ``language`` (or untagged),
    else the first block; an answer without fences counts only if it is all code."""
    blocks = [(tag, body) for tag, body in code_blocks(answer) if tag not in ("diff", "patch")]
    if blocks:
        tags = {"python": ("python", "py", "python3", ""), None: ("",)}.get(language, (language or "", ""))
        for tag, body in blocks:
            if tag in tags:
                return body.rstrip("\n")
        return blocks[0][1].rstrip("\n")
    text = answer.strip("\n")
    if (
        text
        and language
        and "```" not in text
        and syntax_errors(text, language) == 0
        and not _looks_like_prose(text)
    ):
        return text
    return None


def _looks_like_prose(text: str) -> bool:
    first = text.strip().splitlines()[0]
    return bool(re.match(r"^[A-Z][a-z]+( [a-z]+){3,}", first))


def extract_diff(answer: str) -> str | None:
    for tag, body in code_blocks(answer):
        if tag in ("diff", "patch") or re.search(r"^@@ -\d", body, re.MULTILINE):
            return body
    if re.search(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@", answer, re.MULTILINE):
        return answer
    return None


def apply_unified_diff(source: bytes, diff: str) -> bytes:
    """Apply a unified diff to ``source``. Each hunk must match (its stated line first,
    then anywhere); a hunk that matches nowhere rejects the whole diff."""
    lines = source.splitlines(keepends=True)
    hunks: list[tuple[int, list[bytes], list[bytes]]] = []
    current: tuple[int, list[bytes], list[bytes]] | None = None
    for raw in encode(diff).splitlines():
        m = _HUNK.match(raw)
        if m:
            current = (int(m.group(1)), [], [])
            hunks.append(current)
            continue
        if current is None or raw.startswith((b"--- ", b"+++ ", b"\\ ")):
            continue
        tag, body = (raw[:1], raw[1:]) if raw else (b" ", b"")
        if tag == b" ":
            current[1].append(body)
            current[2].append(body)
        elif tag == b"-":
            current[1].append(body)
        elif tag == b"+":
            current[2].append(body)
    if not hunks:
        raise ValueError("the diff has no hunks")
    stripped = [line.rstrip(b"\r\n") for line in lines]
    offset = 0
    for start, old, new in hunks:
        at = _find(stripped, old, start - 1 + offset)
        if at is None:
            raise ValueError(f"hunk at line {start} does not match the document")
        eol = _eol(lines)
        replacement = [line + eol for line in new]
        if at + len(old) == len(lines) and lines and not lines[-1].endswith((b"\n", b"\r")) and replacement:
            replacement[-1] = replacement[-1].rstrip(b"\r\n")
        lines[at : at + len(old)] = replacement
        stripped[at : at + len(old)] = new
        offset += len(new) - len(old)
    return b"".join(lines)


def _find(lines: list[bytes], block: list[bytes], hint: int) -> int | None:
    n = len(block)
    if n == 0:
        return max(0, min(hint, len(lines)))
    order = sorted(range(len(lines) - n + 1), key=lambda i: abs(i - hint))
    for i in order:
        if lines[i : i + n] == block:
            return i
    for i in order:  # tolerate trailing-whitespace differences
        if [s.rstrip() for s in lines[i : i + n]] == [s.rstrip() for s in block]:
            return i
    return None


def _eol(lines: list[bytes]) -> bytes:
    for line in lines:
        if line.endswith(b"\r\n"):
            return b"\r\n"
        if line.endswith(b"\n"):
            return b"\n"
    return b"\n"


# -- shaping the edit ------------------------------------------------------------------
def line_span(source: bytes, start: int, end: int) -> tuple[int, int]:
    """``start..end`` widened to whole lines (end just after the last line's break)."""
    ls = source.rfind(b"\n", 0, start) + 1
    if end > start and end > 0 and source[end - 1 : end] == b"\n":
        return ls, end  # the selection already ends at a line break
    le = source.find(b"\n", end)
    return ls, (len(source) if le == -1 else le + 1)


def indent_of(line: bytes) -> str:
    """The line's leading blanks (spaces and tabs: ASCII, so decoding cannot fail)."""
    return line[: len(line) - len(line.lstrip(b" \t"))].decode("ascii")


def fit_indent(code: str, indent: str) -> str:
    """Dedent ``code`` and indent every non-blank line by ``indent``."""
    body = textwrap.dedent(code.expandtabs(4) if "\t" in code and " " in indent else code)
    return "\n".join((indent + line) if line.strip() else "" for line in body.split("\n"))


def insertion_indent(source: bytes, line_start: int) -> str:
    """Indentation for code inserted at the line starting at ``line_start``."""
    le = source.find(b"\n", line_start)
    line = source[line_start : len(source) if le == -1 else le]
    if line.strip():
        return indent_of(line)
    prev = source[:line_start].rstrip(b"\n").split(b"\n")
    for candidate in reversed(prev):
        if candidate.strip():
            base = indent_of(candidate)
            return base + "    " if candidate.rstrip().endswith(b":") else base
    return ""


def _inside_char(data: bytes, i: int) -> bool:
    """Byte ``i`` continues a UTF-8 character (10xxxxxx): an edit may not start or end there."""
    return 0 <= i < len(data) and data[i] & 0xC0 == 0x80


def minimal(source: bytes, start: int, end: int, replacement: bytes) -> tuple[int, int, bytes]:
    """Shrink ``source[start:end] -> replacement`` to the lines that differ (whole lines, so
    the editor's undo and cursor behave), then to the characters when one line changes."""
    old = source[start:end]
    a, b = old.splitlines(keepends=True), replacement.splitlines(keepends=True)
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[len(a) - 1 - s] == b[len(b) - 1 - s]:
        s += 1
    head = sum(len(x) for x in a[:p])
    old_mid, new_mid = b"".join(a[p : len(a) - s]), b"".join(b[p : len(b) - s])
    start, end = start + head, start + head + len(old_mid)
    if old_mid.count(b"\n") <= 1 and new_mid.count(b"\n") <= 1:  # one line edited: its changed characters
        i = 0
        n = min(len(old_mid), len(new_mid))
        while i < n and old_mid[i] == new_mid[i]:
            i += 1
        while i > 0 and (_inside_char(old_mid, i) or _inside_char(new_mid, i)):
            i -= 1  # back to the start of the character that differs
        j = 0
        while j < n - i and old_mid[len(old_mid) - 1 - j] == new_mid[len(new_mid) - 1 - j]:
            j += 1
        while j > 0 and (_inside_char(old_mid, len(old_mid) - j) or _inside_char(new_mid, len(new_mid) - j)):
            j -= 1  # the common tail starts at a whole character
        return start + i, end - j, new_mid[i : len(new_mid) - j]
    return start, end, new_mid


# -- syntax safety -------------------------------------------------------------------
def count_errors(tree: Tree) -> int:
    """ERROR and MISSING nodes of a tree-sitter tree (only error-carrying subtrees are walked)."""
    count = 0
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        if node.has_error:
            stack.extend(node.children)
    return count


def syntax_errors(code: str | bytes, language: str | None) -> int:
    """ERROR and MISSING nodes in ``code`` parsed as ``language`` (0 when unparsable language)."""
    name = languages.normalize(language) if language and languages.supported(language) else None
    if name is None:
        return 0
    return count_errors(languages.parser(name).parse(code if isinstance(code, bytes) else encode(code)))


_DEFS = ("function_definition", "class_definition", "decorated_definition")
_MAX_REGION_LINES = 400


def _enclosing_region(source: bytes, planned: PlannedEdit, tree: Tree) -> tuple[int, int] | None:
    """Byte span (whole lines) of the smallest definition containing the edit, or None."""
    node = tree.root_node.descendant_for_byte_range(planned.start, planned.end)
    while node is not None:
        if node.type in _DEFS:
            line_start = source.rfind(b"\n", 0, node.start_byte) + 1
            if line_start <= planned.start and planned.end <= node.end_byte and planned.end > line_start:
                break
        node = node.parent
    if node is None or node.end_point[0] - node.start_point[0] > _MAX_REGION_LINES:
        return None
    return line_start, node.end_byte


def dedent(code: bytes) -> bytes:
    """``textwrap.dedent`` of UTF-8 source: the common leading blanks of its non-blank lines removed."""
    lines = code.split(b"\n")
    margins = [line[: len(line) - len(line.lstrip(b" \t"))] for line in lines if line.strip(b" \t")]
    lo, hi = (min(margins), max(margins)) if margins else (b"", b"")
    common = lo[: next((i for i, (x, y) in enumerate(zip(lo, hi, strict=False)) if x != y), len(lo))]
    return b"\n".join(line[len(common) :] if line.strip(b" \t") else b"" for line in lines)


def _region_errors(code: bytes, language: str) -> int:
    return syntax_errors(dedent(code), language)


def check(
    source: bytes, planned: PlannedEdit, language: str | None, answer: str, tree: Tree | None = None
) -> PlannedEdit:
    """Reject ``planned`` if its result has more syntax errors than ``source``. With ``tree``
    (``source``'s tree-sitter tree) an edit inside one definition re-parses just that definition."""
    if not language or not languages.supported(language):
        return planned
    region = _enclosing_region(source, planned, tree) if tree is not None else None
    if region is not None:
        # The edit stays inside one definition: re-parse that definition before and after
        # (a few hundred lines at most) instead of the whole file.
        a, b = region
        delta = len(planned.new) - (planned.end - planned.start)
        before = _region_errors(source[a:b], language)
        after = _region_errors(planned.result[a : b + delta], language)
    else:
        before, after = syntax_errors(source, language), syntax_errors(planned.result, language)
    if after > before:
        raise EditRejected(
            f"Aurelis AI: the suggested change would introduce a syntax error ({after - before} new); "
            "it was not applied.",
            answer,
        )
    return planned


def planned(source: bytes, start: int, end: int, replacement: bytes) -> PlannedEdit:
    """``source[start:end] -> replacement``, narrowed by :func:`minimal`."""
    s, e, new = minimal(source, start, end, replacement)
    return PlannedEdit(s, e, new, source[:s] + new + source[e:])


# -- the three shapes of edit ---------------------------------------------------------
def plan_replace(
    source: bytes, start: int, end: int, answer: str, language: str | None, tree: Tree | None = None
) -> PlannedEdit:
    """Replace the whole lines spanning bytes ``start..end`` by the answer's code (or apply its diff)."""
    diff = extract_diff(answer)
    if diff is not None:
        try:
            result = apply_unified_diff(source, diff)
        except ValueError as exc:
            raise EditRejected(f"Aurelis AI: the suggested diff does not apply ({exc}).", answer) from None
        return check(source, planned(source, 0, len(source), result), language, answer, tree)
    code = extract_code(answer, language)
    if code is None:
        raise EditRejected("Aurelis AI: the answer contains no code block to apply.", answer)
    ls, le = line_span(source, start, end)
    region = source[ls:le]
    first = next((line for line in region.split(b"\n") if line.strip()), b"")
    new = encode(fit_indent(code, indent_of(first)))
    if region.endswith(b"\n"):
        new += b"\n"
    return check(source, planned(source, ls, le, new), language, answer, tree)


def plan_insert(
    source: bytes, offset: int, answer: str, language: str | None, tree: Tree | None = None
) -> PlannedEdit:
    """Insert the answer's code as whole lines at the line containing byte ``offset``
    (a blank line there is replaced)."""
    code = extract_code(answer, language)
    if code is None:
        raise EditRejected("Aurelis AI: the answer contains no code block to insert.", answer)
    ls = source.rfind(b"\n", 0, offset) + 1
    le = source.find(b"\n", ls)
    line = source[ls : len(source) if le == -1 else le]
    indent = insertion_indent(source, ls)
    new = fit_indent(code, indent)
    if line.strip():  # insert above a non-blank line; a definition keeps PEP 8's blank lines
        gap = ("\n\n" if not indent else "\n") if re.match(r"\s*(def|class|async def|@)\b", new) else ""
        return check(source, planned(source, ls, ls, encode(new + "\n" + gap)), language, answer, tree)
    end = len(source) if le == -1 else le
    return check(source, planned(source, ls, end, encode(new)), language, answer, tree)


def plan_append(source: bytes, answer: str, language: str | None) -> PlannedEdit:
    """Append the answer's code at the end of ``source`` (a new test module, more tests)."""
    code = extract_code(answer, language)
    if code is None:
        raise EditRejected("Aurelis AI: the answer contains no code block.", answer)
    new = encode(textwrap.dedent(code).strip("\n") + "\n")
    if not source.strip():
        return check(source, planned(source, 0, len(source), new), language, answer)
    new = (b"" if source.endswith(b"\n") else b"\n") + b"\n\n" + new
    return check(source, PlannedEdit(len(source), len(source), new, source + new), language, answer)
