"""The workspace semantic index: scan -> tree-sitter chunks -> embeddings -> HNSW + BM25.

Importing this package imports nothing heavy: numpy and hnswlib load with the first index,
the model runtime (onnxruntime, or torch) with the first encode.

Public API (stable; other features build on it):

- ``engine.indexes`` -> ``manager.IndexManager``: folders -> indexes.
  ``for_uri(uri)`` / ``for_folder(folder)`` -> ``WorkspaceIndex``; ``indexes()``;
  ``search(query, k=10, mode="hybrid"|"dense"|"lexical", paths=None)`` over all folders;
  ``wait_ready(timeout)`` / ``ready``; ``on_ready(fn(index))`` and
  ``on_file_reindexed(fn(index, relpath))`` (called from worker threads); ``status()``.
- ``service.WorkspaceIndex`` (one folder): ``build(progress, cancel)``, ``update_file(path, text=None)``,
  ``search(...) -> list[SearchHit]`` (uri, path, name (qualified), kind, score, preview, text, language,
  chunk_id, start/end line + byte column, start/end byte), ``chunks()`` / ``chunk(id)`` /
  ``chunks_of(relpath)`` -> ``Chunk`` (id, path, language, kind, name, byte and line range, text,
  signature, docstring, part), ``vector(chunk_id)``, ``neighbours(chunk_id | vector, k)`` ->
  ``[(Chunk, cosine)]``, ``symbols(query)``, ``status()``.
- ``embedder.Embedder`` / ``shared_embedder(model, max_tokens, batch_size, threads, backend)``:
  ``encode(texts) -> (n, dim) float32`` normalised, disk-cached by (model id, sha256(text));
  ``encode_query(text)``; ``count_tokens(text)``; ``model_id`` (backend, model, truncation, weights
  hash); ``stats`` (encoded, cache_hits); ``backend`` -> ``backends.EmbeddingBackend``.
- ``backends.EmbeddingBackend``: the model runtime behind the embedder (``onnx`` default,
  ``sentence-transformers`` with the torch extra); a new backend is a class and a line in ``make_backend``.
- ``chunker.chunk_source(relpath, bytes, language)`` and ``scan.walk(root, ScanOptions)`` alone.

Storage: ``$AURELIS_CACHE_DIR`` (else the platformdirs user cache dir) holds ``index/<folder>-<hash>/``
(manifest.json + vectors-*.bin, written atomically) and ``embeddings/`` (diskcache).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aurelis.index.chunk import Chunk
    from aurelis.index.service import SearchHit, WorkspaceIndex

__all__ = ["Chunk", "SearchHit", "WorkspaceIndex"]


def __getattr__(name: str) -> Any:
    # Lazy: importing a submodule (the manager at server start) must not pull numpy and the index in.
    if name == "Chunk":
        from aurelis.index.chunk import Chunk

        return Chunk
    if name in ("SearchHit", "WorkspaceIndex"):
        from aurelis.index import service

        return getattr(service, name)
    raise AttributeError(f"module 'aurelis.index' has no attribute {name!r}")
