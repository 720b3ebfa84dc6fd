"""Cross-file diagnostics (AUR410 duplicate code, AUR411 dead code), in the background.

One worker thread owns a ``CrossFileWorkspace`` per folder. The event loop only
hands it snapshots (the bytes of an opened/changed document, paths of files
changed on disk) and returns at once, so the per-file diagnostics never wait
for it. Input that arrives while the worker is busy, or within a short quiet
period, is coalesced into one pass. Duplicates are recomputed when the index
reports a build or a re-indexed file. A pass re-checks only files whose
cheap signature (text, unused definitions, twins) changed, and publishes under
the producer "crossfile" for every affected file, open or not.

Between units of a pass (a file read, a function compared, a file reported) the
worker waits at the engine's foreground gate while per-file diagnostics run, and
a pass stops when newer input arrives: the next one, after the quiet period,
covers both. Only a pass forced by a steady stream of edits (``MAX_WAIT``) runs
to its end, so findings still appear while someone types without pause.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pydantic import BaseModel

from aurelis.analysis.crossfile.index_units import units_from_index
from aurelis.analysis.crossfile.workspace import DUPLICATE_CODE, CrossFileWorkspace
from aurelis.lsp.code_actions import Provider
from aurelis.workspace.positions import LineIndex
from aurelis.workspace.uris import from_path, to_path

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext
    from aurelis.workspace.document import Document
    from aurelis.workspace.folders import Folder

log = logging.getLogger(__name__)
PRODUCER = "crossfile"
QUIET = 0.3  # seconds without new input before a pass starts (typing coalesces)
MAX_WAIT = 5.0  # …but a steady stream of edits still gets a pass this often
_PY = (".py", ".pyi")


class StatusArgs(BaseModel):
    pass


class _Superseded(Exception):
    """Newer input arrived during a pass: the pass stops, the next one redoes what is left."""


class _FolderState:
    def __init__(self, folder: Folder, ws: CrossFileWorkspace, settings_key: str) -> None:
        self.folder = folder
        self.ws = ws
        self.settings_key = settings_key
        self.published: dict[str, tuple] = {}  # path -> signature of what the editor shows


class CrossFileService:
    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.loop: asyncio.AbstractEventLoop | None = None
        self.folders: dict[str, _FolderState] = {}
        self.passes = 0
        self.superseded = 0  # passes stopped by newer input
        self.shown: dict[str, tuple[bytes, list]] = {}  # uri -> (text, findings) the editor shows
        self._cond = threading.Condition()
        self._texts: dict[str, bytes | None] = {}  # path -> new text (None: read it from disk)
        self._reload = False
        self._index_dirty = False
        self._index_fresh = False  # a build finished: every function's neighbours are asked again
        self._last_input = 0.0
        self._idle = False  # the worker waits for work (not coalescing): only then is it woken
        self._stop = False
        self._busy = False
        self._abortable = True  # the running pass may stop for newer input (False: forced by MAX_WAIT)
        self._thread: threading.Thread | None = None
        self._hooked = False

    # -- event-loop side: record and return --------------------------------------------
    def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        indexes = getattr(self.ctx.engine, "indexes", None)
        if indexes is not None and not self._hooked:
            self._hooked = True
            indexes.on_ready(lambda _idx: self._request(index=True, fresh=True))
            indexes.on_file_reindexed(lambda _idx, _rel: self._request(index=True))
        if self._thread is None:
            self._thread = threading.Thread(target=self._main, name="aurelis-crossfile", daemon=True)
            self._thread.start()
        self._request(reload=True)

    def reload(self, *_args: Any) -> None:
        self._request(reload=True)

    def document(self, doc: Document) -> None:
        if doc.oversized:  # over analysis.max_file_bytes: never parsed, not even in the background
            return
        path = to_path(doc.uri)
        if path is not None and path.suffix in _PY:
            self._request(texts={path.as_posix(): doc.source})

    def closed(self, uri: str) -> None:
        path = to_path(uri)
        if path is not None and path.suffix in _PY:
            self._request(texts={path.as_posix(): None})

    def files_changed(self, changes: list[tuple[str, str]]) -> None:
        paths = {
            p.as_posix(): None
            for uri, _kind in changes
            if (p := to_path(uri)) is not None and p.suffix in _PY
        }
        if paths:
            self._request(texts=paths)

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def _request(
        self,
        reload: bool = False,
        index: bool = False,
        texts: dict[str, bytes | None] | None = None,
        fresh: bool = False,
    ) -> None:
        with self._cond:
            self._reload |= reload
            self._index_dirty |= index
            self._index_fresh |= fresh
            if texts:
                self._texts.update(texts)
            self._last_input = time.monotonic()
            # While coalescing, the worker wakes on its own when the quiet time is up: waking
            # it on every keystroke would only make it contend for the interpreter lock.
            if self._idle:
                self._cond.notify_all()

    def exports(self, uri: str) -> frozenset[str]:
        """Module-level names other modules of the folder import from ``uri``'s file: what a
        fix must keep and AUR401 takes for re-exports (empty until the folder has been read).
        Safe off the worker: the graph is built from a copy of the reference table's rows."""
        path = to_path(uri)
        if path is None or path.suffix not in _PY:
            return frozenset()
        key = path.as_posix()
        for state in list(self.folders.values()):
            graph = state.ws.references.import_graph()
            if key in graph.facts:
                return graph.protected(key)
        return frozenset()

    @property
    def idle(self) -> bool:
        with self._cond:
            return not (self._busy or self._reload or self._texts or self._index_dirty)

    # -- worker ---------------------------------------------------------------------
    def _main(self) -> None:
        while True:
            with self._cond:
                self._idle = True
                while not (self._stop or self._reload or self._texts or self._index_dirty):
                    self._cond.wait()
                self._idle = False
                if self._stop:
                    return
                began = time.monotonic()
                forced = False
                while not self._stop:  # coalesce: wait for a quiet moment (bounded)
                    now = time.monotonic()
                    quiet, most = self._last_input + QUIET - now, began + MAX_WAIT - now
                    if quiet <= 0 or most <= 0:
                        forced = quiet > 0
                        break
                    self._cond.wait(min(quiet, most))
                reload, texts, index, fresh = self._reload, self._texts, self._index_dirty, self._index_fresh
                self._reload, self._texts, self._index_dirty, self._index_fresh = False, {}, False, False
                self._busy = True
                self._abortable = not forced
            try:
                self._pass(reload, texts, index, fresh or reload)
                self.passes += 1
            except _Superseded:
                self.superseded += 1
                with self._cond:  # texts and a reload are already applied; the duplicates are redone
                    self._index_dirty = True
                    self._index_fresh |= fresh or reload
            except Exception:
                log.exception("cross-file analysis failed")
                self.passes += 1
            finally:
                with self._cond:
                    self._busy = False

    def _pass(self, reload: bool, texts: dict[str, bytes | None], index: bool, fresh: bool) -> None:
        engine = self.ctx.engine
        if reload:
            self._reload_folders()
        for state in self.folders.values():
            root = state.folder.path.as_posix().rstrip("/") + "/"
            touched = False
            for path, text in texts.items():
                if path.startswith(root):
                    touched = True
                    self._apply(state.ws, path, text)
            if reload or index or touched:
                self._checkpoint(abortable=True)
                self._duplicates(state, fresh)
            self._publish_changed(state, engine.encoding)

    def _reload_folders(self) -> None:
        """(Re)read every folder: first start, folders or settings changed."""
        from aurelis.index.scan import ScanOptions, read_source, walk

        engine = self.ctx.engine
        current = {f.uri: f for f in engine.folders}
        for uri in list(self.folders):
            if uri not in current:
                self._clear(self.folders.pop(uri))
        for uri, folder in current.items():
            settings = engine.folder_settings(folder)
            ws = CrossFileWorkspace(folder.path, settings)
            old = self.folders.get(uri)
            state = _FolderState(folder, ws, settings.analysis.model_dump_json())
            if old is not None:
                state.published = old.published
            self.folders[uri] = state
            if not ws.rules_for(folder.path.as_posix() + "/x.py"):
                continue  # analysis or the cross-file rules are off: read nothing (old findings get cleared)
            s = settings.index
            options = ScanOptions(tuple(s.exclude), s.max_file_bytes, s.max_line_chars)
            for path in walk(folder.path, options).files:
                if path.suffix in _PY:
                    self._checkpoint()  # a reload is never abandoned: what it read stays valid
                    data, _reason = read_source(path, options)
                    if data is not None:
                        ws.update(_under_root(folder.path, path), data)
            for doc in engine.documents:  # open buffers win over the disk
                p = to_path(doc.uri)
                if (
                    p is not None
                    and p.suffix in _PY
                    and p.as_posix().startswith(folder.path.as_posix() + "/")
                ):
                    ws.update(p.as_posix(), doc.source)

    def _checkpoint(self, abortable: bool = False) -> None:
        """Between two units of a pass: give way to the per-file diagnostics, and with
        ``abortable`` stop the pass when newer input is waiting (it would be stale)."""
        self.ctx.engine.foreground.wait_idle()
        if abortable and self._abortable and not self._stop:
            with self._cond:
                newer = bool(self._reload or self._texts or self._index_dirty)
            if newer:
                raise _Superseded()

    def _apply(self, ws: CrossFileWorkspace, path: str, text: bytes | None) -> None:
        from aurelis.index.scan import ScanOptions, read_source

        if text is None:
            doc = self.ctx.engine.documents.find(from_path(path))
            if doc is not None:
                text = doc.source
            else:
                s = self.ctx.engine.settings_for(from_path(path)).index
                text, _reason = read_source(
                    Path(path), ScanOptions(tuple(s.exclude), s.max_file_bytes, s.max_line_chars)
                )
        if text is None:
            ws.remove(path)
        else:
            ws.update(path, text)

    def _duplicates(self, state: _FolderState, fresh: bool) -> None:
        engine = self.ctx.engine
        settings = engine.folder_settings(state.folder)
        indexes = getattr(engine, "indexes", None)
        if indexes is None or not settings.index.enabled or not settings.analysis.cross_file:
            return
        if not any(
            r.code == DUPLICATE_CODE for r in state.ws.rules_for(state.folder.path.as_posix() + "/x.py")
        ):
            return
        idx = indexes.for_folder(state.folder)
        if idx.state != "ready":
            return  # keep the last twins until the index is whole again (on_ready wakes us)

        def step() -> None:
            self._checkpoint(abortable=True)

        units, neighbours = units_from_index(idx, state.folder.path, state.ws.sources.get, step)
        state.ws.set_units(units, neighbours, fresh=fresh or not state.ws.units_available, pause=step)

    # -- publishing -------------------------------------------------------------------
    def _publish_changed(self, state: _FolderState, encoding: Any) -> None:
        ws = state.ws
        for path in set(ws.python_paths()) | set(state.published):
            live = path in ws.sources and ws.may_have_findings(path)
            sig = (state.settings_key, encoding, ws.signature(path)) if live else None
            if state.published.get(path) == sig:
                continue
            self._checkpoint(abortable=True)
            diagnostics: list[types.Diagnostic] = []
            findings: list = []
            source = ws.sources.get(path, b"")
            if live:
                done = ws.report(path, encoding=encoding)
                if done is not None:
                    doc, report = done
                    findings = report.findings
                    diagnostics = [self._diagnostic(ws, doc, report, f, encoding) for f in findings]
            if not diagnostics and path not in state.published:
                state.published[path] = sig
                continue
            state.published[path] = sig
            self._send(from_path(path), diagnostics, source, findings)

    def _diagnostic(
        self, ws: CrossFileWorkspace, doc: Any, report: Any, finding: Any, encoding: Any
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
        self, uri: str, diagnostics: list[types.Diagnostic], source: bytes, findings: list | None = None
    ) -> None:
        findings = findings or []
        if self.loop is None:
            return

        def publish() -> None:
            doc = self.ctx.engine.documents.find(uri)
            if doc is not None and doc.source != source:
                return  # computed for an older text; the pass for the newer one publishes
            self.shown[uri] = (source, findings)
            self.ctx.diagnostics.set(uri, PRODUCER, diagnostics, version=doc.version if doc else None)

        self.loop.call_soon_threadsafe(publish)

    def _clear(self, state: _FolderState) -> None:
        for path, sig in state.published.items():
            if sig is not None and self.loop is not None:
                uri = from_path(path)
                self.loop.call_soon_threadsafe(lambda u=uri: self.ctx.diagnostics.clear(u, PRODUCER))

    def status(self) -> dict:
        folders = []
        for state in list(self.folders.values()):
            ws = state.ws
            folders.append(
                {
                    "folder": state.folder.uri,
                    "python_files": len(ws.python_paths()),
                    "index_used": ws.units_available,
                    "files_with_duplicates": len(ws.paths_with_duplicates()),
                }
            )
        return {"idle": self.idle, "passes": self.passes, "superseded": self.superseded, "folders": folders}


