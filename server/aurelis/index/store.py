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
import struct
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from aurelis.index.backends.weights import file_sha256
from aurelis.index.chunk import Chunk
from aurelis.index.vectors import VectorIndex

FORMAT_VERSION = 2  # 2: the manifest carries its own checksum
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
    embedding: dict[Any, Any]  # the same, spelled out for people reading the manifest
    dim: int
    chunks: dict[str, Chunk]
    labels: dict[str, int]  # chunk id -> hnsw label
    files: dict[str, FileEntry]
    next_label: int
    vectors: VectorIndex


class StoreProblem(Exception):
    """Why a persisted index cannot be used (the caller rebuilds and logs this)."""


def load(directory: Path, model_id: str, dim: int | None = None) -> Snapshot:
    """The index in ``directory`` if it is sound and built by ``model_id`` (and, when the model
    is loaded, of its dimension ``dim``); else StoreProblem saying why."""
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
    if m.get("manifest_sha256") != manifest_checksum(m):
        raise StoreProblem("manifest altered (checksum mismatch)")
    if dim is not None and m.get("dimension") != dim:
        raise StoreProblem(f"dimension {m.get('dimension')} in the manifest, the model gives {dim}")
    try:
        vpath = directory / m["vectors_file"]
        if not vpath.exists() or file_sha256(vpath) != m["vectors_sha256"]:
            raise StoreProblem("vectors file missing or corrupt (hash mismatch)")
        chunks = {c["id"]: Chunk.from_json(c) for c in m["chunks"]}
        labels = {cid: int(label) for label, cid in m["labels"].items()}
        files = {p: FileEntry(**e) for p, e in m["files"].items()}
        dim = int(m["dimension"])
        if any(label < 0 or label >= int(m["next_label"]) for label in labels.values()):
            raise StoreProblem("labels beyond next_label")
        if len(set(labels.values())) != len(labels):
            raise StoreProblem("two chunks share a label")
        check_vectors_file(vpath, dim, labels.values())  # before hnswlib reads it
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
        "vectors_sha256": file_sha256(directory / vname),
        "next_label": snap.next_label,
        "labels": {str(label): cid for cid, label in snap.labels.items()},
        "files": {p: vars(e) for p, e in snap.files.items()},
        "chunks": [c.to_json() for c in snap.chunks.values()],
    }
    manifest["manifest_sha256"] = manifest_checksum(manifest)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".manifest-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(manifest, f, separators=(",", ":"))
    os.replace(tmp, directory / MANIFEST)
    if old and old != vname:
        (directory / old).unlink(missing_ok=True)


def _current_vectors_file(directory: Path) -> str | None:
    try:
        name = json.loads((directory / MANIFEST).read_text("utf-8")).get("vectors_file")
        return name if isinstance(name, str) else None
    except Exception:
        return None


# -- validation before hnswlib sees a file (a wrong dimension there aborts the process) -----------

_HNSW_HEADER = struct.Struct("<QQQQQQiIQQQdQ")  # hnswlib's saveIndex header, little-endian size_t


def check_vectors_file(path: Path, dim: int, labels: Iterable[int]) -> None:
    """Raise StoreProblem unless ``path`` is an hnswlib file of ``dim``-d vectors holding every
    label in ``labels``: the header's dimension, element count and size must agree with the
    manifest, and each manifest label must be one stored in the file (shifted labels would
    silently answer with other chunks)."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(_HNSW_HEADER.size)
        if len(head) < _HNSW_HEADER.size:
            raise StoreProblem("vectors file truncated")
        _off0, max_el, count, per_el, label_off, data_off = _HNSW_HEADER.unpack(head)[:6]
        if per_el <= 0 or not (data_off < label_off <= per_el - 8) or count > max_el:
            raise StoreProblem("vectors file header is inconsistent")
        if (label_off - data_off) != 4 * dim:
            raise StoreProblem(f"dimension {(label_off - data_off) // 4} on disk, {dim} in the manifest")
        if _HNSW_HEADER.size + count * per_el > size:
            raise StoreProblem("vectors file shorter than its element count")
        fh.seek(_HNSW_HEADER.size)
        block = np.frombuffer(fh.read(count * per_el), dtype=np.uint8).reshape(count, per_el)
    stored = set(block[:, label_off : label_off + 8].copy().view("<u8").ravel().tolist())
    wanted = set(labels)
    if len(wanted) > count:
        raise StoreProblem(f"{len(wanted)} labels in the manifest, {count} vectors on disk")
    if not wanted <= stored:
        raise StoreProblem(f"{len(wanted - stored)} manifest labels not in the vectors file")


def manifest_checksum(manifest: dict[Any, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


ORPHAN_AGE_S = 300  # a temp file this old is no write in progress: its writer was killed


def remove_orphans(directory: Path, now: float | None = None) -> int:
    """Remove what interrupted saves left behind (``*.tmp``, vectors files the manifest does not
    name) once older than ``ORPHAN_AGE_S``; returns how many were removed."""
    if not directory.is_dir():
        return 0
    current = _current_vectors_file(directory)
    now = time.time() if now is None else now
    removed = 0
    for entry in os.scandir(directory):
        name = entry.name
        orphan = name.endswith(".tmp") or (name.startswith("vectors-") and name != current)
        if not orphan:
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < ORPHAN_AGE_S:
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed
