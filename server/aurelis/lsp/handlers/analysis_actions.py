"""Code actions for rule findings: a quick fix per fixable finding, "Ignore AURxxx on
this line", and `source.fixAll.aurelis`.

Fix edits are verified (the fixed text parses and the rule fires less) before they
are handed out; when the client resolves code actions lazily the verification
runs in `codeAction/resolve`. Every edit is a TextDocumentEdit for the document
version it was computed for, so a stale edit is refused by the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified

from aurelis.analysis.engine import Report, line_of
from aurelis.analysis.fixes import fix_all, verified_fix
from aurelis.analysis.rule import Edit, Finding
from aurelis.analysis.suppressions import ignore_comment
from aurelis.lsp import convert
from aurelis.lsp.code_actions import Provider
from aurelis.lsp.handlers.crossfile import exports_of
from aurelis.lsp.handlers.diagnostics import service, to_diagnostic

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer
    from aurelis.workspace.document import Document

NAME = "aurelis.rules"
FIX_ALL = "source.fixAll.aurelis"
_STRINGISH = {"string", "string_content", "concatenated_string"}


def workspace_edit(doc: Document, edits: list[Edit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                edits=[
                    types.TextEdit(range=convert.byte_range(doc, e.start, e.end), new_text=e.text)
                    for e in sorted(edits, key=lambda e: e.start)
                ],
            )
        ]
    )


def minimal_edit(old: bytes, new: bytes) -> Edit:
    """One edit turning ``old`` into ``new``: the differing middle, on character boundaries."""
    n = min(len(old), len(new))
    p = 0
    while p < n and old[p] == new[p]:
        p += 1
    while p > 0 and (old[p : p + 1] and old[p] & 0xC0 == 0x80):
        p -= 1
    s = 0
    while s < n - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    while s > 0 and old[len(old) - s] & 0xC0 == 0x80:
        s -= 1
    return Edit(p, len(old) - s, new[p : len(new) - s].decode("utf-8", "surrogatepass"))


def ignore_edit(doc: Document, finding: Finding) -> Edit | None:
    """Append (or extend) `# aurelis: ignore[CODE]` on the finding's first line."""
    line = line_of(doc, finding.start)
    end = doc.lines.line_content_end(line)
    if doc.source[doc.lines.starts[line] : end].rstrip().endswith(b"\\"):
        return None  # a line continuation: a comment there would break the statement
    comment = None
    if doc.tree is not None:
        node = doc.tree.root_node.descendant_for_byte_range(max(end - 1, 0), end)
        while node is not None:
            if node.type == "comment" and node.start_point[0] == line:
                comment = node
                break
            if node.type in _STRINGISH and node.start_byte < end < node.end_byte:
                return None  # the line ends inside a multi-line string
            node = node.parent
    if comment is not None:
        existing = doc.source[comment.start_byte : comment.end_byte].decode("utf-8", "replace")
        return Edit(comment.start_byte, comment.end_byte, ignore_comment(existing, finding.code))
    return Edit(end, end, "  " + ignore_comment(None, finding.code))


def _byte_span(doc: Document, rng: types.Range) -> tuple[int, int]:
    return doc.offset_at(convert.pos(rng.start)), doc.offset_at(convert.pos(rng.end))


def _lazy(server: AurelisServer) -> bool:
    support = getattr(
        getattr(getattr(server.client_capabilities, "text_document", None), "code_action", None),
        "resolve_support",
        None,
    )
    return bool(support and "edit" in (support.properties or []))


def _find(report: Report, data: dict[str, Any]) -> Finding | None:
    return next(
        (
            f
            for f in report.findings
            if f.code == data.get("code") and f.start == data.get("start") and f.end == data.get("end")
        ),
        None,
    )


def provide(server: AurelisServer, doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    svc = service(server)
    snap, report = svc.current(doc)
    if snap.version != doc.version:
        return []
    lazy = _lazy(server)
    lo, hi = _byte_span(snap, params.range)
    settings = server.engine.settings_for(doc.uri).analysis
    actions: list[types.CodeAction] = []
    for f in report.findings:
        if not (f.start <= hi and lo <= f.end):
            continue
        diag = to_diagnostic(snap, report, f)
        base = {
            "provider": NAME,
            "uri": doc.uri,
            "version": doc.version,
            "code": f.code,
            "start": f.start,
            "end": f.end,
        }
        if f.fix is not None:
            action = types.CodeAction(
                title=f"{f.fix.title} ({f.code})",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diag],
                is_preferred=True,
                data={**base, "action": "fix"},
            )
            if not lazy:
                fix = verified_fix(snap, f, report, settings, exports_of(server, doc.uri))
                if fix is None:
                    continue
                action.edit = workspace_edit(snap, list(fix.edits))
            actions.append(action)
        if (edit := ignore_edit(snap, f)) is not None:
            actions.append(
                types.CodeAction(
                    title=f"Ignore {f.code} on this line",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    edit=workspace_edit(snap, [edit]),
                )
            )
    if any(f.fix is not None and f.fix.safe for f in report.findings):
        action = types.CodeAction(
            title="Fix all auto-fixable Aurelis problems",
            kind=FIX_ALL,
            data={"provider": NAME, "uri": doc.uri, "version": doc.version, "action": "fixAll"},
        )
        if lazy:
            actions.append(action)
        elif (edit := _fix_all_edit(server, snap)) is not None:
            action.edit = edit
            actions.append(action)
    return actions


def _fix_all_edit(server: AurelisServer, snap: Document) -> types.WorkspaceEdit | None:
    engine = server.engine
    folder = engine.folder_for(snap.uri)
    result = fix_all(
        snap,
        engine.settings_for(snap.uri).analysis,
        root=folder.path if folder else None,
        protected=exports_of(server, snap.uri),
    )
    if result.applied == 0 or result.source == snap.source:
        return None
    return workspace_edit(snap, [minimal_edit(snap.source, result.source)])


def resolve(server: AurelisServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    doc = server.engine.documents.find(data.get("uri", ""))
    if doc is None or doc.version != data.get("version"):
        raise JsonRpcContentModified(message="the document changed since this action was offered")
    snap, report = service(server).current(doc)
    if data.get("action") == "fixAll":
        action.edit = _fix_all_edit(server, snap)
        return action
    finding = _find(report, data)
    settings = server.engine.settings_for(doc.uri).analysis
    fix = verified_fix(snap, finding, report, settings, exports_of(server, doc.uri)) if finding else None
    if fix is None:
        raise JsonRpcContentModified(message=f"{data.get('code')}: the fix no longer applies")
    action.edit = workspace_edit(snap, list(fix.edits))
    return action


def register(server: AurelisServer) -> None:
    server.code_actions.add(Provider(NAME, provide, resolve, kinds=(types.CodeActionKind.QuickFix, FIX_ALL)))
