"""The shared side of a folder's index (``index.store.kind = qdrant``), mixed into ``WorkspaceIndex``.

Files whose published content hash equals the working tree's take their vectors from the
shared collection (``index/shared.py``); the rest are encoded here into the local hnswlib
index, the overlay. A search asks both and merges by cosine similarity (same model on both
sides: the collection refuses another). In qdrant-client's local mode this client owns the
collection and publishes what it encodes from disk; against a server, ``aurelis index --push``
(CI) publishes. Open-buffer text is never published.

The methods use ``WorkspaceIndex``'s maps and lock; they live here to keep that class about
one folder's local index.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aurelis.index.chunk import Chunk
from aurelis.index.shared import SharedPoint
from aurelis.index.store import FileEntry
from aurelis.index.texts import dense_text

if TYPE_CHECKING:
    import threading
    from collections import Counter

    from aurelis.config.index import IndexSettings
    from aurelis.index.embedder import Embedder
    from aurelis.index.shared import SharedIndex
    from aurelis.index.vectors import VectorIndex

log = logging.getLogger(__name__)

Pending = list[tuple[str, FileEntry, list[Chunk], int]]


class SharedSide:
    if TYPE_CHECKING:  # provided by WorkspaceIndex
        root: Path
        settings: IndexSettings
        embedder: Embedder
        shared: SharedIndex | None
        shared_reused: int
        _shared_files: dict[str, str]
        _lock: threading.RLock
        _files: dict[str, FileEntry]
        _chunks: dict[str, Chunk]
        _labels: dict[str, int]
        _by_label: dict[int, str]
        _vectors: VectorIndex | None
        _generation: Counter[str]
        _dirty: bool

        @property
        def vectors_id(self) -> str: ...

        def save(self) -> None: ...

    def _shared_identity(self) -> dict[str, str]:
        s = self.settings
        return {
            "model_id": self.vectors_id,  # the model's identity and the embedded text's
            "backend": self.embedder.backend.name,
            "model": self.embedder.model_name,
            "chunking": f"{s.chunk_lines}/{s.window_lines}",
        }

    def _stale_shared(self, rel: str) -> bool:
        """A file indexed from the shared vectors whose published version changed since."""
        with self._lock:
            entry = self._files.get(rel)
        return bool(entry and entry.shared and entry.chunk_ids and self._shared_files.get(rel) != entry.sha)

    def _publish(self, pending: Pending, gone: list[str]) -> None:
        """Write these files' vectors to the collection (local mode, or ``aurelis index --push``)."""
        assert self.shared is not None
        points: list[SharedPoint] = []
        with self._lock:
            for rel, entry, chunks, _ in pending:
                if self._files.get(rel) is not entry:
                    continue  # a newer update won meanwhile
                labels = [self._labels[c.id] for c in chunks if c.id in self._labels]
                vecs: Any = self._vectors.vectors(labels) if self._vectors is not None and labels else []
                for c, v in zip(chunks, vecs, strict=False):
                    points.append(_point(c, entry.sha, v))
        self.shared.publish(points, [rel for rel, *_ in pending] + gone, commit=_commit(self.root))
        with self._lock:
            for rel, entry, _chunks, _ in pending:
                if self._files.get(rel) is entry:
                    self._shared_files[rel] = entry.sha
                    self._drop_local_vectors(entry)
            for rel in gone:
                self._shared_files.pop(rel, None)
            self._dirty = True

    def _drop_local_vectors(self, entry: FileEntry) -> None:
        """The file's vectors now live in the collection: the overlay forgets them."""
        dead = [self._labels.pop(c) for c in entry.chunk_ids if c in self._labels]
        if self._vectors is not None:
            self._vectors.remove(dead)
        for label in dead:
            self._by_label.pop(label, None)
        entry.shared = True

    def push(self) -> int:
        """Publish every file indexed here whose vectors are local (``aurelis index --push``)."""
        if self.shared is None:
            raise ValueError("index.store.kind is not qdrant: nothing to push to")
        with self._lock:
            local = [
                (rel, e, [self._chunks[c] for c in e.chunk_ids if c in self._chunks], self._generation[rel])
                for rel, e in self._files.items()
                if not e.shared
            ]
            gone = [rel for rel in self._shared_files if rel not in self._files]
        self._publish(local, gone)
        self.save()
        return len(local)

    def _shared_dense(self, qvec: np.ndarray, k: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        """The shared collection's nearest chunks, for the files whose published version is the
        local one (the overlay wins for the rest). A failing store costs its hits, not the search."""
        assert self.shared is not None
        with self._lock:
            overlay = [e for e in self._files.values() if not e.shared]
            exclude = {rel for rel, e in self._files.items() if not e.shared}
            gone = [rel for rel in self._shared_files if rel not in self._files]
            exclude.update(gone)
            # Points the excluded paths may hold in the collection: their published versions.
            budget = 2 * sum(len(e.chunk_ids) for e in overlay) + 32 * len(gone) + 16
            only = (
                {self._chunks[c].path for c in allowed if c in self._chunks} if allowed is not None else None
            )
        if only is not None and not only:
            return []
        try:
            found = self.shared.search(qvec, k, exclude, only, exclude_budget=budget)
        except Exception as exc:
            log.warning("shared index search failed, local results only: %s", exc)
            return []
        with self._lock:  # a hit must be a chunk of the working tree (same path, same content)
            return [
                (cid, s) for cid, s in found if cid in self._chunks and (allowed is None or cid in allowed)
            ]

    def _shared_status(self) -> dict[str, object]:
        assert self.shared is not None
        shared = sum(1 for e in self._files.values() if e.shared)
        return {
            "store": self.shared.describe(),
            "shared_files": shared,
            "overlay_files": len(self._files) - shared,
            "shared_chunks_reused": self.shared_reused,
        }


def merge(a: list[tuple[str, float]], b: list[tuple[str, float]], k: int) -> list[tuple[str, float]]:
    """Two cosine-ranked lists of one model, best first (an id seen twice keeps its best score)."""
    best: dict[str, float] = {}
    for cid, score in (*a, *b):
        if score > best.get(cid, -2.0):
            best[cid] = score
    return sorted(best.items(), key=lambda x: -x[1])[:k]


def content_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _point(c: Chunk, file_sha: str, vector: np.ndarray) -> SharedPoint:
    return SharedPoint(
        c.id,
        c.path,
        c.name,
        c.kind,
        c.language,
        c.start_line,
        c.end_line,
        c.start_byte,
        c.end_byte,
        content_sha(dense_text(c)),
        file_sha,
        vector,
    )


def _commit(root: Path) -> str | None:
    """HEAD's commit when the folder is a git checkout (read from .git, no subprocess)."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text("utf-8").strip()
        if head.startswith("ref: "):
            ref = git / head[5:]
            return ref.read_text("utf-8").strip() if ref.is_file() else None
        return head or None
    except OSError:
        return None
