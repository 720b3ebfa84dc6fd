"""Persistence of one folder's index: a manifest and an hnswlib file, written atomically.

The manifest holds the format version, the embedding identity (model id: backend,
model, truncation, weights hash; spelled out under ``embedding``), dimension, the label -> chunk
map, the chunks and the per-file fingerprints; it names the vectors file and
its sha256. The vectors file is written first under a fresh name, then the
manifest replaces the old one with ``os.replace``: a reader sees the old index
or the new one, never half of each. Anything missing, corrupt or mismatched is
reported as a reason to rebuild (hnswlib is never handed a file whose hash is
wrong, since a bad file can crash it).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from aurelis.index.chunk import Chunk
from aurelis.index.vectors import VectorIndex

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


@dataclass
class FileEntry:
    mtime_ns: int
    size: int
    sha: str
    chunk_ids: list[str] = field(default_factory=list)
    shared: bool = False  # its vectors live in the shared collection (index.store.kind = qdrant)


@dataclass
class Snapshot:
    model_id: str  # backend, model, truncation and weights hash: any change rebuilds
    embedding: dict  # the same, spelled out for people reading the manifest
    dim: int
    chunks: dict[str, Chunk]
    labels: dict[str, int]  # chunk id -> hnsw label
    files: dict[str, FileEntry]
    next_label: int
    vectors: VectorIndex


class StoreProblem(Exception):
    """Why a persisted index cannot be used (the caller rebuilds and logs this)."""


def _sha_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(directory: Path, model_id: str) -> Snapshot:
    mpath = directory / MANIFEST
    if not mpath.exists():
        raise StoreProblem("no index on disk")
    try:
        m = json.loads(mpath.read_text("utf-8"))
        version = m["format_version"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreProblem(f"corrupt manifest ({exc.__class__.__name__})") from None
    if version != FORMAT_VERSION:
        raise StoreProblem(f"format version {version} (expected {FORMAT_VERSION})")
    if m.get("model_id") != model_id:
        raise StoreProblem(f"built with model {m.get('model_id')!r}, configured {model_id!r}")
    try:
        vpath = directory / m["vectors_file"]
        if not vpath.exists() or _sha_file(vpath) != m["vectors_sha256"]:
            raise StoreProblem("vectors file missing or corrupt (hash mismatch)")
        chunks = {c["id"]: Chunk.from_json(c) for c in m["chunks"]}
        labels = {cid: int(label) for label, cid in m["labels"].items()}
        files = {p: FileEntry(**e) for p, e in m["files"].items()}
        dim = int(m["dimension"])
        vectors = VectorIndex.load(str(vpath), dim, labels.values())
        return Snapshot(
            m["model_id"], m.get("embedding") or {}, dim, chunks, labels, files, int(m["next_label"]), vectors
        )
    except StoreProblem:
        raise
    except Exception as exc:
        raise StoreProblem(f"corrupt index ({exc.__class__.__name__}: {exc})") from None


def save(directory: Path, snap: Snapshot) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    old = _current_vectors_file(directory)
    vname = f"vectors-{uuid.uuid4().hex[:12]}.bin"
    vtmp = directory / (vname + ".tmp")
    snap.vectors.save(str(vtmp))
    os.replace(vtmp, directory / vname)
    manifest = {
        "format_version": FORMAT_VERSION,
        "model_id": snap.model_id,
        "embedding": snap.embedding,
        "dimension": snap.dim,
        "vectors_file": vname,
        "vectors_sha256": _sha_file(directory / vname),
        "next_label": snap.next_label,
        "labels": {str(label): cid for cid, label in snap.labels.items()},
        "files": {p: vars(e) for p, e in snap.files.items()},
        "chunks": [c.to_json() for c in snap.chunks.values()],
    }
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".manifest-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(manifest, f, separators=(",", ":"))
    os.replace(tmp, directory / MANIFEST)
    if old and old != vname:
        (directory / old).unlink(missing_ok=True)


def _current_vectors_file(directory: Path) -> str | None:
    try:
        return json.loads((directory / MANIFEST).read_text("utf-8")).get("vectors_file")
    except Exception:
        return None