def ignore_actions(
    ctx: ServerContext, svc: CrossFileService, doc: Document, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """Offer "Ignore AUR41x on this line" for the cross-file findings shown in the requested range."""
    from aurelis.lsp import convert
    from aurelis.lsp.rule_edits import ignore_edit, workspace_edit

    shown = svc.shown.get(doc.uri)
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


def _under_root(root: Path, path: Path) -> str:
    """``path`` spelled under ``root`` as the editor names it (the scan resolves symlinks)."""
    try:
        return (root / path.relative_to(root.resolve())).as_posix()
    except ValueError:
        return path.as_posix()


def _related_range(ws: CrossFileWorkspace, r: Any, encoding: Any) -> types.Range:
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


def register(ctx: ServerContext, svc: CrossFileService) -> None:
    ctx.events.initialized.subscribe(svc.start)
    ctx.events.opened.subscribe(svc.document)
    ctx.events.changed.subscribe(svc.document)
    ctx.events.closed.subscribe(svc.closed)
    ctx.events.files_changed.subscribe(svc.files_changed)
    ctx.events.settings_changed.subscribe(svc.reload)
    ctx.events.folders_changed.subscribe(svc.reload)
    ctx.events.shutdown.subscribe(svc.stop)
    ctx.code_actions.add(Provider("crossfile", functools.partial(ignore_actions, ctx, svc)))

    @ctx.commands.register("aurelis.crossfileStatus", StatusArgs)
    def crossfile_status(args: StatusArgs) -> dict:
        """State of the background cross-file analysis (duplicates, dead code)."""
        return svc.status()
