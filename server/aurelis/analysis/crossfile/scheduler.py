"""Scheduling of the cross-file rules (AUR410 duplicate code, AUR411 dead code) in the
background, below the LSP layer: the server's handler only translates events into
requests here and findings into diagnostics.

One worker thread owns a ``CrossFileWorkspace`` per folder (read with
``runner.load_workspace``, the loader ``aurelis check`` uses too). Callers only hand it
snapshots (the bytes of an opened/changed document, paths of files changed on disk)
and return at once. Input that arrives while the worker is busy, or within a short
quiet period, is coalesced into one pass. Duplicates are recomputed when the index
reports a build or a re-indexed file (``runner.attach_units``). A pass re-checks only
files whose cheap signature (text, unused definitions, twins) changed and hands the
findings of every affected file, open or not, to the ``Sink``.

Between units of a pass (a file read, a function compared, a file reported) the
worker waits at the foreground gate while per-file diagnostics run, and a pass stops
when newer input arrives: the next one, after the quiet period, covers both. Only a
pass forced by a steady stream of edits (``MAX_WAIT``) runs to its end, so findings
still appear while someone types without pause.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from aurelis.analysis.crossfile.runner import attach_units, load_workspace
from aurelis.analysis.crossfile.workspace import DUPLICATE_CODE, CrossFileWorkspace
from aurelis.workspace.uris import from_path, to_path

if TYPE_CHECKING:
    from aurelis.analysis.engine import Report
    from aurelis.analysis.rule import Finding
    from aurelis.config.settings import Settings
    from aurelis.index.manager import IndexManager
    from aurelis.priority import ForegroundGate
    from aurelis.workspace.document import Document
    from aurelis.workspace.documents import Documents
    from aurelis.workspace.folders import Folder, Folders
    from aurelis.workspace.positions import Encoding

log = logging.getLogger(__name__)
QUIET = 0.3  # seconds without new input before a pass starts (typing coalesces)
MAX_WAIT = 5.0  # …but a steady stream of edits still gets a pass this often
_PY = (".py", ".pyi")


class Sink(Protocol):
    """Where a pass's results go (called on the worker thread)."""

    def publish(
        self,
        path: str,
        source: bytes,
        findings: list[Finding],
        report: tuple[Document, Report] | None,
        ws: CrossFileWorkspace,
        encoding: Encoding,
    ) -> None:
        """``path``'s findings computed for ``source`` (none: clear what was shown)."""

    def clear(self, path: str) -> None:
        """``path``'s folder is gone: its findings are no longer shown."""

    def pass_done(self) -> None:
        """A pass finished: the names other modules import from a file (``exports``) may have changed."""


class _Superseded(Exception):
    """Newer input arrived during a pass: the pass stops, the next one redoes what is left."""


class _FolderState:
    def __init__(self, folder: Folder, ws: CrossFileWorkspace, settings_key: str) -> None:
        self.folder = folder
        self.ws = ws
        self.settings_key = settings_key
        self.published: dict[str, tuple[Any, ...] | None] = {}  # path -> signature of what was handed on
        self.loaded = False  # the folder has been read once: its import graph is whole


