"""The workspace index over LSP: background builds with work-done progress, incremental
updates (didChange debounced, didSave, watched files) and the search/reindex/status commands.

A build runs on its own worker thread, never on the event loop; it restarts when
the index settings or the folders change and stops when the client cancels its
progress. File updates run on a second worker so they never wait for a cold build.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Literal

from lsprotocol import types
from pydantic import BaseModel, Field

from aurelis.index.cancelled import Cancelled
from aurelis.workspace import languages
from aurelis.workspace.positions import LineIndex
from aurelis.workspace.uris import to_path

if TYPE_CHECKING:  # the index (and numpy) loads with the first folder's index, not at start-up
    from aurelis.index.service import SearchHit
    from aurelis.lsp.context import ServerContext
    from aurelis.workspace.document import Document

log = logging.getLogger(__name__)
WATCH_GLOB = "**/*.{" + ",".join(sorted(ext.lstrip(".") for ext in languages.EXTENSIONS)) + "}"


class SearchArgs(BaseModel):
    query: str = Field(min_length=1)
    k: int = Field(10, ge=1, le=200)
    paths: list[str] | None = Field(None, description="gitignore-style globs relative to the folder")
    mode: Literal["hybrid", "dense", "lexical"] | None = None


class ReindexArgs(BaseModel):
    pass


class IndexRunner:
    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.manager = ctx.engine.indexes
        self.builder = ThreadPoolExecutor(1, thread_name_prefix="aurelis-index")
        self.updater = ThreadPoolExecutor(1, thread_name_prefix="aurelis-index-update")
        self.cancel: threading.Event | None = None
        self.task: asyncio.Task | None = None
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.settings_seen: dict[str, object] = {}
        self.started = False  # the first build starts at `initialized`; settings pulled before it

    def enabled(self) -> bool:
        return any(self.ctx.engine.folder_settings(f).index.enabled for f in self.ctx.engine.folders)

    def start(self) -> None:
        """(Re)start a background build of every folder; a running one is cancelled first."""
        if self.cancel is not None:
            self.cancel.set()
        self.started = True
        self.settings_seen = self._index_settings()
        if not self.enabled():
            return
        self.cancel = threading.Event()
        self.task = asyncio.ensure_future(self._run(self.cancel))

    def _index_settings(self) -> dict[str, object]:
        engine = self.ctx.engine
        return {f.uri: engine.folder_settings(f).index for f in engine.folders}

    async def _run(self, cancel: threading.Event) -> None:
        ctx, loop = self.ctx, asyncio.get_running_loop()
        token = await self._create_progress(cancel)
        last = [-1]

        def progress(_done: int, _total: int, _message: str) -> None:
            # the counts `aurelis.status` reports (summed over folders), not the folder's own
            done, total = self.manager.progress()
            pct = int(100 * done / total) if total else 100
            if token is not None and pct != last[0] and not cancel.is_set():
                last[0] = pct
                value = types.WorkDoneProgressReport(
                    message=f"{done}/{total} files", percentage=pct, cancellable=True
                )
                loop.call_soon_threadsafe(ctx.ls.work_done_progress.report, token, value)

        outcome = "done"
        try:
            await loop.run_in_executor(self.builder, self.manager.build_all, progress, cancel)
            status = self.manager.status()
            outcome = f"{status['chunks']} chunks in {status['files_indexed']} files"
        except Cancelled:
            outcome = "cancelled"
            log.info("indexing cancelled")
        except asyncio.CancelledError:  # the server is exiting: stop the worker, tell no one
            cancel.set()
            token = None
            raise
        except Exception as exc:
            outcome = f"failed: {exc}"
            log.error("indexing failed: %s", exc)
        finally:
            if token is not None:
                try:
                    ctx.ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=outcome))
                except Exception as exc:  # the client went away
                    log.debug("progress end not sent: %s", exc)
                ctx.ls.work_done_progress.tokens.pop(token, None)

    async def _create_progress(self, cancel: threading.Event) -> str | None:
        if not self.ctx.client_supports("window.work_done_progress"):
            return None
        token = f"aurelis-index-{uuid.uuid4().hex[:8]}"
        try:
            await self.ctx.ls.work_done_progress.create_async(token)
        except Exception as exc:
            log.warning("window/workDoneProgress/create failed: %s", exc)
            return None
        self.ctx.ls.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="Aurelis: indexing", message="scanning", percentage=0, cancellable=True
            ),
        )
        future = self.ctx.ls.work_done_progress.tokens.get(token)
        if future is not None:  # the client's cancel cancels this future
            future.add_done_callback(lambda _f: cancel.set())
        return token

    # -- incremental -----------------------------------------------------------------
    def update(self, uri: str, text: str | None = None) -> None:
        """Re-index one file on the update worker (text: an open buffer; None: read the disk)."""
        idx = self.manager.for_uri(uri)
        path = to_path(uri)
        if idx is None or path is None or not idx.settings.enabled:
            return
        future = asyncio.get_running_loop().run_in_executor(self.updater, idx.update_file, path, text)
        future.add_done_callback(_log_failure)

    def changed(self, doc: Document) -> None:
        if doc.oversized:  # over analysis.max_file_bytes: text only, not chunked or embedded
            return
        settings = self.ctx.engine.settings_for(doc.uri).index
        loop = asyncio.get_running_loop()
        if (old := self.pending.pop(doc.uri, None)) is not None:
            old.cancel()
        if not settings.enabled:  # no timer per keystroke, nor a decode of the whole text, for nothing
            return
        self.pending[doc.uri] = loop.call_later(settings.debounce_ms / 1000, self._changed_now, doc.uri)

    def _changed_now(self, uri: str) -> None:
        self.pending.pop(uri, None)
        doc = self.ctx.engine.documents.find(uri)
        if doc is not None:
            self.update(uri, doc.text)

    def saved(self, doc: Document | None, uri: str) -> None:
        if (old := self.pending.pop(uri, None)) is not None:
            old.cancel()
        self.update(uri)

    def files_changed(self, changes: list[tuple[str, str]]) -> None:
        for uri, _kind in changes:
            self.update(uri)

    def settings_changed(self) -> None:
        if not self.started:  # the settings pulled during `initialized`: its build will use them
            return
        if self._index_settings() != self.settings_seen:
            self.manager.invalidate()
            self.start()

    def folders_changed(self, added, removed) -> None:
        for folder in removed:
            self.manager.forget(folder)
        self.start()


def _log_failure(future) -> None:
    if not future.cancelled() and (exc := future.exception()) is not None:
        log.error("index update failed: %r", exc)


def line_index_for(
    ctx: ServerContext, uri: str, cache: dict[str, LineIndex | None] | None = None
) -> LineIndex | None:
    """The line table of ``uri``: the open document's, else the file on disk's (None if unreadable)."""
    if cache is not None and uri in cache:
        return cache[uri]
    doc = ctx.engine.documents.find(uri)
    lines: LineIndex | None = doc.lines if doc is not None else None
    if lines is None:
        path = to_path(uri)
        from aurelis.workspace.containment import read_regular

        data = read_regular(path)[0] if path is not None else None  # never blocks on a FIFO
        lines = LineIndex(data) if data is not None else None
    if cache is not None:
        cache[uri] = lines
    return lines


def hit_to_json(ctx: ServerContext, hit: SearchHit) -> dict:
    """A search hit with an LSP range in the negotiated encoding."""
    encoding = ctx.engine.encoding
    lines = line_index_for(ctx, hit.uri)
    if lines is not None:
        start, end = lines.position(hit.start_byte, encoding), lines.position(hit.end_byte, encoding)
        rng = {
            "start": {"line": start.line, "character": start.character},
            "end": {"line": end.line, "character": end.character},
        }
    else:
        rng = {
            "start": {"line": hit.start_line, "character": hit.start_col},
            "end": {"line": hit.end_line, "character": hit.end_col},
        }
    return {
        "uri": hit.uri,
        "range": rng,
        "name": hit.name,
        "kind": hit.kind,
        "score": hit.score,
        "preview": hit.preview,
    }


def ai_status(ctx: ServerContext) -> dict:
    """The AI side of ``aurelis.status``: whether it is on and the provider chain, in order
    (names, kinds and models; not the URLs, which may carry credentials)."""
    ai = ctx.engine.settings_for(None).ai
    return {
        "enabled": ai.enabled,
        "providers": [{"name": p.name, "kind": p.kind, "model": p.model} for p in ai.providers],
    }


def register(ctx: ServerContext) -> IndexRunner:
    runner = IndexRunner(ctx)

    async def on_initialized() -> None:
        if ctx.client_supports("workspace.did_change_watched_files.dynamic_registration"):
            try:
                await ctx.ls.client_register_capability_async(
                    types.RegistrationParams(
                        registrations=[
                            types.Registration(
                                id="aurelis-index-watcher",
                                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                    watchers=[types.FileSystemWatcher(glob_pattern=WATCH_GLOB)]
                                ),
                            )
                        ]
                    )
                )
            except Exception as exc:
                log.warning("could not register the file watcher: %s", exc)
        runner.start()

    ctx.events.initialized.subscribe(on_initialized)
    ctx.events.changed.subscribe(runner.changed)
    ctx.events.saved.subscribe(runner.saved)
    ctx.events.files_changed.subscribe(runner.files_changed)
    ctx.events.settings_changed.subscribe(runner.settings_changed)
    ctx.events.folders_changed.subscribe(runner.folders_changed)
    ctx.events.shutdown.subscribe(lambda: runner.cancel.set() if runner.cancel else None)

    _KIND = {1: "created", 2: "changed", 3: "deleted"}

    @ctx.ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        ctx.events.files_changed.fire([(c.uri, _KIND.get(int(c.type), "changed")) for c in params.changes])

    @ctx.commands.register("aurelis.search", SearchArgs, background=True)
    def search(args: SearchArgs) -> list[dict]:
        """Semantic + lexical search of the workspace index."""
        mode = args.mode or ctx.engine.settings_for(None).index.search_mode
        hits = ctx.engine.indexes.search(args.query, args.k, mode, args.paths)
        return [hit_to_json(ctx, h) for h in hits]

    @ctx.commands.register("aurelis.reindex", ReindexArgs)
    def reindex(args: ReindexArgs) -> dict:
        """Bring every folder's index up to date again (in the background)."""
        runner.start()
        return {"started": runner.enabled()}

    @ctx.commands.register("aurelis.status", ReindexArgs)
    def status(args: ReindexArgs) -> dict:
        """State of the index: folders, files, chunks, skipped files by reason, model, paths; and
        under ``foreground`` how often background work has waited for the per-file diagnostics."""
        return {
            **ctx.engine.indexes.status(),
            "foreground": ctx.engine.foreground.status(),
            "ai": ai_status(ctx),
        }

    return runner
