"""A team's shared vectors in a Qdrant collection (the ``aurelis[qdrant]`` extra).

One collection per repository, embedding model and backend; its metadata records them,
and a client configured with another model is refused (vectors of different models never
mix). A point is one chunk of one file as it was published (by CI with
``aurelis index --push``, or by the client itself in local mode). Its payload: path,
qualified name, kind, range, language, the chunk's content hash, the file's content hash,
the model id and the commit.

A client uses the shared vector of every file whose content hash equals its working tree's
and indexes the rest (dirty or unpublished files) locally, as an overlay; a search merges
both sides, the overlay winning for its paths. Before encoding, a client looks the chunk's
content hash up in the collection: a chunk that anyone published is never encoded again.

The lexical side (BM25) stays local: chunking a file is cheap next to encoding it, and the
local chunks are exactly the working tree's, dirty files included.
"""

from __future__ import annotations

import atexit
import configparser
import contextlib
import hashlib
import logging
import os
import re
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

FORMAT = 1
_NS = uuid.UUID("6f1b2a70-93c1-4a55-9a57-2f1d6c0e0a11")  # point ids: uuid5 of the chunk id
_SCROLL = 1024
_MATCH_ANY = 512  # values per MatchAny condition


class SharedIndexError(RuntimeError):
    """The shared store cannot be used as configured (missing package, unreachable, wrong model)."""


@dataclass(frozen=True)
class SharedPoint:
    """What a client publishes for one chunk."""

    chunk_id: str
    path: str
    name: str
    kind: str
    language: str
    start_line: int
    end_line: int
    start_byte: int
    end_byte: int
    content_sha: str
    file_sha: str
    vector: np.ndarray


def repository_key(root: Path) -> str:
    """The repository a folder belongs to: its ``origin`` remote without credentials, else its name."""
    cfg = Path(root) / ".git" / "config"
    url = None
    if cfg.is_file():
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            parser.read(cfg, encoding="utf-8")
            url = parser.get('remote "origin"', "url", fallback=None)
        except (configparser.Error, OSError, UnicodeDecodeError):
            url = None
    if url:
        url = re.sub(r"^[a-z+]+://[^@/]*@", "", url.strip())  # drop user:password@
        url = re.sub(r"^[^@/:]+@", "", url)  # git@host:owner/repo
        url = re.sub(r"\.git$", "", url).replace(":", "/")
        return url.rstrip("/").lower()
    return Path(root).resolve().name.lower()


