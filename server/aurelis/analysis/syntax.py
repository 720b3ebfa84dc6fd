"""Small helpers over the tree-sitter Python tree and the raw bytes, shared by rules.

Everything speaks UTF-8 byte offsets, like findings and edits.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tree_sitter import Node

SCOPES = ("function_definition", "class_definition", "lambda", "module")
_STRINGS = ("string", "concatenated_string")


def line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def line_end(source: bytes, offset: int) -> int:
    """Offset of the newline ending the line of ``offset`` (or the end of the text)."""
    end = source.find(b"\n", offset)
    return len(source) if end < 0 else end


def indent_of(source: bytes, offset: int) -> str | None:
    """Leading whitespace of the line of ``offset`` if only whitespace precedes it, else None."""
    start = line_start(source, offset)
    head = source[start:offset]
    return head.decode("utf-8") if head.strip() == b"" else None


def alone_on_lines(source: bytes, start: int, end: int) -> bool:
    """True if ``start..end`` is preceded by indentation only and followed by a comment or nothing."""
    if indent_of(source, start) is None:
        return False
    tail = source[end : line_end(source, end)].strip()
    return tail == b"" or tail.startswith(b"#")


def statements(block: Node) -> list[Node]:
    """Named statement children of a block/module, without comments."""
    return [c for c in block.named_children if c.type != "comment"]


def is_docstring(stmt: Node | None) -> bool:
    if stmt is None or stmt.type != "expression_statement" or stmt.named_child_count != 1:
        return False
    value = stmt.named_children[0]
    if value.type == "concatenated_string":
        return all(_plain_string(c) for c in value.named_children if c.type != "comment")
    return _plain_string(value)


def _plain_string(node: Node) -> bool:
    # f-strings are not docstrings: `interpolation` children mark them
    return node.type == "string" and not any(c.type == "interpolation" for c in node.named_children)


def docstring_of(body: Node | None) -> Node | None:
    """The docstring statement of a module/def/class body, if any."""
    if body is None:
        return None
    stmts = statements(body)
    return stmts[0] if stmts and is_docstring(stmts[0]) else None


def enclosing_scope(node: Node) -> Node | None:
    """Nearest function/class/lambda/module strictly above ``node``."""
    parent = node.parent
    while parent is not None and parent.type not in SCOPES:
        parent = parent.parent
    return parent


def call_name(call: Node, text: Any) -> str | None:
    """Dotted name of a call's callee (``open``, ``io.open``), or None if not a plain name."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type not in ("identifier", "attribute"):
        return None
    name: str = text(fn)
    return name


def decorator_names(definition: Node, text: Any) -> list[str]:
    """Names of the decorators of a def/class (``property``, ``x.setter``, ``typing.overload``)."""
    parent = definition.parent
    if parent is None or parent.type != "decorated_definition":
        return []
    out = []
    for dec in parent.named_children:
        if dec.type != "decorator":
            continue
        expr = dec.named_children[0] if dec.named_children else None
        if expr is not None and expr.type == "call":
            expr = expr.child_by_field_name("function")
        if expr is not None:
            out.append(text(expr))
    return out


def names_option(value: Any, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A list-of-names rule option, tolerant of a bare string or junk (settings are user input)."""
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(v for v in value if isinstance(v, str) and v)
    return default


def bool_option(value: Any, default: bool) -> bool:
    """A boolean rule option; accepts true/false strings, anything else means the default."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def walk(node: Any) -> Iterator[Any]:
    """Pre-order walk of a tree-sitter subtree using a cursor (fast, no recursion)."""
    cursor = node.walk()
    reached_root = False
    while not reached_root:
        yield cursor.node
        if cursor.goto_first_child():
            continue
        if cursor.goto_next_sibling():
            continue
        while True:
            if not cursor.goto_parent():
                reached_root = True
                break
            if cursor.node == node:
                reached_root = True
                break
            if cursor.goto_next_sibling():
                break
