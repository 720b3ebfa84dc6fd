"""A hand-made chunk, as the chunker would produce it, for the reranker's feature tests."""

from __future__ import annotations

from aurelis.index.chunk import Chunk


def chunk(name: str, text: str, kind: str = "function", part: int = 0) -> Chunk:
    lines = text.count("\n")
    return Chunk(
        id=f"m.py::{name}#0",
        path="m.py",
        language="python",
        kind=kind,
        name=name,
        start_byte=0,
        end_byte=len(text),
        start_line=0,
        start_col=0,
        end_line=lines,
        end_col=0,
        text=text,
        signature=text.splitlines()[0] if kind in ("function", "method") else "",
        part=part,
    )
