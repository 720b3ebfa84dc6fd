"""Related code for the AI context: the workspace index's hybrid search (issue 3's
``engine.indexes``), when the folder has an enabled, built index; otherwise no
retrieval and the AI features still work."""

from __future__ import annotations

import logging
from typing import Any

from aurelis.ai.context import Related, Retriever

log = logging.getLogger(__name__)


def from_hits(hits: Any) -> list[Related]:
    """Index ``SearchHit``s (0-based lines, folder-relative paths) as context chunks."""
    return [Related(h.path, h.start_line + 1, h.end_line + 1, h.text, float(h.score)) for h in hits or []]


def index_retriever(index: Any) -> Retriever:
    """Search ``index`` (a ``WorkspaceIndex``). Until its embedding model is loaded the
    search is lexical: a multi-second model load must not delay an AI answer."""

    def retrieve(query: str, k: int) -> list[Related]:
        embedder = getattr(index, "embedder", None)
        mode = "hybrid" if embedder is None or getattr(embedder, "loaded", True) else "lexical"
        try:
            return from_hits(index.search(query, k, mode))
        except Exception as exc:  # a broken index degrades the context, never the command
            log.warning("index search for the AI context failed: %s", exc)
            return []

    return retrieve


def retriever_for(engine: Any, uri: str | None) -> Retriever | None:
    manager = getattr(engine, "indexes", None)
    if manager is None or uri is None:
        return None
    folder = engine.folder_for(uri)
    if folder is None or not engine.folder_settings(folder).index.enabled:
        return None
    try:
        index = manager.for_uri(uri)
    except Exception as exc:
        log.warning("no index for %s: %s", uri, exc)
        return None
    if index is None or not index.chunks():  # not built yet: searching would only load the model
        return None
    return index_retriever(index)
