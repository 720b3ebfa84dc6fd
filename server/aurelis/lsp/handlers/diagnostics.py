"""Rule diagnostics: pushed after every didOpen/didChange, or pulled by the client.

Push: right after the incremental reparse the document is snapshotted and the
rules run: on a worker thread the first time (a cold run can take hundreds of ms),
on the event loop once its units are cached (a warm run re-checks only the edited
units, a few ms, less than two thread hand-offs cost on a loaded machine). There is no fixed debounce; changes that arrive
while a run is in flight mark the document dirty and the next run takes the
newest text, so queued edits coalesce and stale results are never published.
Pull (`textDocument/diagnostic`, `workspace/diagnostic`) is used when the
client advertises it; then nothing is pushed (see DiagnosticsHub.pull).
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from aurelis.analysis.engine import Report, analyze
from aurelis.analysis.rule import Finding, Severity, Tag
from aurelis.lsp import convert

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext
    from aurelis.workspace.document import Document

log = logging.getLogger(__name__)
PRODUCER = "rules"
WARM_INLINE_BYTES = 512 * 1024  # warm runs of documents up to this size stay on the loop

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}
_TAGS = {Tag.UNNECESSARY: types.DiagnosticTag.Unnecessary, Tag.DEPRECATED: types.DiagnosticTag.Deprecated}


def snapshot(doc: Document) -> Document:
    """A frozen copy to analyse off the event loop: bytes and line table are never
    mutated in place (edits replace them); the tree is, so it is copied."""
    snap = copy.copy(doc)
    if doc.tree is not None:
        snap.tree = doc.tree.copy()
    return snap


def to_diagnostic(doc: Document, report: Report, f: Finding) -> types.Diagnostic:
    rule = report.rule_of(f)
    related = None
    if f.related:
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(
                    uri=r.uri,
                    range=types.Range(
                        types.Position(r.start_line, r.start_col), types.Position(r.end_line, r.end_col)
                    ),
                ),
                message=r.message,
            )
            for r in f.related
        ]
    return types.Diagnostic(
        range=convert.byte_range(doc, f.start, f.end),
        message=f.message,
        severity=_SEVERITY[f.severity or rule.severity],
        code=f.code,
        code_description=types.CodeDescription(href=rule.docs_url()),
        source="aurelis",
        tags=[_TAGS[t] for t in sorted(f.tags, key=lambda t: t.value)] or None,
        related_information=related,
        data={"rule": rule.name, "category": rule.category.value, "fixable": f.fix is not None, **f.data},
    )


class RuleDiagnostics:
    def __init__(self, ctx: ServerContext, exports: Callable[[str], frozenset[str]]) -> None:
        self.ctx = ctx
        self.exports = exports  # module-level names other modules import from a file (cross-file pass)
        self.reports: dict[str, tuple[Document, Report]] = {}  # uri -> (analysed snapshot, report)
        self.used_exports: dict[str, frozenset[str]] = {}  # uri -> the exports its report was computed with
        self._dirty: set[str] = set()
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def pull(self) -> bool:
        """The client pulls diagnostics (known from its capabilities once initialized)."""
        pull = self.ctx.client_supports("text_document.diagnostic")
        self.ctx.diagnostics.pull = pull
        return pull

    # -- running -----------------------------------------------------------------
    def analyze(self, snap: Document) -> Report:
        engine = self.ctx.engine
        settings = engine.settings_for(snap.uri).analysis
        folder = engine.folder_for(snap.uri)
        if not settings.enabled or snap.oversized:  # size policy: no rules on a huge document
            return Report(snap.uri, snap.version)
        exports = self.exports(snap.uri)
        report = analyze(snap, settings, root=folder.path if folder else None, exports=exports)
        self.reports[snap.uri] = (snap, report)
        self.used_exports[snap.uri] = exports
        return report

    def exports_changed(self) -> None:
        """After a cross-file pass: a document whose exports changed (another module started or
        stopped importing one of its names) is checked again, so AUR401 stops (or starts)
        reporting a re-export without waiting for an edit of that document."""
        stale = [
            doc
            for doc in self.ctx.engine.documents
            if doc.uri in self.used_exports and self.exports(doc.uri) != self.used_exports[doc.uri]
        ]
        for doc in stale:
            self.reports.pop(doc.uri, None)
            self.used_exports.pop(doc.uri, None)
            self.schedule(doc)
        if stale and self.pull and self.ctx.client_supports("workspace.diagnostics.refresh_support"):
            self.ctx.ls.workspace_diagnostic_refresh(None)

    def current(self, doc: Document) -> tuple[Document, Report]:
        """The report for ``doc``'s current version (computed now if the cached one is older)."""
        cached = self.reports.get(doc.uri)
        if cached is not None and cached[0].version == doc.version and cached[0].source == doc.source:
            return cached
        snap = snapshot(doc)
        return snap, self.analyze(snap)

    def diagnostics(self, snap: Document, report: Report) -> list[types.Diagnostic]:
        return [to_diagnostic(snap, report, f) for f in report.findings]

    # -- push --------------------------------------------------------------------
    def schedule(self, doc: Document) -> None:
        if self.pull:
            return
        self._dirty.add(doc.uri)
        if doc.uri not in self._tasks:
            self._tasks[doc.uri] = asyncio.ensure_future(self._run(doc.uri))

    def _warm(self, uri: str, snap: Document) -> bool:
        """Run on the loop: the document was analysed before (its units are cached, so a run
        re-checks only the edited ones, a few ms) and is not large. Two thread hand-offs
        cost more than that on a loaded machine; a cold run still goes to a worker."""
        return uri in self.reports and len(snap.source) <= WARM_INLINE_BYTES

    async def _run(self, uri: str) -> None:
        loop = asyncio.get_running_loop()
        gate = self.ctx.engine.foreground  # background work waits while this run is in flight
        gate.enter()
        try:
            while uri in self._dirty:
                await asyncio.sleep(0)  # let already-received didChange notifications apply first
                self._dirty.discard(uri)
                doc = self.ctx.engine.documents.find(uri)
                if doc is None:
                    return
                snap = snapshot(doc)
                try:
                    if self._warm(uri, snap):
                        report = self.analyze(snap)
                    else:
                        report = await loop.run_in_executor(self.ctx.thread_pool, self.analyze, snap)
                except Exception:
                    log.exception("analysis of %s failed", uri)
                    return
                if uri in self._dirty or (doc := self.ctx.engine.documents.find(uri)) is None:
                    continue  # newer text arrived: its run publishes
                if doc.version != snap.version:
                    continue
                self.ctx.diagnostics.set(uri, PRODUCER, self.diagnostics(snap, report), version=snap.version)
        finally:
            self._tasks.pop(uri, None)
            gate.leave()

    def closed(self, uri: str) -> None:
        self._dirty.discard(uri)
        self.reports.pop(uri, None)
        self.used_exports.pop(uri, None)
        self.ctx.diagnostics.clear(uri, PRODUCER)

    def rerun_all(self) -> None:
        for doc in self.ctx.engine.documents:
            self.reports.pop(doc.uri, None)
            if self.pull:
                continue
            self.schedule(doc)
        if self.pull and self.ctx.client_supports("workspace.diagnostics.refresh_support"):
            self.ctx.ls.workspace_diagnostic_refresh(None)

    # -- pull --------------------------------------------------------------------
    async def pull_document(self, uri: str) -> list[types.Diagnostic]:
        doc = self.ctx.engine.documents.find(uri)
        if doc is not None:
            with self.ctx.engine.foreground.busy():
                snap, report = await asyncio.get_running_loop().run_in_executor(
                    self.ctx.thread_pool, self.current, doc
                )
            self.ctx.diagnostics.set(uri, PRODUCER, self.diagnostics(snap, report), publish=False)
        return self.ctx.diagnostics.get(uri)


