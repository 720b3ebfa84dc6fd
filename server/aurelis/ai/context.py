"""The context sent with an AI request, most relevant first, within a token budget.

1. the target: the selection (whole lines) or the enclosing function/class;
2. the file's imports;
3. the definitions of the names the target uses (jedi), workspace code only;
4. the top-k related chunks of the index (hybrid search), when an index is there;
5. for workspace questions, README and pyproject metadata.

Every piece is redacted with the shared secret detector before it is returned:
nothing here may carry a secret to a provider.
"""

from __future__ import annotations

import logging
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node

from aurelis.analysis.secrets import redact
from aurelis.workspace.document import Document

log = logging.getLogger(__name__)

_DEFINITIONS = {
    "function_definition", "class_definition", "decorated_definition",  # python
    "function_declaration", "method_definition", "class_declaration",  # js/ts
    "method_declaration", "function_item", "impl_item",  # go/rust
}
_IMPORTS = {"import_statement", "import_from_statement", "future_import_statement"}
_MAX_NAMES = 12
_MAX_DEF_LINES = 40
_MAX_TARGET_LINES = 150
_JEDI_LOCK = threading.Lock()  # jedi keeps global caches; one inference at a time


def estimate_tokens(text: str) -> int:
    """~4 characters per token: close enough for budgeting code."""
    return (len(text) + 3) // 4


@dataclass(frozen=True)
class Related:
    """A chunk from the index search."""

    path: str  # workspace-relative or absolute path
    start_line: int  # 1-based, inclusive
    end_line: int
    text: str
    score: float = 0.0


Retriever = Callable[[str, int], list[Related]]


@dataclass(frozen=True)
class Section:
    title: str
    text: str
    priority: int  # lower = more relevant
    path: str | None = None
    line: int | None = None  # 1-based start line, for citations


@dataclass
class Context:
    target: str = ""
    target_start: int = 0  # character offset of the target in the document
    target_end: int = 0
    target_line: int = 1  # 1-based first line of the target
    sections: list[Section] = field(default_factory=list)
    dropped: int = 0  # sections that did not fit the budget

    def render(self) -> str:
        return "\n\n".join(f"### {s.title}\n{s.text}" for s in self.sections)

    def numbered_target(self) -> str:
        return "\n".join(f"{self.target_line + i}| {line}" for i, line in enumerate(self.target.split("\n")))

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.target) + sum(estimate_tokens(s.text) for s in self.sections)


def char_offset(doc: Document, byte_offset: int) -> int:
    return len(doc.source[:byte_offset].decode("utf-8", "surrogatepass"))


# -- the target ------------------------------------------------------------------------
def enclosing_definition(doc: Document, start_byte: int, end_byte: int) -> Node | None:
    if doc.tree is None:
        return None
    node = doc.tree.root_node.descendant_for_byte_range(start_byte, max(start_byte, end_byte))
    best = None
    while node is not None:
        if node.type in _DEFINITIONS:
            best = node
            if node.type != "decorated_definition" and node.parent is not None and node.parent.type == "decorated_definition":
                best = node.parent
            break
        node = node.parent
    return best


def target_span(doc: Document, start_byte: int, end_byte: int, around: int = 15,
                prefer_definition: bool = False) -> tuple[int, int]:
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
        n.text.decode("utf-8", "replace") for n in doc.tree.root_node.named_children if n.type in _IMPORTS and n.text
    )


