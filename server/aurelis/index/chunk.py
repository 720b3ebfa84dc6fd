"""A chunk: the unit the index embeds, ranks and returns."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Chunk:
    id: str  # "<relpath>::<qualified name>#<ordinal>", stable while the code keeps its shape
    path: str  # posix path relative to the workspace folder
    language: str
    kind: str  # function | method | class | interface | module
    name: str  # qualified: package.module.Class.method
    start_byte: int
    end_byte: int
    start_line: int  # 0-based, like LSP
    start_col: int  # byte column
    end_line: int
    end_col: int
    text: str  # the source of the chunk (a class: header, docstring and member signatures)
    signature: str = ""
    docstring: str = ""
    part: int = 0  # >0 for the windows of an oversize function

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    def to_json(self) -> dict[Any, Any]:
        return {name: getattr(self, name) for name in _FIELDS}

    @classmethod
    def from_json(cls, data: dict[Any, Any]) -> Chunk:
        return cls(**data)


_FIELDS = tuple(f.name for f in fields(Chunk))
