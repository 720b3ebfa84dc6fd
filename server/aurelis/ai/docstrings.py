"""A docstring edit that can only touch the docstring.

The model is asked for the whole definition with its new docstring, but only the
docstring is taken from the answer: it replaces the definition's existing
docstring or is inserted above its first statement. The definition's name,
signature and body stay as they were by construction. An answer that documents
another definition (a wrong target), has no docstring or is not Python is refused
with the reason; the model's text is still shown.
"""

from __future__ import annotations

import ast
import textwrap

from tree_sitter import Node

from aurelis.ai import edits
from aurelis.ai.errors import EditRejected
from aurelis.ai.targets import Definition
from aurelis.workspace.document import Document

_AST_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _answer_definition(
    code: str, name: str, answer: str
) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef:
    try:
        module = ast.parse(textwrap.dedent(code))
    except SyntaxError as exc:
        raise EditRejected(
            f"Aurelis AI: the answer is not valid Python (line {exc.lineno}: {exc.msg}); nothing was changed.",
            answer,
        ) from None
    found = [n for n in ast.walk(module) if isinstance(n, _AST_DEFS)]
    for node in found:
        if node.name == name:
            return node
    if found:
        raise EditRejected(
            f"Aurelis AI: the answer documents `{found[0].name}`, not `{name}`; nothing was changed.", answer
        )
    raise EditRejected(
        f"Aurelis AI: the answer holds no definition of `{name}`; nothing was changed.", answer
    )


def _docstring_source(code: str, node: ast.AST) -> tuple[list[str], int]:
    """The docstring's source lines as the model wrote them, and its column."""
    expr = node.body[0]  # type: ignore[attr-defined]
    lines = textwrap.dedent(code).split("\n")[expr.lineno - 1 : expr.end_lineno]
    lines[-1] = lines[-1][: expr.end_col_offset]
    lines[0] = lines[0][expr.col_offset :]
    return lines, expr.col_offset


def _reindent(lines: list[str], column: int, indent: str) -> str:
    out = [indent + lines[0]]
    for line in lines[1:]:
        head = line[:column]
        rest = line[column:] if not head.strip() else line.lstrip()
        out.append(indent + rest if rest.strip() else "")
    return "\n".join(out)


def _existing_docstring(body: Node) -> Node | None:
    first = next((c for c in body.named_children if c.type != "comment"), None)
    if (
        first is not None
        and first.type == "expression_statement"
        and first.named_child_count == 1
        and first.named_children[0].type in ("string", "concatenated_string")
    ):
        return first
    return None


def plan(doc: Document, target: Definition, answer: str) -> edits.PlannedEdit:
    """The edit that sets ``target``'s docstring to the one in ``answer``."""
    code = edits.extract_code(answer, "python")
    if code is None:
        raise EditRejected("Aurelis AI: the answer contains no code block; nothing was changed.", answer)
    name = target.name
    node = _answer_definition(code, name, answer)
    if ast.get_docstring(node, clean=False) is None:
        raise EditRejected(
            f"Aurelis AI: the answer has no docstring for `{name}`; nothing was changed.", answer
        )
    lines, column = _docstring_source(code, node)
    body = target.node.child_by_field_name("body")
    first = next((c for c in body.named_children if c.type != "comment"), None) if body else None
    if body is None or first is None or first.start_point[0] == target.header_rows[1]:
        raise EditRejected(
            f"Aurelis AI: `{name}` is a one-line definition; put its body on its own line first. "
            "Nothing was changed.",
            answer,
        )
    source = doc.source
    start = source.rfind(b"\n", 0, first.start_byte) + 1
    new = _reindent(lines, column, edits.indent_of(source[start : first.start_byte])) + "\n"
    old = _existing_docstring(body)
    end = start
    if old is not None:  # replace the old docstring's whole lines
        end_line = source.find(b"\n", old.end_byte)
        end = len(source) if end_line == -1 else end_line + 1
        if end_line == -1:
            new = new.rstrip("\n")
    planned = edits.planned(source, start, end, edits.encode(new))
    return edits.check(source, planned, doc.language_id, answer, doc.tree)