def register(ctx: ServerContext, exports: Callable[[str], frozenset[str]]) -> RuleDiagnostics:
    svc = RuleDiagnostics(ctx, exports)

    @ctx.events.initialized.subscribe
    def _initialized() -> None:
        svc.rerun_all()  # the client's settings have arrived: documents opened early run again

    ctx.events.opened.subscribe(svc.schedule)
    ctx.events.changed.subscribe(svc.schedule)
    ctx.events.closed.subscribe(svc.closed)
    ctx.events.settings_changed.subscribe(svc.rerun_all)
    ctx.events.crossfile_pass_done.subscribe(svc.exports_changed)

    @ctx.ls.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="aurelis", inter_file_dependencies=True, workspace_diagnostics=True
        ),
    )
    async def document_diagnostic(
        params: types.DocumentDiagnosticParams,
    ) -> types.RelatedFullDocumentDiagnosticReport:
        items = await svc.pull_document(params.text_document.uri)
        return types.RelatedFullDocumentDiagnosticReport(items=items)

    @ctx.ls.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(
        params: types.WorkspaceDiagnosticParams,
    ) -> types.WorkspaceDiagnosticReport:
        items: list[Any] = []
        open_uris = {d.uri: d.version for d in ctx.engine.documents}
        for uri in sorted(set(open_uris) | set(ctx.diagnostics.uris())):
            diags = await svc.pull_document(uri)
            items.append(
                types.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=diags, version=open_uris.get(uri))
            )
        return types.WorkspaceDiagnosticReport(items=items)

    return svc
