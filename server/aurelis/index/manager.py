"""Folders -> indexes, for the engine (``engine.indexes``). Plain Python.

It is given what it needs (the folders, each folder's settings, the foreground
gate) instead of the engine: the engine sits above the index and wires it.

Listeners are called from worker threads: ``on_ready(fn(index))`` after a
folder's build finishes, ``on_file_reindexed(fn(index, relpath))`` after one
file's chunks changed. An asyncio consumer hops back with
``loop.call_soon_threadsafe``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy, the index and the embedder load with the first index, not with the server
    from aurelis.config.settings import Settings
    from aurelis.index.embedder import Embedder
    from aurelis.index.service import SearchHit, WorkspaceIndex
    from aurelis.priority import ForegroundGate
    from aurelis.workspace.folders import Folder, Folders

SettingsOf = Callable[["Folder | None"], "Settings"]  # a folder's settings; None: the global ones
log = logging.getLogger(__name__)


class IndexManager:
    def __init__(self, folders: Folders, settings_of: SettingsOf, gate: ForegroundGate) -> None:
        self.folders = folders
        self.settings_of = settings_of
        self.gate = gate
        self._indexes: dict[str, WorkspaceIndex] = {}
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self.ready_listeners: list[Callable[[WorkspaceIndex], None]] = []
        self.file_listeners: list[Callable[[WorkspaceIndex, str], None]] = []

    # -- subscriptions -----------------------------------------------------------
    def on_ready(self, fn: Callable[[WorkspaceIndex], None]) -> Callable[[WorkspaceIndex], None]:
        self.ready_listeners.append(fn)
        return fn

    def on_file_reindexed(
        self, fn: Callable[[WorkspaceIndex, str], None]
    ) -> Callable[[WorkspaceIndex, str], None]:
        self.file_listeners.append(fn)
        return fn

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until every folder's index has been built once (True) or ``timeout`` passes."""
        return self._ready.wait(timeout)

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    # -- folders -----------------------------------------------------------------
    def embedder_for(self, folder: Folder) -> Embedder:
        from aurelis.index.embedder import shared_embedder

        s = self.settings_of(folder).index
        server = s.embeddings if s.backend == "openai-compatible" else None
        return shared_embedder(s.model, s.max_tokens, s.batch_size, s.threads, s.backend, server)

    def for_folder(self, folder: Folder) -> WorkspaceIndex:
        with self._lock:
            idx = self._indexes.get(folder.uri)
            settings = self.settings_of(folder).index
            if idx is None or idx.settings != settings:
                from aurelis.index.service import WorkspaceIndex

                idx = WorkspaceIndex(folder.path, settings, self.embedder_for(folder), gate=self.gate)
                idx.file_listeners.append(self._file_changed)
                self._indexes[folder.uri] = idx
            return idx

    def for_uri(self, uri: str) -> WorkspaceIndex | None:
        folder = self.folders.owner(uri)
        return self.for_folder(folder) if folder is not None else None

    def indexes(self) -> list[WorkspaceIndex]:
        """Indexes of the current folders whose index is enabled."""
        return [self.for_folder(f) for f in self.folders if self.settings_of(f).index.enabled]

    def forget(self, folder: Folder) -> None:
        with self._lock:
            self._indexes.pop(folder.uri, None)

    def invalidate(self) -> None:
        """Settings or folders changed: the next build starts from fresh objects (and the disk)."""
        self._ready.clear()
        with self._lock:
            self._indexes.clear()

    # -- work --------------------------------------------------------------------
    def build_all(
        self, progress: Callable[[int, int, str], None] | None = None, cancel: threading.Event | None = None
    ) -> None:
        """Build every folder's index in turn (blocking: run it on a worker)."""
        self._ready.clear()
        for idx in self.indexes():
            idx.build(progress, cancel)
            if idx.chunks():
                # The server's build loads the model now (paced) even when nothing needed encoding,
                # so that the first query does not wait for it; the CLI loads it only on demand.
                idx.embedder.load(idx.gate)
            self._notify(self.ready_listeners, idx)
        self._ready.set()

    def search(
        self, query: str, k: int = 10, mode: str = "hybrid", paths: list[str] | None = None
    ) -> list[SearchHit]:
        """Hybrid (or dense/lexical) search over every folder, best first."""
        from aurelis.index.service import MODES

        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        hits: list[SearchHit] = []
        for idx in self.indexes():
            hits.extend(idx.search(query, k, mode, paths))
        hits.sort(key=lambda h: -h.score)
        return hits[:k]

    def status(self) -> dict[Any, Any]:
        per = [i.status() for i in self.indexes()]
        states = {s["state"] for s in per}
        state = (
            "disabled"
            if not per
            else next((s for s in ("error", "indexing", "cancelled", "empty") if s in states), "ready")
        )
        skipped: dict[str, int] = {}
        for s in per:
            for reason, n in s["skipped"].items():
                skipped[reason] = skipped.get(reason, 0) + n
        return {
            "state": state,
            "folders": per,
            "files_indexed": sum(s["files_indexed"] for s in per),
            # the build's progress, as the work-done progress reports it
            "files_done": sum(s["files_done"] for s in per),
            "files_total": sum(s["files_total"] for s in per),
            "chunks": sum(s["chunks"] for s in per),
            "skipped": skipped,
            "model": per[0]["model"] if per else self.settings_of(None).index.model,
            "index_path": [s["index_path"] for s in per],
            "last_error": next((s["last_error"] for s in per if s["last_error"]), None),
        }

    def progress(self) -> tuple[int, int]:
        """Files done and files to do in the running build, over every folder."""
        per = [i.status() for i in self.indexes()]
        return sum(s["files_done"] for s in per), sum(s["files_total"] for s in per)

    def _file_changed(self, idx: WorkspaceIndex, rel: str) -> None:
        self._notify(self.file_listeners, idx, rel)

    def _notify(self, listeners: list[Callable[..., None]], *args: Any) -> None:
        for fn in list(listeners):
            try:
                fn(*args)
            except Exception:
                log.exception("index listener %s failed", getattr(fn, "__qualname__", fn))
