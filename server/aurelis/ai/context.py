"""The context sent with an AI request, most relevant first, within a token budget.

1. the target: the selection (whole lines) or the enclosing function/class;
2. the file's imports;
3. the definitions of the names the target uses (jedi), workspace code only;
4. the top-k related chunks of the index (hybrid search), when an index is there;
5. for workspace questions, README and pyproject metadata.

Every piece is redacted with the shared secret detector before it is returned:
nothing here may carry a secret to a provider. The budget is counted as ``ai/tokens.py``
says: the provider's estimate, and the embedding tokenizer's count for retrieved code.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib
from tree_sitter import Node

from aurelis.ai.targets import enclosing_statement
from aurelis.ai.tokens import Estimate
from aurelis.analysis.secrets import redact
from aurelis.workspace.document import Document

log = logging.getLogger(__name__)

_DEFINITIONS = {
    "function_definition",
    "class_definition",
    "decorated_definition",  # python
    "function_declaration",
    "method_definition",
    "class_declaration",  # js/ts
    "method_declaration",
    "function_item",
    "impl_item",  # go/rust
}
_IMPORTS = {"import_statement", "import_from_statement", "future_import_statement"}
_MAX_NAMES = 12
_MAX_DEF_LINES = 40
_MAX_TARGET_LINES = 150
_JEDI_LOCK = threading.Lock()  # jedi keeps global caches; one inference at a time


@dataclass(frozen=True)
class Related:
    """A chunk from the index search."""

    path: str  # workspace-relative or absolute path
    start_line: int  # 1-based, inclusive
    end_line: int
    text: str
    score: float = 0.0
    tokens: int | None = None  # ``text`` counted by the index's embedding tokenizer (None: not at hand)


Anchor = tuple[str, int, int]  # (workspace-relative path, first line, last line), 1-based
# (query, k, anchor) -> the k best related chunks; the anchor locates the target in the index.
Retriever = Callable[..., list[Related]]


@dataclass(frozen=True)
class Section:
    title: str
    text: str
    priority: int  # lower = more relevant
    path: str | None = None
    line: int | None = None  # 1-based start line, for citations
    tokens: int | None = None  # ``text`` counted by a real tokenizer (None: the provider's estimate)


@dataclass
class Context:
    target: str = ""
    target_start: int = 0  # byte offsets of the target in the document's source
    target_end: int = 0
    target_line: int = 1  # 1-based first line of the target
    sections: list[Section] = field(default_factory=list)
    dropped: int = 0  # sections that did not fit the budget
    tokens: int = 0  # what the target and the sections count against the budget

    def render(self) -> str:
        return "\n\n".join(f"### {s.title}\n{s.text}" for s in self.sections)

    def numbered_target(self) -> str:
        return "\n".join(f"{self.target_line + i}| {line}" for i, line in enumerate(self.target.split("\n")))


# -- the target ------------------------------------------------------------------------
def _snap(doc: Document, offset: int) -> int:
    """A cursor in a line's leading whitespace stands for that line's first character: the
    whitespace of an indented ``def`` belongs to the enclosing block, not to the ``def``."""
    data = doc.source
    ls = data.rfind(b"\n", 0, offset) + 1
    if data[ls:offset].strip(b" \t"):
        return offset
    end = data.find(b"\n", ls)
    line = data[ls : len(data) if end == -1 else end]
    stripped = line.lstrip(b" \t")
    return ls + len(line) - len(stripped) if stripped.strip() else offset


def enclosing_definition(doc: Document, start_byte: int, end_byte: int) -> Node | None:
    if doc.tree is None:
        return None
    if end_byte <= start_byte:
        start_byte = end_byte = _snap(doc, start_byte)
    node = doc.tree.root_node.descendant_for_byte_range(start_byte, max(start_byte, end_byte))
    best = None
    while node is not None:
        if node.type in _DEFINITIONS:
            best = node
            if (
                node.type != "decorated_definition"
                and node.parent is not None
                and node.parent.type == "decorated_definition"
            ):
                best = node.parent
            break
        node = node.parent
    return best


def target_span(
    doc: Document, start_byte: int, end_byte: int, around: int = 15, prefer_definition: bool = False
) -> tuple[int, int]:
    """Byte span of the target: the selection's whole lines, else the enclosing definition,
    else ``around`` lines either side. ``prefer_definition`` (fixes: a diagnostic's range is
    small) takes the enclosing definition first when it is not huge."""
    data = doc.source
    if prefer_definition:
        node = enclosing_definition(doc, start_byte, end_byte)
        if node is not None and node.end_point[0] - node.start_point[0] <= _MAX_TARGET_LINES:
            return data.rfind(b"\n", 0, node.start_byte) + 1, node.end_byte
    if end_byte > start_byte:
        ls = data.rfind(b"\n", 0, start_byte) + 1
        le = data.find(b"\n", end_byte - 1 if data[end_byte - 1 : end_byte] == b"\n" else end_byte)
        return ls, len(data) if le == -1 else le
    node = enclosing_definition(doc, start_byte, end_byte)
    if node is not None:
        return data.rfind(b"\n", 0, node.start_byte) + 1, node.end_byte
    stmt = enclosing_statement(doc, start_byte)
    if stmt is not None:  # a module-level statement: that statement, not the lines around it
        return data.rfind(b"\n", 0, stmt.start_byte) + 1, stmt.end_byte
    line = data.count(b"\n", 0, start_byte)
    starts = doc.lines.starts
    first = starts[max(0, line - around)]
    last_line = min(len(starts) - 1, line + around)
    le = data.find(b"\n", starts[last_line])
    return first, len(data) if le == -1 else le


def imports(doc: Document) -> str:
    if doc.tree is None:
        return ""
    return "\n".join(
        n.text.decode("utf-8", "replace")
        for n in doc.tree.root_node.named_children
        if n.type in _IMPORTS and n.text
    )


# -- definitions of used names ---------------------------------------------------------
# Same-file definitions come from the tree (free); imported names are resolved by jedi at
# their import statement, cached per (file, import, name) so the next request of the same
# file pays nothing, and bounded by a time budget so a slow inference never stalls a command.
_IMPORT_CACHE: dict[tuple[str, str, str], tuple[str, int, int, str] | None] = {}
_IMPORT_CACHE_MAX = 4096
_JEDI_BUDGET_S = 0.25


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def _def_name(node: Node) -> tuple[str, Node] | None:
    inner = node.child_by_field_name("definition") if node.type == "decorated_definition" else node
    if inner is None or inner.type not in ("function_definition", "class_definition"):
        return None
    return _text(inner.child_by_field_name("name")), inner


def _local_definitions(doc: Document, span: tuple[int, int]) -> tuple[dict[str, Node], dict[str, Node]]:
    """Top-level definitions of the file, and the methods of the class enclosing ``span``."""
    top: dict[str, Node] = {}
    methods: dict[str, Node] = {}
    assert doc.tree is not None
    for child in doc.tree.root_node.named_children:
        found = _def_name(child)
        if found is None:
            continue
        name, inner = found
        top.setdefault(name, child)
        if inner.type == "class_definition" and child.start_byte <= span[0] < child.end_byte:
            body = inner.child_by_field_name("body")
            for member in body.named_children if body is not None else []:
                m = _def_name(member)
                if m is not None:
                    methods.setdefault(m[0], member)
    return top, methods


def _imported_names(doc: Document) -> dict[str, tuple[Node, Node]]:
    """name bound by a top-level import -> (import statement, the identifier node naming it)."""
    out: dict[str, tuple[Node, Node]] = {}
    assert doc.tree is not None
    for stmt in doc.tree.root_node.named_children:
        if stmt.type not in ("import_statement", "import_from_statement"):
            continue
        for child in stmt.named_children:
            if stmt.type == "import_from_statement" and child == stmt.child_by_field_name("module_name"):
                continue
            if child.type == "aliased_import":
                alias = child.child_by_field_name("alias")
                target = child.child_by_field_name("name")
                ident = target.named_children[-1] if target is not None and target.named_children else target
                if alias is not None and ident is not None:
                    out[_text(alias)] = (stmt, ident)
            elif child.type == "dotted_name" and child.named_children:
                first = (
                    child.named_children[0] if stmt.type == "import_statement" else child.named_children[-1]
                )
                out[_text(first)] = (stmt, first)
    return out


def _uses(node: Node, span: tuple[int, int]) -> list[tuple[str, bool]]:
    """(name, via_self) of the names the code in ``span`` uses, in order of first use."""
    seen: set[tuple[str, bool]] = set()
    out: list[tuple[str, bool]] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.end_byte <= span[0] or n.start_byte >= span[1]:
            continue  # outside the target: not walked (the enclosing class can be huge)
        key: tuple[str, bool] | None = None
        if n.type == "attribute":
            obj = n.child_by_field_name("object")
            if obj is not None and obj.type == "identifier" and _text(obj) == "self":
                key = (_text(n.child_by_field_name("attribute")), True)
        elif n.type == "identifier" and span[0] <= n.start_byte < span[1]:
            key = (_text(n), False)
        if key is not None and key[0] and key not in seen:
            seen.add(key)
            out.append(key)
        stack.extend(reversed(n.children))
    return out


def definitions(
    doc: Document, span: tuple[int, int], root: Path | None, limit: int = _MAX_NAMES
) -> list[Section]:
    """Source of the definitions the code in ``span`` refers to: same-file functions, classes
    and sibling methods, and imported workspace code (never stdlib / site-packages)."""
    if doc.tree is None or doc.language_id != "python":
        return []
    node = doc.tree.root_node.descendant_for_byte_range(span[0], max(span[0], span[1] - 1))
    while node is not None and not (node.start_byte <= span[0] and node.end_byte >= span[1]):
        node = node.parent
    if node is None:
        return []
    top, methods = _local_definitions(doc, span)
    imported = _imported_names(doc)
    path = _doc_path(doc)
    rel_self = _rel(path, root) if path else doc.uri
    out: list[Section] = []
    resolver = _ImportResolver(doc, path, root)
    for name, via_self in _uses(node, span):
        if len(out) >= limit:
            break
        local = methods.get(name) if via_self else top.get(name)
        if local is not None:
            if span[0] <= local.start_byte < span[1] or local.start_byte <= span[0] < local.end_byte:
                continue  # the target itself, or a definition enclosing it
            line = local.start_point[0] + 1
            out.append(
                Section(
                    f"definition of {name} ({rel_self}:{line})",
                    _snippet(_text(local).split("\n")),
                    2,
                    rel_self,
                    line,
                )
            )
        elif not via_self and name in imported:
            found = resolver.resolve(name, *imported[name])
            if found is not None:
                module_path, start, end, _kind = found
                lines = _read_lines(module_path)
                if lines:
                    rel = _rel(Path(module_path), root)
                    out.append(
                        Section(
                            f"definition of {name} ({rel}:{start})",
                            _snippet(lines[start - 1 : end]),
                            2,
                            rel,
                            start,
                        )
                    )
    return out


def _snippet(lines: list[str]) -> str:
    if len(lines) > _MAX_DEF_LINES:
        return "\n".join([*lines[:_MAX_DEF_LINES], "    ..."])
    return "\n".join(lines)


_FILE_CACHE: dict[str, tuple[float, list[str]]] = {}


def _read_lines(path: str) -> list[str]:
    from aurelis.workspace.containment import read_regular

    try:
        mtime = Path(path).stat().st_mtime
        cached = _FILE_CACHE.get(path)
        if cached is None or cached[0] != mtime:
            data, _reason = read_regular(Path(path), 4 << 20)  # never blocks on a FIFO
            if data is None:
                return []
            cached = (mtime, data.decode("utf-8", errors="replace").split("\n"))
            if len(_FILE_CACHE) > 256:
                _FILE_CACHE.clear()
            _FILE_CACHE[path] = cached
        return cached[1]
    except OSError:
        return []


class _ImportResolver:
    """jedi goto at an import's name, memoised across requests, within a time budget."""

    def __init__(self, doc: Document, path: Path | None, root: Path | None) -> None:
        self.doc, self.path, self.root = doc, path, root
        self._script: Any = None  # a jedi.Script, made on first use
        self._deadline = time.monotonic() + _JEDI_BUDGET_S

    def resolve(self, name: str, stmt: Node, ident: Node) -> tuple[str, int, int, str] | None:
        key = (str(self.path or self.doc.uri), _text(stmt), name)
        if key in _IMPORT_CACHE:
            return _IMPORT_CACHE[key]
        if time.monotonic() > self._deadline:
            return None  # out of budget: not cached, a later request may resolve it
        found = self._goto(ident)
        if len(_IMPORT_CACHE) >= _IMPORT_CACHE_MAX:
            _IMPORT_CACHE.clear()
        _IMPORT_CACHE[key] = found
        return found

    def _goto(self, ident: Node) -> tuple[str, int, int, str] | None:
        try:
            import jedi
        except ImportError:
            return None
        with _JEDI_LOCK:
            try:
                if self._script is None:
                    project = jedi.Project(str(self.root)) if self.root else None
                    self._script = jedi.Script(
                        self.doc.text,
                        path=str(self.path) if self.path else None,
                        project=project,
                        environment=jedi.InterpreterEnvironment(),
                    )
                row, col_bytes = ident.start_point  # jedi's own edge: it counts columns in characters
                col = len(self.doc.lines.line_bytes(row)[:col_bytes].decode("utf-8", "replace"))
                names = self._script.goto(row + 1, col, follow_imports=True)
            except Exception as exc:  # jedi must never take a command down
                log.debug("jedi goto failed: %s", exc)
                return None
        for d in names[:1]:
            if d.type not in ("function", "class", "statement", "instance") or d.module_path is None:
                return None
            if self.root is None or not _inside(Path(d.module_path), self.root):
                return None  # stdlib / site-packages: the model knows those
            start, end = d.get_definition_start_position(), d.get_definition_end_position()
            if start is None or end is None:
                return None
            return str(d.module_path), start[0], end[0], d.type
        return None


