"""The workspace semantic index: scan -> tree-sitter chunks -> embeddings -> HNSW + BM25.

Importing this package does not import torch (the model loads on first encode).

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
- ``embedder.Embedder`` / ``shared_embedder(model, max_tokens, batch_size, threads)``:
  ``encode(texts) -> (n, dim) float32`` normalised, disk-cached by (model id, sha256(text));
  ``encode_query(text)``; ``stats`` (encoded, cache_hits).
- ``chunker.chunk_source(relpath, bytes, language)`` and ``scan.walk(root, ScanOptions)`` alone.

Storage: ``$AURELIS_CACHE_DIR`` (else the platformdirs user cache dir) holds ``index/<folder>-<hash>/``
(manifest.json + vectors-*.bin, written atomically) and ``embeddings/`` (diskcache).
"""

from aurelis.index.chunk import Chunk
from aurelis.index.service import SearchHit, WorkspaceIndex

__all__ = ["Chunk", "SearchHit", "WorkspaceIndex"]
