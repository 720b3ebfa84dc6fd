"""Related code for the AI context: the workspace index's hybrid search, when the
engine has an index; otherwise no retrieval (the AI features still work)."""

from __future__ import annotations

import logging
from typing import Any

from aurelis.ai.context import Related, Retriever

log = logging.getLogger(__name__)


def _hits_to_related(hits: Any) -> list[Related]:
    out: list[Related] = []
    for h in hits or []:
        get = h.get if isinstance(h, dict) else (lambda k, d=None, h=h: getattr(h, k, d))
        chunk = get("chunk")
        if chunk is not None:  # a hit wrapping a chunk
            cget = chunk.get if isinstance(chunk, dict) else (lambda k, d=None, c=chunk: getattr(c, k, d))
        else:
            cget = get
        path = cget("path") or cget("relpath") or get("path")
        text = cget("text") or cget("code") or ""
        start = cget("start_line") or cget("line") or 1
        end = cget("end_line") or start
        if path and text:
            out.append(Related(str(path), int(start), int(end), str(text), float(get("score", 0.0) or 0.0)))
    return out


def retriever_for(engine: Any, uri: str | None) -> Retriever | None:
    """A ``(query, k) -> [Related]`` over the index of ``uri``'s folder, or None."""
    search = getattr(engine, "search", None)
    if not callable(search):
        return None

    def retrieve(query: str, k: int) -> list[Related]:
        try:
            return _hits_to_related(search(query, k=k, uri=uri, mode="hybrid"))
        except Exception as exc:
            log.warning("index search failed: %s", exc)
            return []

    return retrieve