def _doc_path(doc: Document) -> Path | None:
    from aurelis.workspace.uris import to_path

    return to_path(doc.uri)


def _inside(path: Path, root: Path) -> bool:
    from aurelis.workspace.containment import resolve_inside

    if resolve_inside(path, [root])[0] is None:  # links out, loops, missing: not context
        return False
    parts = path.parts
    return not any(p in ("site-packages", ".venv", "venv", "node_modules") for p in parts)


def _rel(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


# -- workspace summary ------------------------------------------------------------------
def workspace_summary(root: Path | None, max_chars: int = 2000) -> str:
    if root is None:
        return ""
    from aurelis.workspace.containment import read_inside

    parts: list[str] = []
    # read_inside: a README that is a link out of the folder (or a FIFO) is not read
    data, _ = read_inside(root / "pyproject.toml", [root], 1 << 20)
    if data is not None:
        try:
            project = tomllib.loads(data.decode("utf-8")).get("project", {})
            keys = ("name", "version", "description", "requires-python", "dependencies")
            parts.append("\n".join(f"{k}: {project[k]}" for k in keys if k in project))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            pass
    for name in ("README.md", "README.rst", "README.txt", "README"):
        if not (root / name).exists():
            continue
        data, _ = read_inside(root / name, [root], 1 << 20)
        if data is not None:
            parts.append(data.decode("utf-8", errors="replace")[:max_chars])
        break
    return "\n\n".join(p for p in parts if p)


# -- the builder ------------------------------------------------------------------------
def build(
    doc: Document,
    start_byte: int,
    end_byte: int,
    *,
    budget: int,
    estimate: Estimate | None = None,
    root: Path | None = None,
    retriever: Retriever | None = None,
    related_k: int = 5,
    summary: bool = False,
    query: str | None = None,
    with_target: bool = True,
    prefer_definition: bool = False,
) -> Context:
    """Context for the code at ``start_byte..end_byte`` of ``doc`` (a private snapshot)."""
    ctx = Context()
    candidates: list[Section] = []
    span = (0, 0)
    if with_target:
        span = target_span(doc, start_byte, end_byte, prefer_definition=prefer_definition)
        target = doc.source[span[0] : span[1]].decode("utf-8", "replace")
        ctx.target = redact(target)
        ctx.target_start, ctx.target_end = span
        ctx.target_line = doc.source.count(b"\n", 0, span[0]) + 1
        if imp := imports(doc):
            candidates.append(Section("imports of this file", imp, 1))
        candidates.extend(definitions(doc, span, root))
    if summary and (text := workspace_summary(root)):
        candidates.append(Section("workspace (README, pyproject)", text, 1))
    if retriever is not None and related_k > 0:
        try:
            own_path = _doc_path(doc)
            own_rel = _rel(own_path, root) if own_path else None
            anchor = None
            if with_target and own_rel is not None:
                anchor = (own_rel, ctx.target_line, ctx.target_line + ctx.target.count("\n"))
            hits = retriever(query or ctx.target, related_k + 3, anchor=anchor)
        except Exception as exc:  # an index problem degrades the answer, never fails it
            log.warning("index search for AI context failed: %s", exc)
            hits = []
        own_path = _doc_path(doc)
        own = _rel(own_path, root) if own_path else None
        first, last = ctx.target_line, ctx.target_line + ctx.target.count("\n")
        added = 0
        for hit in hits:
            if added >= related_k:
                break
            if (
                with_target
                and own is not None
                and hit.path == own
                and hit.start_line <= last
                and hit.end_line >= first
            ):
                continue  # the target itself (fetched a few extra hits to make up for it)
            added += 1
            candidates.append(
                Section(
                    f"related: {hit.path}:{hit.start_line}-{hit.end_line}",
                    hit.text,
                    3,
                    hit.path,
                    hit.start_line,
                    hit.tokens,
                )
            )
    _pack(ctx, candidates, budget, estimate or Estimate())
    return ctx


def _pack(ctx: Context, candidates: list[Section], budget: int, estimate: Estimate) -> None:
    used = estimate.count(ctx.target)
    if used > budget:  # the target alone is too big: keep its head
        ctx.target = estimate.head(ctx.target, budget) + "\n# ... (truncated)"
        used = estimate.count(ctx.target)
    ordered = sorted(enumerate(candidates), key=lambda ic: (ic[1].priority, ic[0]))
    for _, section in ordered:
        text = redact(section.text)
        counted = section.tokens if section.tokens is not None else estimate.count(text)
        cost = counted + estimate.count(section.title) + 2
        if used + cost > budget:
            ctx.dropped += 1
            continue
        used += cost
        ctx.sections.append(
            Section(section.title, text, section.priority, section.path, section.line, section.tokens)
        )
    ctx.tokens = used
