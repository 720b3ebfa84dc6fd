"""Cross-file diagnostics (AUR410 duplicate code, AUR411 dead code) over LSP. The
scheduling (worker thread, coalescing, passes, the foreground gate) lives below the LSP
layer in ``analysis/crossfile/scheduler.py``; this module only translates: document and
workspace events into the scheduler's requests, its findings into diagnostics under the
producer "crossfile" (on the event loop, for the text they were computed for), and the
"Ignore AUR41x on this line" actions.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pydantic import BaseModel

from aurelis.analysis.crossfile.scheduler import CrossFileScheduler
from aurelis.analysis.crossfile.workspace import CrossFileWorkspace
from aurelis.lsp.code_actions import Provider
from aurelis.workspace.positions import Encoding, LineIndex
from aurelis.workspace.uris import from_path, to_path

if TYPE_CHECKING:
    from aurelis.analysis.engine import Report
    from aurelis.analysis.rule import Finding
    from aurelis.lsp.context import ServerContext
    from aurelis.workspace.document import Document

log = logging.getLogger(__name__)
PRODUCER = "crossfile"


class StatusArgs(BaseModel):
    pass


class CrossFilePublisher:
    """The scheduler's sink: findings become diagnostics, published on the event loop."""

    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.loop: asyncio.AbstractEventLoop | None = None
        self.shown: dict[str, tuple[bytes, list[Finding]]] = {}  # uri -> (text, findings) the editor shows

    def publish(
        self,
        path: str,
        source: bytes,
        findings: list[Finding],
        report: tuple[Document, Report] | None,
        ws: CrossFileWorkspace,
        encoding: Encoding,
    ) -> None:
        diagnostics: list[types.Diagnostic] = []
        if report is not None:
            doc, rep = report
            diagnostics = [self._diagnostic(ws, doc, rep, f, encoding) for f in findings]
        self._send(from_path(path), diagnostics, source, findings)

    def clear(self, path: str) -> None:
        if self.loop is not None:
            uri = from_path(path)
            self.loop.call_soon_threadsafe(lambda: self.ctx.diagnostics.clear(uri, PRODUCER))

    def pass_done(self) -> None:
        if self.loop is not None:  # per-file rules (AUR401's re-exports) may see other exports now
            self.loop.call_soon_threadsafe(self.ctx.events.crossfile_pass_done.fire)

    def _diagnostic(
        self, ws: CrossFileWorkspace, doc: Document, report: Report, finding: Finding, encoding: Encoding
    ) -> types.Diagnostic:
        from aurelis.lsp.handlers.diagnostics import to_diagnostic

        diag = to_diagnostic(doc, report, finding)
        if finding.related:  # twins live in other files: their columns in the client's encoding
            diag.related_information = [
                types.DiagnosticRelatedInformation(
                    location=types.Location(uri=r.uri, range=_related_range(ws, r, encoding)),
                    message=r.message,
                )
                for r in finding.related
            ]
        return diag

    def _send(
        self, uri: str, diagnostics: list[types.Diagnostic], source: bytes, findings: list[Finding]
    ) -> None:
        if self.loop is None:
            return

        def publish() -> None:
            doc = self.ctx.engine.documents.find(uri)
            if doc is not None and doc.source != source:
                return  # computed for an older text; the pass for the newer one publishes
            self.shown[uri] = (source, findings)
            self.ctx.diagnostics.set(uri, PRODUCER, diagnostics, version=doc.version if doc else None)

        self.loop.call_soon_threadsafe(publish)


def ignore_actions(
    ctx: ServerContext, publisher: CrossFilePublisher, doc: Document, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """Offer "Ignore AUR41x on this line" for the cross-file findings shown in the requested range."""
    from aurelis.lsp import convert
    from aurelis.lsp.rule_edits import ignore_edit, workspace_edit

    shown = publisher.shown.get(doc.uri)
    if shown is None or shown[0] != doc.source:
        return []  # the findings were computed for another text
    lo, hi = doc.offset_at(convert.pos(params.range.start)), doc.offset_at(convert.pos(params.range.end))
    diags = {
        (d.code, d.range.start.line, d.range.start.character): d
        for d in ctx.diagnostics.get(doc.uri, PRODUCER)
    }
    actions: list[types.CodeAction] = []
    for f in shown[1]:
        if not (f.start <= hi and lo <= f.end) or (edit := ignore_edit(doc, f)) is None:
            continue
        start = doc.position_at(f.start)
        diag = diags.get((f.code, start.line, start.character))
        actions.append(
            types.CodeAction(
                title=f"Ignore {f.code} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diag] if diag else None,
                edit=workspace_edit(doc, [edit]),
            )
        )
    return actions


def _related_range(ws: CrossFileWorkspace, r: Any, encoding: Encoding) -> types.Range:
    p = to_path(r.uri)
    source = ws.sources.get(p.as_posix()) if p is not None else None
    if source is None:
        return types.Range(types.Position(r.start_line, r.start_col), types.Position(r.end_line, r.end_col))
    lines = LineIndex(source)

    def pos(line: int, col: int) -> types.Position:
        starts = lines.starts
        offset = starts[min(line, len(starts) - 1)] + col
        p = lines.position(min(offset, len(source)), encoding)
        return types.Position(p.line, p.character)

    return types.Range(pos(r.start_line, r.start_col), pos(r.end_line, r.end_col))


def register(ctx: ServerContext, scheduler: CrossFileScheduler, publisher: CrossFilePublisher) -> None:
    def start() -> None:
        publisher.loop = asyncio.get_running_loop()
        scheduler.start()

    ctx.events.initialized.subscribe(start)
    ctx.events.opened.subscribe(scheduler.document)
    ctx.events.changed.subscribe(scheduler.document)
    ctx.events.closed.subscribe(scheduler.closed)
    ctx.events.files_changed.subscribe(scheduler.files_changed)
    ctx.events.settings_changed.subscribe(scheduler.reload)
    ctx.events.folders_changed.subscribe(scheduler.reload)
    ctx.events.shutdown.subscribe(scheduler.stop)
    ctx.code_actions.add(Provider("crossfile", functools.partial(ignore_actions, ctx, publisher)))

    @ctx.commands.register("aurelis.crossfileStatus", StatusArgs)
    def crossfile_status(args: StatusArgs) -> dict[str, Any]:
        """State of the background cross-file analysis (duplicates, dead code)."""
        return scheduler.status()