class CrossFileScheduler:
    def __init__(
        self,
        folders: Folders,
        documents: Documents,
        settings_of: Callable[[Folder | None], Settings],
        gate: ForegroundGate,
        indexes: IndexManager | None,
        sink: Sink,
    ) -> None:
        self._folders = folders
        self._documents = documents
        self._settings_of = settings_of
        self._gate = gate
        self._indexes = indexes
        self.sink = sink
        self.folders: dict[str, _FolderState] = {}
        self.passes = 0
        self.superseded = 0  # passes stopped by newer input
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

    # -- caller side: record and return ---------------------------------------------------
    def start(self) -> None:
        if self._indexes is not None and not self._hooked:
            self._hooked = True
            self._indexes.on_ready(lambda _idx: self._request(index=True, fresh=True))
            self._indexes.on_file_reindexed(lambda _idx, _rel: self._request(index=True))
        if self._thread is None:
            self._thread = threading.Thread(target=self._main, name="aurelis-crossfile", daemon=True)
            self._thread.start()
        self._request(reload=True)

    def reload(self, *_args: Any) -> None:
        self._request(reload=True)

    def document(self, doc: Document) -> None:
        """An opened or changed document: its text is the one to check."""
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
        paths: dict[str, bytes | None] = {
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

    def exports_known(self, uri: str) -> bool:
        """False while the folder of ``uri`` has not been read yet: its ``exports`` are not known,
        so a fix must not unbind any module-level name (another module may import it)."""
        path = to_path(uri)
        if path is None:
            return True
        key = path.as_posix()
        for state in list(self.folders.values()):
            if key.startswith(state.folder.path.as_posix().rstrip("/") + "/"):
                return state.loaded
        # not in a folder the scheduler knows: a folder still to be read, or a file outside any
        return not any(key.startswith(f.path.as_posix().rstrip("/") + "/") for f in self._folders)

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
                self.sink.pass_done()
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
            self._publish_changed(state, self._documents.encoding)

    def _reload_folders(self) -> None:
        """(Re)read every folder: first start, folders or settings changed."""
        current = {f.uri: f for f in self._folders}
        for uri in list(self.folders):
            if uri not in current:
                self._clear(self.folders.pop(uri))
        for uri, folder in current.items():
            settings = self._settings_of(folder)
            ws = CrossFileWorkspace(folder.path, settings)
            old = self.folders.get(uri)
            state = _FolderState(folder, ws, settings.analysis.model_dump_json())
            if old is not None:
                state.published = old.published
            self.folders[uri] = state
            if not settings.analysis.enabled:
                continue  # analysis is off: read nothing (old findings get cleared)
            # Read even with every cross-file rule off (AUR410 and AUR411 are off by default): the
            # import graph tells AUR401 and every fix which names other modules import (`exports`).
            # a reload is never abandoned (no abortable checkpoint): what it read stays valid
            load_workspace(folder.path, settings, ws=ws, step=self._checkpoint)
            state.loaded = True
            for doc in self._documents:  # open buffers win over the disk
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
        self._gate.wait_idle()
        if abortable and self._abortable and not self._stop:
            with self._cond:
                newer = bool(self._reload or self._texts or self._index_dirty)
            if newer:
                raise _Superseded()

    def _apply(self, ws: CrossFileWorkspace, path: str, text: bytes | None) -> None:
        from aurelis.index.scan import ScanOptions, read_source

        if text is None:
            doc = self._documents.find(from_path(path))
            if doc is not None:
                text = doc.source
            else:
                s = self._settings_of(self._folders.owner(from_path(path))).index
                text, _reason = read_source(
                    Path(path), ScanOptions(tuple(s.exclude), s.max_file_bytes, s.max_line_chars)
                )
        if text is None:
            ws.remove(path)
        else:
            ws.update(path, text)

    def _duplicates(self, state: _FolderState, fresh: bool) -> None:
        settings = self._settings_of(state.folder)
        indexes = self._indexes
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

        attach_units(state.ws, idx, step, fresh=fresh or not state.ws.units_available)

    # -- handing results on -----------------------------------------------------------------
    def _publish_changed(self, state: _FolderState, encoding: Encoding) -> None:
        ws = state.ws
        # no cross-file rule selected (the default): the folder is read for its import graph only;
        # asking each file for dead code would be a whole-workspace analysis per pass for nothing
        rules_on = bool(ws.rules_for(state.folder.path.as_posix() + "/x.py"))
        for path in set(ws.python_paths()) | set(state.published):
            live = rules_on and path in ws.sources and ws.may_have_findings(path)
            sig = (state.settings_key, encoding, ws.signature(path)) if live else None
            if state.published.get(path) == sig:
                continue
            self._checkpoint(abortable=True)
            findings: list[Finding] = []
            done = None
            source = ws.sources.get(path, b"")
            if live:
                done = ws.report(path, encoding=encoding)
                if done is not None:
                    findings = list(done[1].findings)
            if not findings and path not in state.published:
                state.published[path] = sig
                continue
            state.published[path] = sig
            self.sink.publish(path, source, findings, done, ws, encoding)

    def _clear(self, state: _FolderState) -> None:
        for path, sig in state.published.items():
            if sig is not None:
                self.sink.clear(path)

    def status(self) -> dict[str, Any]:
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
