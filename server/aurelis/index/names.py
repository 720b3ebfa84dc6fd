"""Module names from paths, and identifier splitting for the lexical side."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_SOURCE_ROOTS = ("src", "lib", "server")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")


def module_name(relpath: str) -> str:
    """``pkg/mod.py`` -> ``pkg.mod``; ``pkg/__init__.py`` -> ``pkg``; a leading src/ is dropped."""
    p = PurePosixPath(relpath)
    parts = list(p.parent.parts)
    if parts and parts[0] in _SOURCE_ROOTS:
        parts = parts[1:]
    stem = p.stem
    if p.suffix in (".ts", ".tsx") and stem.endswith(".d"):
        stem = stem[:-2]
    if stem not in ("__init__", "index", "mod", "lib") or not parts:
        parts.append(stem)
    return ".".join(x.replace("-", "_") for x in parts if x)


def split_identifier(word: str) -> list[str]:
    """``parseHTTPResponse_v2`` -> ``parse http response v 2`` (lower-case sub-tokens)."""
    out: list[str] = []
    for piece in word.split("_"):
        out.extend(m.group(0).lower() for m in _CAMEL.finditer(piece))
    return out


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def humanize(name: str) -> str:
    """``shop.pricing.total_price`` -> ``total price`` (the last part, split into words)."""
    return " ".join(split_identifier(name.rsplit(".", 1)[-1]))