def collection_name(repo: str, model_id: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", repo.lower()).strip("-")[-48:] or "workspace"
    return f"aurelis-{slug}-{hashlib.sha256(model_id.encode()).hexdigest()[:10]}"


_clients: dict[tuple[str, str], Any] = {}
_clients_lock = threading.Lock()


def _client_for(settings: Any, path: str, where: str) -> Any:
    try:
        from qdrant_client import QdrantClient
    except ImportError as exc:
        raise SharedIndexError(
            "index.store.kind is qdrant but qdrant-client is not installed: pip install 'aurelis[qdrant]'"
        ) from exc
    key = ("url", f"{settings.url}|{settings.api_key_env}") if settings.url else ("path", path)
    with _clients_lock:
        if key in _clients:
            return _clients[key]
        try:
            if settings.url:
                api_key = os.environ.get(settings.api_key_env) if settings.api_key_env else None
                if settings.api_key_env and not api_key:
                    raise SharedIndexError(
                        f"environment variable {settings.api_key_env} (index.store.api_key_env) is not set"
                    )
                client = QdrantClient(url=settings.url, api_key=api_key, timeout=int(settings.timeout))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                client = QdrantClient(path=path)
        except SharedIndexError:
            raise
        except Exception as exc:  # portalocker's "already accessed by another instance", connection errors
            raise SharedIndexError(f"cannot open {where}: {exc}") from None
        if not _clients:  # closed before interpreter teardown, when its __del__ can no longer import
            atexit.register(close_clients)
        _clients[key] = client
        return client


def close_clients() -> None:
    """Close every client of this process (tests, and a CLI run before it exits)."""
    with _clients_lock:
        for client in _clients.values():
            with contextlib.suppress(Exception):
                client.close()
        _clients.clear()


def _hits(points: list[Any], exclude: set[str]) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for p in points:
        pl = p.payload or {}
        if isinstance(pl.get("chunk_id"), str) and pl.get("path") not in exclude:
            out.append((pl["chunk_id"], float(p.score)))
    return out


def point_id(chunk_id: str) -> str:
    return str(uuid.uuid5(_NS, chunk_id))


class SharedIndex:
    """Reads and publishes one folder's vectors in a Qdrant collection. Thread-safe."""

    def __init__(self, settings: Any, root: Path, identity: dict[str, Any]) -> None:
        """``settings``: ``index.store``; ``identity``: model_id, backend, model, chunking, dimension."""
        self.settings = settings
        self.root = Path(root)
        self.identity = identity
        self.repo = repository_key(self.root)
        self.collection = settings.collection or collection_name(self.repo, identity["model_id"])
        # Local mode: this client owns the collection and publishes what it encodes from disk;
        # against a server, CI publishes (``aurelis index --push``) unless told otherwise.
        self.local = not settings.url
        self.publishes = settings.publish == "always" or (settings.publish == "auto" and self.local)
        self._client: Any = None
        self._exists: bool | None = None
        self._lock = threading.RLock()

    # -- connection ----------------------------------------------------------------
    def describe(self) -> str:
        where = self.settings.url or f"local mode at {self._path()}"
        return f"qdrant collection {self.collection!r} ({where})"

    def _path(self) -> str:
        if self.settings.path:
            return str(Path(self.settings.path).expanduser())
        from aurelis.index.paths import folder_index_dir

        return str(folder_index_dir(self.root) / "qdrant")

    def client(self) -> Any:
        """The process's client for this location: local mode locks its folder, so two
        indexes of one process (a settings reload) must share one client, not open two."""
        if self._client is None:
            self._client = _client_for(self.settings, self._path(), self.describe())
        return self._client

    # -- the collection and its identity -------------------------------------------
    def exists(self) -> bool:
        """True when the collection exists and was built by this model (else SharedIndexError)."""
        with self._lock:
            if self._exists is None:
                c = self.client()
                try:
                    if not c.collection_exists(self.collection):
                        return False
                    meta = c.get_collection(self.collection).config.metadata or {}
                except Exception as exc:
                    raise SharedIndexError(f"cannot read {self.describe()}: {exc}") from None
                self._check(meta)
                self._exists = True
            return self._exists

    def _check(self, meta: dict[str, Any]) -> None:
        for key in ("model_id", "backend", "chunking"):
            theirs, ours = meta.get(key), self.identity.get(key)
            if theirs != ours:
                raise SharedIndexError(
                    f"{self.describe()} was built with {key} {theirs!r}, this client uses {ours!r}: refused "
                    "(vectors of different models never mix; point index.store.collection elsewhere or "
                    "change the embedding settings back)"
                )

    def dimension(self) -> int | None:
        if not self.exists():
            return None
        meta = self.client().get_collection(self.collection).config.metadata or {}
        return int(meta["dimension"]) if isinstance(meta.get("dimension"), int) else None

    def create(self, dim: int) -> None:
        from qdrant_client import models

        with self._lock:
            if self.exists():
                return
            c = self.client()
            meta = {**self.identity, "format": FORMAT, "repository": self.repo, "dimension": dim}
            c.create_collection(
                self.collection,
                vectors_config=models.VectorParams(size=dim, distance=models.Distance.COSINE),
                metadata=meta,
            )
            if not self.local:  # local mode has no payload indexes (and says so on every call)
                for field in ("path", "content_sha"):
                    c.create_payload_index(self.collection, field, models.PayloadSchemaType.KEYWORD)
            self._exists = True
            log.info("created %s for %s", self.describe(), self.identity["model_id"])

    # -- reading -------------------------------------------------------------------
    def files(self) -> dict[str, str]:
        """path -> published file content hash."""
        if not self.exists():
            return {}
        out: dict[str, str] = {}
        offset = None
        while True:
            points, offset = self.client().scroll(
                self.collection,
                limit=_SCROLL,
                offset=offset,
                with_payload=["path", "file_sha"],
                with_vectors=False,
            )
            for p in points:
                pl = p.payload or {}
                if isinstance(pl.get("path"), str):
                    out[pl["path"]] = str(pl.get("file_sha"))
            if offset is None:
                return out

    def vectors_by_content(self, shas: Iterable[str]) -> dict[str, np.ndarray]:
        """Published vectors of chunks with these content hashes (any path): never encode twice."""
        from qdrant_client import models

        wanted = sorted(set(shas))
        if not wanted or not self.exists():
            return {}
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(wanted), _MATCH_ANY):
            flt = models.Filter(
                must=[
                    models.FieldCondition(
                        key="content_sha", match=models.MatchAny(any=wanted[i : i + _MATCH_ANY])
                    )
                ]
            )
            offset = None
            while True:
                points, offset = self.client().scroll(
                    self.collection,
                    scroll_filter=flt,
                    limit=_SCROLL,
                    offset=offset,
                    with_payload=["content_sha"],
                    with_vectors=True,
                )
                for p in points:
                    sha = (p.payload or {}).get("content_sha")
                    if isinstance(sha, str) and p.vector is not None:
                        out[sha] = np.asarray(p.vector, dtype=np.float32)
                if offset is None:
                    break
        return out

    def vector(self, chunk_id: str) -> np.ndarray | None:
        if not self.exists():
            return None
        found = self.client().retrieve(
            self.collection, [point_id(chunk_id)], with_vectors=True, with_payload=False
        )
        return (
            np.asarray(found[0].vector, dtype=np.float32) if found and found[0].vector is not None else None
        )

    def search(
        self,
        vector: np.ndarray,
        k: int,
        exclude_paths: Iterable[str] = (),
        only_paths: Iterable[str] | None = None,
        exclude_budget: int = 0,
    ) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, cosine similarity), best first, leaving out ``exclude_paths``.

        ``exclude_budget``: about how many points the excluded paths hold. The search asks for
        more than ``k`` (up to that many more) and drops them here: a payload filter costs a pass
        over every point in local mode (measured ~10x the unfiltered query on 6.5k points), and
        the overlay is small. The filtered query remains the fallback when too few are left."""
        from qdrant_client import models

        if k <= 0 or not self.exists():
            return []
        query = np.asarray(vector, dtype=np.float32)
        exclude = set(exclude_paths)
        if only_paths is None:
            # Widen step by step: the excluded share of the top hits is usually the overlay's
            # share of the files, and every returned point costs (~0.3 ms each in local mode).
            limit, most = (2 * k + 16, k + exclude_budget) if exclude else (k, k)
            while True:
                limit = min(limit, most)
                res = self.client().query_points(
                    self.collection, query=query, limit=limit, with_payload=["chunk_id", "path"]
                )
                hits = _hits(res.points, exclude)
                if len(hits) >= k or len(res.points) < limit:
                    return hits[:k]
                if limit >= most:
                    break
                limit *= 4
        must = (
            [models.FieldCondition(key="path", match=models.MatchAny(any=sorted(only_paths)))]
            if only_paths
            else []
        )
        must_not = (
            [models.FieldCondition(key="path", match=models.MatchAny(any=sorted(exclude)))] if exclude else []
        )
        res = self.client().query_points(
            self.collection,
            query=query,
            query_filter=models.Filter(must=must or None, must_not=must_not or None),
            limit=k,
            with_payload=["chunk_id", "path"],
        )
        return _hits(res.points, exclude)[:k]

    # -- publishing ----------------------------------------------------------------
    def publish(
        self, points: list[SharedPoint], replace_paths: Iterable[str], commit: str | None = None
    ) -> int:
        """Replace what the collection holds for ``replace_paths`` by ``points`` (files gone: no points)."""
        from qdrant_client import models

        replace = sorted(set(replace_paths))
        if not points and not replace:
            return 0
        if points:
            self.create(int(points[0].vector.shape[0]))
        elif not self.exists():
            return 0
        c = self.client()
        with self._lock:
            for i in range(0, len(replace), _MATCH_ANY):
                c.delete(
                    self.collection,
                    points_selector=models.FilterSelector(
                        filter=models.Filter(
                            must=[
                                models.FieldCondition(
                                    key="path", match=models.MatchAny(any=replace[i : i + _MATCH_ANY])
                                )
                            ]
                        )
                    ),
                )
            model_id = self.identity["model_id"]
            for i in range(0, len(points), 256):
                batch = [
                    models.PointStruct(
                        id=point_id(p.chunk_id),
                        vector=p.vector.astype(np.float32).tolist(),
                        payload={
                            "chunk_id": p.chunk_id,
                            "path": p.path,
                            "name": p.name,
                            "kind": p.kind,
                            "language": p.language,
                            "start_line": p.start_line,
                            "end_line": p.end_line,
                            "start_byte": p.start_byte,
                            "end_byte": p.end_byte,
                            "content_sha": p.content_sha,
                            "file_sha": p.file_sha,
                            "model_id": model_id,
                            "commit": commit,
                        },
                    )
                    for p in points[i : i + 256]
                ]
                c.upsert(self.collection, batch)
        return len(points)