# -- definitions of used names (jedi) ---------------------------------------------------
def _identifiers(node: Node) -> list[Node]:
    out: list[Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "identifier":
            out.append(n)
        stack.extend(reversed(n.children))
    return out


def definitions(doc: Document, span: tuple[int, int], root: Path | None, limit: int = _MAX_NAMES) -> list[Section]:
    """Source of the workspace definitions the code in ``span`` refers to (not its own locals)."""
    if doc.tree is None or doc.language_id != "python":
        return []
    try:
        import jedi
    except ImportError:
        return []
    node = doc.tree.root_node.descendant_for_byte_range(span[0], span[1])
    while node is not None and not (node.start_byte <= span[0] and node.end_byte >= span[1]):
        node = node.parent
    if node is None:
        return []
    seen: set[str] = set()
    uses: list[Node] = []
    for ident in _identifiers(node):
        name = ident.text.decode("utf-8", "replace") if ident.text else ""
        if name and name not in seen and span[0] <= ident.start_byte < span[1]:
            seen.add(name)
            uses.append(ident)
    path = _doc_path(doc)
    out: list[Section] = []
    lines = doc.text.split("\n")
    cache: dict[str, list[str]] = {}
    with _JEDI_LOCK:
        try:
            project = jedi.Project(str(root)) if root else None
            script = jedi.Script(doc.text, path=str(path) if path else None, project=project,
                                 environment=jedi.InterpreterEnvironment())
        except Exception as exc:  # jedi must never take a command down
            log.debug("jedi unavailable: %s", exc)
            return []
        done: set[tuple[str, int]] = set()
        for ident in uses:
            if len(out) >= limit:
                break
            row, col_bytes = ident.start_point
            col = len(doc.lines.line_bytes(row)[:col_bytes].decode("utf-8", "replace")) if row < len(doc.lines.starts) else col_bytes
            try:
                names = script.goto(row + 1, col, follow_imports=True)
            except Exception:
                continue
            for d in names[:1]:
                section = _definition_section(d, doc, path, span, root, lines, cache, done)
                if section is not None:
                    out.append(section)
    return out


def _definition_section(d, doc: Document, path: Path | None, span, root: Path | None, lines: list[str],
                        cache: dict[str, list[str]], done: set[tuple[str, int]]) -> Section | None:
    if d.type not in ("function", "class", "statement", "instance") or d.module_path is None:
        return None
    start, end = d.get_definition_start_position(), d.get_definition_end_position()
    if start is None or end is None:
        return None
    same_file = path is not None and Path(d.module_path) == path
    if same_file:
        src = lines
        s_byte = doc.lines.starts[start[0] - 1] if start[0] - 1 < len(doc.lines.starts) else 0
        if span[0] <= s_byte < span[1]:
            return None  # defined inside the target itself
    else:
        if root is None or not _inside(Path(d.module_path), root):
            return None  # stdlib / site-packages: the model knows those
        key = str(d.module_path)
        if key not in cache:
            try:
                cache[key] = Path(key).read_text(encoding="utf-8", errors="replace").split("\n")
            except OSError:
                return None
        src = cache[key]
    ident = (str(d.module_path), start[0])
    if ident in done:
        return None
    done.add(ident)
    snippet = src[start[0] - 1 : min(end[0], start[0] - 1 + _MAX_DEF_LINES)]
    if end[0] - start[0] + 1 > _MAX_DEF_LINES:
        snippet.append("    ...")
    rel = _rel(Path(d.module_path), root)
    return Section(f"definition of {d.name} ({rel}:{start[0]})", "\n".join(snippet), 2, rel, start[0])


def _doc_path(doc: Document) -> Path | None:
    from aurelis.workspace.uris import to_path

    return to_path(doc.uri)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
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
    parts: list[str] = []
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
            keys = ("name", "version", "description", "requires-python", "dependencies")
            parts.append("\n".join(f"{k}: {project[k]}" for k in keys if k in project))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            pass
    for name in ("README.md", "README.rst", "README.txt", "README"):
        readme = root / name
        if readme.is_file():
            try:
                parts.append(readme.read_text(encoding="utf-8", errors="replace")[:max_chars])
            except OSError:
                pass
            break
    return "\n\n".join(p for p in parts if p)


# -- the builder ------------------------------------------------------------------------
def build(
    doc: Document,
    start_byte: int,
    end_byte: int,
    *,
    budget: int,
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
        ctx.target_start, ctx.target_end = char_offset(doc, span[0]), char_offset(doc, span[1])
        ctx.target_line = doc.source.count(b"\n", 0, span[0]) + 1
        if (imp := imports(doc)):
            candidates.append(Section("imports of this file", imp, 1))
        candidates.extend(definitions(doc, span, root))
    if summary and (text := workspace_summary(root)):
        candidates.append(Section("workspace (README, pyproject)", text, 1))
    if retriever is not None and related_k > 0:
        try:
            hits = retriever(query or ctx.target, related_k + 3)
        except Exception as exc:  # an index problem degrades the answer, never fails it
            log.warning("index search for AI context failed: %s", exc)
            hits = []
        own = _rel(_doc_path(doc), root) if _doc_path(doc) else None
        first, last = ctx.target_line, ctx.target_line + ctx.target.count("\n")
        for hit in hits[: related_k + 3]:
            if with_target and own is not None and hit.path == own and hit.start_line <= last and hit.end_line >= first:
                continue  # the target itself
            candidates.append(Section(f"related: {hit.path}:{hit.start_line}-{hit.end_line}", hit.text, 3,
                                      hit.path, hit.start_line))
    _pack(ctx, candidates, budget)
    return ctx


def _pack(ctx: Context, candidates: list[Section], budget: int) -> None:
    used = estimate_tokens(ctx.target)
    if used > budget:  # the target alone is too big: keep its head
        ctx.target = ctx.target[: budget * 4] + "\n# ... (truncated)"
        used = estimate_tokens(ctx.target)
    ordered = sorted(enumerate(candidates), key=lambda ic: (ic[1].priority, ic[0]))
    for _, section in ordered:
        text = redact(section.text)
        cost = estimate_tokens(text) + estimate_tokens(section.title) + 2
        if used + cost > budget:
            ctx.dropped += 1
            continue
        used += cost
        ctx.sections.append(Section(section.title, text, section.priority, section.path, section.line))
