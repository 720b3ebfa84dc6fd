"""What a rule sees when it runs on one document."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol

from aurelis.analysis.syntax import walk
from aurelis.analysis.units import virtual_source, walk_unit
from aurelis.workspace.uris import to_path

if TYPE_CHECKING:
    from tree_sitter import Node

    from aurelis.analysis.units import Unit
    from aurelis.config.analysis import AnalysisSettings
    from aurelis.workspace.document import Document

_TEST_FILE = re.compile(r"(^|/)(tests?/|test_[^/]*\.py$|[^/]*_test\.py$|conftest\.py$)")


@dataclass
class ModuleFacts:
    """What a unit's rules may know about the rest of its module: every import, and
    the facts each module-aware rule gathered from every unit."""

    imports: dict[str, str] = field(default_factory=dict)
    facts: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    mentions: dict[bytes, bool] = field(default_factory=dict)  # word -> in the document's text


class Gatherer(Protocol):
    """What ``module_facts`` needs of a rule (every ``analysis/rule.py::Rule`` is one); a
    protocol, so that the rule API and its context do not import each other."""

    @property
    def code(self) -> str: ...

    def gather(self, ctx: RuleContext) -> Any: ...  # Facts | None


class RuleContext:
    """One document plus lazily computed views shared by all rules of a run."""

    def __init__(
        self,
        doc: Document,
        settings: AnalysisSettings | None = None,
        workspace: Any = None,
        unit: Unit | None = None,
        module: ModuleFacts | None = None,
        exports: frozenset[str] = frozenset(),
    ) -> None:
        from aurelis.config.analysis import AnalysisSettings

        self.doc = doc
        # None: the whole document at once (rule unit tests, fix verification); else one unit of it
        self.unit = unit
        self.module = module
        self.settings = settings or AnalysisSettings()
        self.workspace = workspace  # cross-file rules: the engine / index manager (None in unit tests)
        # module-level names other modules of the project take from this one (crossfile/project_imports)
        self.exports = exports
        path = to_path(doc.uri)
        self.path: PurePath | None = path
        self._posix = path.as_posix() if path else doc.uri

    @property
    def source(self) -> bytes:
        return self.doc.source

    @property
    def root(self) -> Node:
        assert self.doc.tree is not None
        return self.doc.tree.root_node

    @functools.cached_property
    def is_test_file(self) -> bool:
        return bool(_TEST_FILE.search(self._posix))

    @functools.cached_property
    def is_init_file(self) -> bool:
        return self._posix.endswith("__init__.py")

    @property
    def owns_module(self) -> bool:
        """Module-wide findings (the module docstring, ...) are this context's to report."""
        return self.unit is None or self.unit.kind == "module"

    @property
    def group(self) -> int:
        """The top-level class this unit belongs to (-1: none, or the whole document)."""
        return self.unit.group if self.unit is not None else -1

    @functools.cached_property
    def spans(self) -> list[tuple[int, int]]:
        """Byte spans of the text this context owns (the whole document without a unit)."""
        return self.unit.own_spans() if self.unit is not None else [(0, len(self.source))]

    @functools.cached_property
    def python_ast(self) -> ast.Module | None:
        """``ast`` of the text (of the unit's virtual source), or None while it has a syntax error."""
        try:
            if self.unit is not None:
                return ast.parse(virtual_source(self.doc, self.unit))
            return ast.parse(self.doc.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None

    @functools.cached_property
    def nodes_by_type(self) -> dict[str, list[Node]]:
        """Every named node of the tree (of the unit) grouped by type: one walk serves all rules."""
        out: dict[str, list[Node]] = {}
        for node in walk(self.root) if self.unit is None else walk_unit(self.unit):
            if node.is_named:
                out.setdefault(node.type, []).append(node)
        return out

    def module_facts(self, rule: Gatherer) -> list[tuple[int, Any]]:
        """(group, facts) that ``rule.gather`` found in every unit of the document."""
        if self.module is None:
            facts = rule.gather(self)
            return [(-1, facts.value)] if facts is not None else []
        return self.module.facts.get(rule.code, [])

    def mentions(self, word: bytes) -> bool:
        """``word in source``, answered once per document run: the units share it (a scan of a
        large module per unit costs seconds)."""
        memo = self.module.mentions if self.module is not None else {}
        hit = memo.get(word)
        if hit is None:
            hit = memo[word] = word in self.source
        return hit

    def nodes(self, *types: str) -> Iterator[Node]:
        for t in types:
            yield from self.nodes_by_type.get(t, ())

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def offset_of(self, line: int | None, col: int | None) -> int:
        """Byte offset of an ``ast`` (1-based line, UTF-8 byte col) location (``ast`` types its
        end positions optional; a parsed node always has them)."""
        line, col = line or 1, col or 0
        return (
            self.doc.lines.starts[line - 1] + col
            if line - 1 < len(self.doc.lines.starts)
            else len(self.source)
        )

    def option(self, code: str, key: str, default: Any) -> Any:
        """A per-rule threshold/option from settings (``analysis.options[CODE][key]``)."""
        opts = getattr(self.settings, "options", {}) or {}
        return opts.get(code, {}).get(key, default)
