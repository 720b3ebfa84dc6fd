"""Code actions for rule findings: a quick fix per fixable finding, "Ignore AURxxx on
this line", and `source.fixAll.aurelis`.

Fix edits are verified (the fixed text parses and the rule fires less) before they
are handed out; when the client resolves code actions lazily the verification
runs in `codeAction/resolve`. Every edit is a TextDocumentEdit for the document
version it was computed for, so a stale edit is refused by the client.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified

from aurelis.analysis.crossfile.scheduler import CrossFileScheduler
from aurelis.analysis.engine import Report
from aurelis.analysis.fixes import bindings, fix_all, verified_fix
from aurelis.analysis.rule import Finding
from aurelis.lsp import convert
from aurelis.lsp.code_actions import Provider
from aurelis.lsp.handlers.diagnostics import RuleDiagnostics, to_diagnostic
from aurelis.lsp.rule_edits import ignore_edit, minimal_edit, workspace_edit

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext
    from aurelis.workspace.document import Document

NAME = "aurelis.rules"
FIX_ALL = "source.fixAll.aurelis"


def _byte_span(doc: Document, rng: types.Range) -> tuple[int, int]:
    return doc.offset_at(convert.pos(rng.start)), doc.offset_at(convert.pos(rng.end))


def _lazy(ctx: ServerContext) -> bool:
    support = getattr(
        getattr(getattr(ctx.ls.client_capabilities, "text_document", None), "code_action", None),
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


def _key(d: types.Diagnostic) -> tuple:
    r = d.range
    return (str(d.code), r.start.line, r.start.character, r.end.line, r.end.character)


def _context_keys(params: types.CodeActionParams) -> set[tuple]:
    """Our diagnostics the client names in ``context.diagnostics``: their actions are offered
    wherever the request's range is (Neovim asks with the cursor position and the diagnostics
    of the cursor's line, so a cursor elsewhere on the flagged line must still get the fix)."""
    return {_key(d) for d in params.context.diagnostics or [] if (d.source or "").lower() == "aurelis"}


def provide(
    ctx: ServerContext,
    svc: RuleDiagnostics,
    cross: CrossFileScheduler,
    doc: Document,
    params: types.CodeActionParams,
) -> list[types.CodeAction]:
    snap, report = svc.current(doc)
    if snap.version != doc.version:
        return []
    lazy = _lazy(ctx)
    lo, hi = _byte_span(snap, params.range)
    asked = _context_keys(params)
    settings = ctx.engine.settings_for(doc.uri).analysis
    actions: list[types.CodeAction] = []
    for f in report.findings:
        overlaps = f.start <= hi and lo <= f.end
        if not overlaps and not asked:
            continue
        diag = to_diagnostic(snap, report, f)
        if not overlaps and _key(diag) not in asked:
            continue
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
                fix = verified_fix(snap, f, report, settings, _protected(cross, snap))
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
        elif (fix_all_edit := _fix_all_edit(ctx, cross, snap)) is not None:
            action.edit = fix_all_edit
            actions.append(action)
    return actions


def _protected(cross: CrossFileScheduler, snap: Document) -> frozenset[str]:
    """Names a fix must keep bound: what other modules import from this file, or, while its
    folder has not been read yet, every module-level name (unknown is not "nobody")."""
    if cross.exports_known(snap.uri):
        return cross.exports(snap.uri)
    return frozenset(bindings(snap.source) or ())


def _fix_all_edit(
    ctx: ServerContext, cross: CrossFileScheduler, snap: Document
) -> types.WorkspaceEdit | None:
    engine = ctx.engine
    folder = engine.folder_for(snap.uri)
    result = fix_all(
        snap,
        engine.settings_for(snap.uri).analysis,
        root=folder.path if folder else None,
        protected=_protected(cross, snap),
    )
    if result.applied == 0 or result.source == snap.source:
        return None
    return workspace_edit(snap, [minimal_edit(snap.source, result.source)])


def resolve(
    ctx: ServerContext, svc: RuleDiagnostics, cross: CrossFileScheduler, action: types.CodeAction
) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    doc = ctx.engine.documents.find(data.get("uri", ""))
    if doc is None or doc.version != data.get("version"):
        raise JsonRpcContentModified(message="the document changed since this action was offered")
    snap, report = svc.current(doc)
    if data.get("action") == "fixAll":
        action.edit = _fix_all_edit(ctx, cross, snap)
        return action
    finding = _find(report, data)
    settings = ctx.engine.settings_for(doc.uri).analysis
    fix = verified_fix(snap, finding, report, settings, _protected(cross, snap)) if finding else None
    if fix is None:
        raise JsonRpcContentModified(message=f"{data.get('code')}: the fix no longer applies")
    action.edit = workspace_edit(snap, list(fix.edits))
    return action


def register(ctx: ServerContext, rules: RuleDiagnostics, cross: CrossFileScheduler) -> None:
    ctx.code_actions.add(
        Provider(
            NAME,
            functools.partial(provide, ctx, rules, cross),
            functools.partial(resolve, ctx, rules, cross),
            kinds=(types.CodeActionKind.QuickFix, FIX_ALL),
        )
    )
