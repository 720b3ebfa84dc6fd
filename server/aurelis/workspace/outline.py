"""Definitions in a parsed document (functions, classes, methods), for every
supported language, with their nesting. Used by documentSymbol and summaries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from aurelis.workspace.document import Document

# node type -> symbol kind, per language ("namespace" only qualifies its members).
# The index's chunker uses the same table.
DEFINITION_KINDS: dict[str, dict[str, str]] = {
    "python": {"function_definition": "function", "class_definition": "class"},
    "javascript": {
        "function_declaration": "function",
        "generator_function_declaration": "function",
        "class_declaration": "class",
        "method_definition": "method",
    },
    "go": {"function_declaration": "function", "method_declaration": "method", "type_spec": "class"},
    "rust": {
        "function_item": "function",
        "struct_item": "class",
        "enum_item": "class",
        "trait_item": "class",
        "impl_item": "namespace",
        "mod_item": "namespace",
    },
}
DEFINITION_KINDS["typescript"] = {
    **DEFINITION_KINDS["javascript"],
    "interface_declaration": "interface",
    "abstract_class_declaration": "class",
    "function_signature": "function",
}
DEFINITION_KINDS["typescriptreact"] = DEFINITION_KINDS["typescript"]


@dataclass
class Symbol:
    name: str
    kind: str  # function | method | class | interface | namespace
    node: Node
    name_node: Node | None
    children: list[Symbol] = field(default_factory=list)

    def walk(self) -> Iterator[Symbol]:
        """This symbol and every descendant, depth first (iterative: nesting has no limit here)."""
        stack: list[Symbol] = [self]
        while stack:
            sym = stack.pop()
            yield sym
            stack.extend(reversed(sym.children))


def outline(doc: Document) -> list[Symbol]:
    if doc.tree is None or doc.language_id is None:
        return []
    kinds = DEFINITION_KINDS.get(doc.language_id, {})
    return _collect(doc.tree.root_node, kinds, in_class=False)


def _collect(node: Node, kinds: dict[str, str], in_class: bool) -> list[Symbol]:
    # An explicit stack, not recursion: code nested thousands of levels deep (generated or
    # hostile) must not raise RecursionError. Each frame: (children left, their output list, in_class).
    top: list[Symbol] = []
    stack = [(iter(node.named_children), top, in_class)]
    while stack:
        children, out, in_cls = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        kind = kinds.get(child.type)
        if kind is None:
            stack.append((iter(child.named_children), out, in_cls))
            continue
        name_node = child.child_by_field_name("name") or child.child_by_field_name("type")
        name = (
            name_node.text.decode("utf-8", "replace")
            if name_node is not None and name_node.text
            else "<anonymous>"
        )
        if kind == "function" and in_cls:
            kind = "method"
        sym = Symbol(name, kind, child, name_node)
        out.append(sym)
        stack.append((iter(child.named_children), sym.children, kind in ("class", "namespace", "interface")))
    return top
