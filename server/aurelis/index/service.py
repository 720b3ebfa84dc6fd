"""One workspace folder's semantic index: scan -> chunks -> embeddings -> HNSW + BM25.

Plain Python and thread-safe. Heavy work (reading, chunking, encoding) runs
outside the lock; only applying a file's result to the maps takes it, so
searches stay fast while a build runs in another thread.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from aurelis.config.index import IndexSettings
from aurelis.index import rerank, store
from aurelis.index.cancelled import Cancelled
from aurelis.index.chunk import Chunk
from aurelis.index.chunker import ChunkOptions, chunk_source
from aurelis.index.embedder import Embedder, EmbedderError
from aurelis.index.fusion import fuse
from aurelis.index.lexical import ChunkLexicon
from aurelis.index.memory import release_freed_memory
from aurelis.index.paths import folder_index_dir
from aurelis.index.rerank import Candidate
from aurelis.index.scan import ScanOptions, is_ignored, read_source, walk
from aurelis.index.shared import SharedIndex, SharedIndexError
from aurelis.index.shared_side import SharedSide, content_sha, merge
from aurelis.index.store import FileEntry, Snapshot, StoreProblem
from aurelis.index.symbols import match as match_symbols
from aurelis.index.texts import dense_query, dense_text, dense_version, query_tokens
from aurelis.index.vectors import VectorIndex
from aurelis.priority import ForegroundGate
from aurelis.workspace import containment, languages
from aurelis.workspace.uris import from_path

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]  # (files done, files total, message)
MODES = ("hybrid", "dense", "lexical")
__all__ = ["MODES", "Cancelled", "SearchHit", "WorkspaceIndex"]
RERANK = True  # the learned second stage over the hybrid top (the bench turns it off to compare)
_EMBED_GROUP = 256  # chunks encoded per step of a build: progress and cancellation granularity


@dataclass
class SearchHit:
    uri: str
    path: str  # relative to the folder
    name: str  # qualified
    kind: str
    score: float
    preview: str
    text: str
    language: str
    chunk_id: str
    start_line: int
    start_col: int  # byte column
    end_line: int
    end_col: int
    start_byte: int
    end_byte: int

    def to_json(self) -> dict[Any, Any]:
        return asdict(self)


def preview(chunk: Chunk, lines: int = 3, chars: int = 240) -> str:
    shown = [line for line in chunk.text.splitlines() if line.strip()][:lines]
    return "\n".join(shown)[:chars]


class WorkspaceIndex(SharedSide):
    def __init__(
        self,
        root: Path,
        settings: IndexSettings,
        embedder: Embedder,
        index_dir: Path | None = None,
        gate: ForegroundGate | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.settings = settings
        self.embedder = embedder
        # Builds and updates give way to the foreground between files, encode batches and,
        # while the model loads, imported modules. None: nothing to yield to (the CLI).
        self.gate = gate
        self.index_dir = index_dir or folder_index_dir(self.root)
        self.state = "empty"  # empty | indexing | ready | cancelled | error
        self.last_error: str | None = None
        self.skipped: Counter[str] = Counter()
        self.rebuild_reason: str | None = None
        self._lock = threading.RLock()
        self._chunks: dict[str, Chunk] = {}
        self._labels: dict[str, int] = {}
        self._by_label: dict[int, str] = {}
        self._files: dict[str, FileEntry] = {}
        self._next_label = 0
        self._vectors: VectorIndex | None = None
        self._lexical = ChunkLexicon()
        self._generation: Counter[str] = Counter()  # per file: bumped by every direct update
        self._loaded = False
        self._dirty = False  # in-memory state differs from the disk
        self._stale = False  # emptied during a build (dimension mismatch): the build runs again
        # Progress of the running build: the one count that both the work-done progress and
        # ``status()`` report, so that the editor's progress and status bar agree.
        self.files_done = 0
        self.files_total = 0
        self.file_listeners: list[Callable[[WorkspaceIndex, str], None]] = []
        # Writers rebuild the BM25 matrix so that queries do not pay for it (a server). A one-shot
        # CLI turns this off: `aurelis index` then never imports bm25s, and a search builds it once.
        self.warm_queries = True
        # index.store.kind = qdrant: vectors of published files live in a shared collection; the
        # local hnswlib index holds only the overlay (files that differ from what was published).
        self.shared: SharedIndex | None = None
        self._shared_files: dict[str, str] = {}  # path -> published content hash
        self.shared_reused = 0  # chunks whose vectors came from the collection instead of the model
        if settings.store.kind == "qdrant":
            self.shared = SharedIndex(settings.store, self.root, self._shared_identity())

    # -- options -----------------------------------------------------------------
    @property
    def scan_options(self) -> ScanOptions:
        s = self.settings
        return ScanOptions(tuple(s.exclude), s.max_file_bytes, s.max_line_chars)

    @property
    def chunk_options(self) -> ChunkOptions:
        return ChunkOptions(self.settings.chunk_lines, self.settings.window_lines)

    @property
    def vectors_id(self) -> str:
        """What the stored vectors were made with: the model's identity and the embedded text's."""
        return self.embedder.model_id + dense_version()

    def uri_of(self, relpath: str) -> str:
        return from_path(self.root / relpath)

    def relpath(self, path: Path) -> str | None:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            try:
                return Path(path).absolute().relative_to(self.root).as_posix()
            except ValueError:
                return None

    # -- persistence -------------------------------------------------------------
    def ensure_loaded(self) -> None:
        """Load from disk once, before the first build or update touches the maps."""
        with self._lock:
            if not self._loaded:
                self.load()

    def load(self) -> bool:
        """Adopt the index on disk if it is sound and built by this model; else start empty."""
        with self._lock:
            self._loaded = True
            try:
                if removed := store.remove_orphans(self.index_dir):
                    log.info("index of %s: removed %d files of interrupted saves", self.root, removed)
                backend = self.embedder.backend
                dim = backend.dim if backend.loaded else None  # else checked against the file only
                snap = store.load(self.index_dir, self.vectors_id, dim)
            except StoreProblem as exc:
                self.rebuild_reason = str(exc)
                if str(exc) != "no index on disk":
                    log.warning("index of %s rebuilt: %s", self.root, exc)
                return False
            self._chunks, self._labels, self._files = snap.chunks, snap.labels, snap.files
            self._by_label = {v: k for k, v in self._labels.items()}
            self._next_label, self._vectors = snap.next_label, snap.vectors
            for cid, chunk in self._chunks.items():
                self._lexical.set(cid, chunk)
            log.info("index of %s loaded: %d chunks", self.root, len(self._chunks))
            return True

    def save(self) -> None:
        with self._lock:
            if self._vectors is None:
                return
            self._dirty = False
            snap = Snapshot(
                self.vectors_id,
                self.embedder.describe(),
                self._vectors.dim,
                dict(self._chunks),
                dict(self._labels),
                dict(self._files),
                self._next_label,
                self._vectors,
            )
            store.save(self.index_dir, snap)

    # -- building ----------------------------------------------------------------
    def build(self, progress: Progress | None = None, cancel: threading.Event | None = None) -> None:
        """Bring the index up to date with the folder: new and changed files are chunked and
        embedded, deleted ones dropped. Raises ``Cancelled`` when ``cancel`` is set."""
        self.state = "indexing"
        self.last_error = None
        try:
            self.ensure_loaded()
            scan = walk(self.root, self.scan_options)
            skipped = Counter(scan.skipped)
            present = {p.relative_to(self.root).as_posix(): p for p in scan.files if _under(p, self.root)}
            if self.shared is not None:
                self._shared_files = self.shared.files()  # a wrong model raises: refused, never mixed
            with self._lock:
                gone = [rel for rel in self._files if rel not in present]
            for rel in gone:
                self._apply(rel, None, [], None, self._generation[rel])
            if self.shared is not None and self.shared.publishes:
                self._publish([], [rel for rel in self._shared_files if rel not in present])
            total, done = len(present), 0
            pending: list[tuple[str, FileEntry, list[Chunk], int]] = []
            n_pending = 0
            self._progress(progress, 0, total)
            for rel, path in present.items():
                self._yield()
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                gen = self._generation[rel]
                entry, chunks, reason = self._read(rel, path, force=self._stale_shared(rel))
                if reason:
                    skipped[reason] += 1
                    self._apply(rel, None, [], None, gen)
                    done += 1
                    self.files_done = done
                    continue
                if chunks is None:  # unchanged since the last build
                    done += 1
                    self.files_done = done
                    continue
                assert entry is not None  # read without a reason to skip
                pending.append((rel, entry, chunks, gen))
                n_pending += len(chunks)
                if n_pending >= _EMBED_GROUP:
                    done += self._flush(pending, cancel)
                    pending, n_pending = [], 0
                    self._progress(progress, done, total)
            done += self._flush(pending, cancel)
            if self._stale:  # emptied mid-build: files judged unchanged before it must be read again
                self._stale = False
                return self.build(progress, cancel)
            self.skipped = skipped
            self._ensure_vectors()
            if self._dirty or not (self.index_dir / store.MANIFEST).exists():
                self.save()
            if self.warm_queries:
                self._lexical.refresh()
            gc.collect()  # the build's cyclic garbage goes before the heap is trimmed
            release_freed_memory()  # saving and the BM25 rebuild freed large buffers
            self.state = "ready"
            self._progress(progress, total, total)
        except Cancelled:
            self.state = "cancelled"
            self.save()
            raise
        except (EmbedderError, SharedIndexError) as exc:  # configuration or service: the message says it
            self.state = "error"
            self.last_error = f"{exc.__class__.__name__}: {exc}"
            log.info("indexing %s failed: %s", self.root, exc)  # the caller shows last_error once
            raise
        except Exception as exc:
            self.state = "error"
            self.last_error = f"{exc.__class__.__name__}: {exc}"
            log.exception("indexing %s failed", self.root)
            raise

    def _progress(self, progress: Progress | None, done: int, total: int) -> None:
        self.files_done, self.files_total = done, total
        if progress:
            progress(done, total, f"{done}/{total} files")

    def _read(
        self, rel: str, path: Path, force: bool = False
    ) -> tuple[FileEntry | None, list[Chunk] | None, str | None]:
        """(entry, chunks, None); chunks None when the file is unchanged; or a skip reason.
        ``force``: chunk it even when unchanged (its shared vectors are gone or of another version)."""
        try:
            st = path.stat()
        except OSError:
            return None, None, "unreadable"
        with self._lock:
            old = None if force else self._files.get(rel)
        if old is not None and old.mtime_ns == st.st_mtime_ns and old.size == st.st_size:
            return old, None, None
        data, reason = read_source(path, self.scan_options, self.root)
        if data is None:
            return None, None, reason
        sha = hashlib.sha256(data).hexdigest()
        entry = FileEntry(st.st_mtime_ns, st.st_size, sha)
        if old is not None and old.sha == sha:
            entry.chunk_ids = old.chunk_ids
            with self._lock:
                self._files[rel] = entry  # touched, same content
                self._dirty = True
            return entry, None, None
        language = languages.language_for_path(rel) or ""  # the scan only yields known languages
        return entry, chunk_source(rel, data, language, self.chunk_options), None

    def _flush(
        self, pending: list[tuple[str, FileEntry, list[Chunk], int]], cancel: threading.Event | None
    ) -> int:
        if not pending:
            return 0
        if self.shared is not None:  # files published as they are here: their vectors are shared
            for rel, entry, chunks, gen in pending:
                if not chunks or self._shared_files.get(rel) == entry.sha:  # nothing to encode either way
                    entry.shared = True
                    self._apply(rel, entry, chunks, None, gen)
            pending = [p for p in pending if not p[1].shared]
        all_chunks = [c for _, _, chunks, _ in pending for c in chunks]
        vecs = self._vectors_for(all_chunks, cancel)
        pos = 0
        for rel, entry, chunks, gen in pending:
            self._apply(rel, entry, chunks, vecs[pos : pos + len(chunks)], gen)
            pos += len(chunks)
        if self.shared is not None and self.shared.publishes:  # this client owns the collection: publish
            self._publish(pending, [])
        release_freed_memory()
        return len(pending)

    def _vectors_for(self, chunks: list[Chunk], cancel: threading.Event | None = None) -> np.ndarray:
        """Vectors of ``chunks``: from the shared collection when anyone published the same text,
        else encoded here (the model loads only when something is left to encode)."""
        texts = [dense_text(c) for c in chunks]
        known: dict[str, np.ndarray] = {}
        if self.shared is not None and texts:
            known = self.shared.vectors_by_content(content_sha(t) for t in texts)
        todo = [t for t in texts if content_sha(t) not in known]
        if todo:
            self.embedder.load(self.gate)  # paced in a server; seconds, so cancellation is checked after it
            self._fits(self.embedder.dim)
            if cancel is not None and cancel.is_set():
                raise Cancelled()
        fresh = self.embedder.encode(todo, self._yield) if todo else None
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if not known:
            return fresh if fresh is not None else np.zeros((0, 0), dtype=np.float32)
        self.shared_reused += len(texts) - len(todo)
        it = iter(fresh if fresh is not None else [])
        return np.vstack(
            [known[content_sha(t)] if content_sha(t) in known else next(it) for t in texts]
        ).astype(np.float32)

    def _yield(self) -> None:
        if self.gate is not None:
            self.gate.wait_idle()

    def _fits(self, dim: int) -> bool:
        """False (and the index emptied, to be rebuilt) when the loaded vectors are not of the
        model's dimension: hnswlib must never be handed vectors of another size."""
        with self._lock:
            if self._vectors is None or self._vectors.dim == dim:
                return True
            self.rebuild_reason = f"dimension {self._vectors.dim} on disk, the model gives {dim}"
            log.warning("index of %s rebuilt: %s", self.root, self.rebuild_reason)
            for cid in list(self._chunks):
                self._lexical.remove(cid)
            self._chunks, self._labels, self._by_label, self._files = {}, {}, {}, {}
            self._vectors, self._next_label, self._dirty, self._stale = None, 0, True, True
            return False

    def _ensure_vectors(self) -> None:
        with self._lock:
            if self._vectors is None:
                # Shared mode: the collection knows the dimension, so no model loads for nothing.
                dim = self.shared.dimension() if self.shared is not None else None
                self._vectors = VectorIndex(dim or self.embedder.dim)

    def _apply(
        self, rel: str, entry: FileEntry | None, chunks: list[Chunk], vecs: np.ndarray | None, gen: int
    ) -> bool:
        """Replace a file's chunks (entry None: the file is gone). Skipped when a newer update won."""
        with self._lock:
            if self._generation[rel] != gen:
                return False
            old = self._files.pop(rel, None)
            if old is not None or entry is not None:
                self._dirty = True
            if old is not None:
                dead = [self._labels.pop(cid) for cid in old.chunk_ids if cid in self._labels]
                if self._vectors is not None:
                    self._vectors.remove(dead)
                for cid in old.chunk_ids:
                    self._chunks.pop(cid, None)
                    self._lexical.remove(cid)
                for label in dead:
                    self._by_label.pop(label, None)
            if entry is None:
                return old is not None
            if chunks and vecs is not None and self._vectors is None:
                self._vectors = VectorIndex(int(vecs.shape[1]), capacity=max(1024, 2 * len(chunks)))
            for chunk in chunks:
                self._chunks[chunk.id] = chunk
                self._lexical.set(chunk.id, chunk)
            if chunks and vecs is not None:  # None: the vectors live in the shared collection (no label)
                assert self._vectors is not None
                labels = list(range(self._next_label, self._next_label + len(chunks)))
                self._next_label += len(chunks)
                self._vectors.add(labels, vecs, threads=1)
                for chunk, label in zip(chunks, labels, strict=True):
                    self._labels[chunk.id] = label
                    self._by_label[label] = chunk.id
            entry.chunk_ids = [c.id for c in chunks]
            self._files[rel] = entry
            return True

    # -- incremental updates -----------------------------------------------------
    def update_file(self, path: Path, text: str | None = None, persist: bool = True) -> bool:
        """Re-index one file from ``text`` (an open buffer) or from disk; a missing file is removed.
        Returns True when the index changed."""
        rel = self.relpath(path)
        if rel is None or languages.language_for_path(rel) is None:
            return False
        self.ensure_loaded()
        indexable = True
        if is_ignored(self.root, rel, self.scan_options):
            text, indexable = None, False  # an ignored file is never indexed (and dropped if it was)
        elif os.path.lexists(self.root / rel):
            # Open buffer or not: a path that leads out of the folder (a symlink), or to a FIFO,
            # is never indexed, whichever way it came in (didOpen, didSave, watched files).
            _real, reason = containment.check_file(self.root / rel, [self.root])
            if reason is not None:
                self.skipped[reason] += 1
                text, indexable = None, False
        with self._lock:
            self._generation[rel] += 1
            gen = self._generation[rel]
        p = self.root / rel
        if not indexable or (text is None and not p.exists()):
            changed = self._apply(rel, None, [], None, gen)
            if changed and self.shared is not None and self.shared.publishes:
                self._publish([], [rel])
        else:
            data: bytes | None
            if text is not None:
                data = text.encode("utf-8", "surrogatepass")
                mtime, size = -1, len(data)  # a buffer: the next build re-reads the disk
            else:
                data, reason = read_source(p, self.scan_options, self.root)
                if data is None:
                    self.skipped[reason or "unreadable"] += 1
                    return self._apply(rel, None, [], None, gen)
                try:
                    st = p.stat()
                except OSError:
                    return False
                mtime, size = st.st_mtime_ns, st.st_size
            sha = hashlib.sha256(data).hexdigest()
            with self._lock:
                old = self._files.get(rel)
            if old is not None and old.sha == sha:
                return False
            self._yield()
            chunks = chunk_source(rel, data, languages.language_for_path(rel) or "", self.chunk_options)
            entry = FileEntry(mtime, size, sha)
            vecs: np.ndarray | None = None
            if self.shared is not None and self._shared_files.get(rel) == sha:
                entry.shared = True  # back to the published text: the shared vectors serve again
            else:  # an update before the first build loads the model paced too
                vecs = self._vectors_for(chunks)
            changed = self._apply(rel, entry, chunks, vecs, gen)
            if (
                changed
                and text is None
                and not entry.shared
                and self.shared is not None
                and self.shared.publishes
            ):
                self._publish([(rel, entry, chunks, gen)], [])  # saved to disk: this client publishes it
        if changed:
            self._lexical.refresh()
            if persist:
                self.save()
            for fn in list(self.file_listeners):
                try:
                    fn(self, rel)
                except Exception:
                    log.exception("file listener failed")
        return changed

    # -- queries -----------------------------------------------------------------
    def chunks(self) -> list[Chunk]:
        with self._lock:
            return list(self._chunks.values())

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self._chunks.get(chunk_id)

    def chunks_of(self, relpath: str) -> list[Chunk]:
        with self._lock:
            entry = self._files.get(relpath)
            return [self._chunks[c] for c in entry.chunk_ids] if entry else []

    def vector(self, chunk_id: str) -> np.ndarray | None:
        with self._lock:
            label = self._labels.get(chunk_id)
            chunk = self._chunks.get(chunk_id)
            entry = self._files.get(chunk.path) if chunk is not None else None
            if entry is not None and entry.shared and self.shared is not None:
                return self.shared.vector(chunk_id)
            if label is None or self._vectors is None or label not in self._vectors.live:
                return None
            row: np.ndarray = self._vectors.vectors([label])[0]
            return row

    def neighbours(self, target: str | np.ndarray, k: int = 10) -> list[tuple[Chunk, float]]:
        """The ``k`` chunks most similar to a chunk id or a vector (the chunk itself excluded)."""
        vec = self.vector(target) if isinstance(target, str) else np.asarray(target, dtype=np.float32)
        if vec is None:
            return []
        with self._lock:
            if self._vectors is None:
                return []
            found = self._vectors.query(vec, k + 1)
            local = [(self._by_label[lab], s) for lab, s in found if lab in self._by_label]
        ranked = merge(local, self._shared_dense(vec, k + 1, None), k + 1) if self.shared else local
        out = [(self._chunks[cid], s) for cid, s in ranked if cid in self._chunks]
        return [(c, s) for c, s in out if not (isinstance(target, str) and c.id == target)][:k]

    def symbols(self, query: str, limit: int = 100) -> list[Chunk]:
        return match_symbols(query, self.chunks(), limit)

    def search(
        self, query: str, k: int = 10, mode: str = "hybrid", paths: Iterable[str] | None = None
    ) -> list[SearchHit]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if not query.strip():
            return []
        allowed = self._allowed(paths)
        dense, lexical, names = self._legs(query, mode, max(50, 3 * k), allowed)
        if mode == "dense":
            ranked = dense
        elif mode == "lexical":
            ranked = lexical
        else:
            ranked = fuse(dense, lexical, names)
            if RERANK:
                ranked = self._reranked(query, ranked, dense, lexical, names)
        return self._hits(ranked, k)

    def candidates(
        self, query: str, tables: rerank.Tables | None = None, paths: Iterable[str] | None = None
    ) -> tuple[np.ndarray, list[Chunk]]:
        """The hybrid ranking's top ``rerank.POOL`` as the second stage sees them: a feature row
        each, and their chunks (for ``bench/search_train.py``, which fits that stage on them)."""
        dense, lexical, names = self._legs(query, "hybrid", 50, self._allowed(paths))
        cands, body = self._candidates(fuse(dense, lexical, names), dense, lexical, names)
        return self._features(query, cands, body, tables), [c.chunk for c in cands]

    def _features(
        self, query: str, cands: list[Candidate], body: list[list[str]], tables: rerank.Tables | None
    ) -> np.ndarray:
        idf = self._lexical.whole.idf(query_tokens(query))
        return rerank.features(query, cands, body, idf, tables)

    def _legs(
        self, query: str, mode: str, pool: int, allowed: set[str] | None
    ) -> tuple[list[tuple[str, float]], list[tuple[str, float]], list[tuple[str, float]]]:
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        names: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            qvec = self.embedder.encode_query(dense_query(query))
            self._fits(int(qvec.shape[-1]))
            with self._lock:
                if self._vectors is not None:
                    by_label = self._by_label
                    flt = None
                    if allowed is not None:
                        allowed_labels = {self._labels[c] for c in allowed if c in self._labels}
                        flt = allowed_labels.__contains__
                    found = self._vectors.query(
                        qvec, pool, flt, len(allowed) if allowed is not None else None
                    )
                    dense = [(by_label[lab], s) for lab, s in found if lab in by_label]
            if self.shared is not None:
                dense = merge(dense, self._shared_dense(qvec, pool, allowed), pool)
        if mode in ("hybrid", "lexical"):
            lexical, names = self._lexical.search(query_tokens(query), pool, allowed)
        return dense, lexical, names

    def _candidates(
        self,
        ranked: list[tuple[str, float]],
        dense: list[tuple[str, float]],
        lexical: list[tuple[str, float]],
        names: list[tuple[str, float]],
    ) -> tuple[list[Candidate], list[list[str]]]:
        d, lx, nm = dict(dense), dict(lexical), dict(names)
        out: list[Candidate] = []
        body: list[list[str]] = []
        with self._lock:
            for cid, score in ranked[: rerank.POOL]:
                c = self._chunks.get(cid)
                if c is None:
                    continue
                out.append(Candidate(c, score, d.get(cid), lx.get(cid, 0.0), nm.get(cid, 0.0)))
                body.append(self._lexical.whole.tokens_of(cid))
        return out, body

    def _reranked(
        self,
        query: str,
        ranked: list[tuple[str, float]],
        dense: list[tuple[str, float]],
        lexical: list[tuple[str, float]],
        names: list[tuple[str, float]],
    ) -> list[tuple[str, float]]:
        """The top ``rerank.POOL`` re-ordered by the learned stage (scores kept descending)."""
        model = rerank.load_model()
        if model is None or len(ranked) < 2:
            return ranked
        cands, body = self._candidates(ranked, dense, lexical, names)
        order = model.order(self._features(query, cands, body, model.tables))
        top = [cands[i].chunk.id for i in order]
        scores = sorted((s for _, s in ranked[: len(top)]), reverse=True)
        # below the pool the fused order stands (a pooled id whose chunk just went is dropped)
        return list(zip(top, scores, strict=True)) + ranked[rerank.POOL :]

    def _allowed(self, paths: Iterable[str] | None) -> set[str] | None:
        if not paths:
            return None
        import pathspec

        spec = pathspec.GitIgnoreSpec.from_lines(list(paths))
        with self._lock:
            return {cid for rel, e in self._files.items() if spec.match_file(rel) for cid in e.chunk_ids}

    def _hits(self, ranked: list[tuple[str, float]], k: int) -> list[SearchHit]:
        hits: list[SearchHit] = []
        seen: set[tuple[str, str]] = set()
        with self._lock:
            for cid, score in ranked:
                c = self._chunks.get(cid)
                if c is None:
                    continue
                if c.kind != "module":  # the windows of one long function are one result
                    key = (c.path, c.name)
                    if key in seen:
                        continue
                    seen.add(key)
                hits.append(
                    SearchHit(
                        self.uri_of(c.path),
                        c.path,
                        c.name,
                        c.kind,
                        round(score, 6),
                        preview(c),
                        c.text,
                        c.language,
                        c.id,
                        c.start_line,
                        c.start_col,
                        c.end_line,
                        c.end_col,
                        c.start_byte,
                        c.end_byte,
                    )
                )
                if len(hits) >= k:
                    break
        return hits

    def status(self) -> dict[Any, Any]:
        with self._lock:
            return {
                "state": self.state,
                "folder": str(self.root),
                "files_indexed": len(self._files),
                "files_done": self.files_done,
                "files_total": self.files_total,
                "chunks": len(self._chunks),
                "skipped": dict(self.skipped),
                "model": self.embedder.model_name,
                "backend": self.embedder.backend.name,
                "index_path": str(self.index_dir),
                "last_error": self.last_error,
                **(self._shared_status() if self.shared is not None else {}),
            }


def _under(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False
