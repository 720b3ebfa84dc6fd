"""Workspace folders (multi-root): which folder owns a document."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aurelis.workspace.uris import from_path, to_path


@dataclass(frozen=True, slots=True)
class Folder:
    uri: str
    name: str
    path: Path

    @classmethod
    def from_uri(cls, uri: str, name: str | None = None) -> Folder:
        path = to_path(uri) or Path(uri)
        return cls(uri=uri, name=name or path.name, path=path)

    @classmethod
    def from_path(cls, path: str | Path) -> Folder:
        p = Path(path).resolve()
        return cls(uri=from_path(p), name=p.name, path=p)


class Folders:
    """The set of workspace folders, kept in the order the client gave them."""

    def __init__(self) -> None:
        self._folders: dict[str, Folder] = {}

    def add(self, folder: Folder) -> None:
        self._folders[folder.uri.rstrip("/")] = folder

    def remove(self, uri: str) -> Folder | None:
        return self._folders.pop(uri.rstrip("/"), None)

    def __iter__(self) -> Iterator[Folder]:
        return iter(list(self._folders.values()))

    def __len__(self) -> int:
        return len(self._folders)

    def owner(self, uri: str) -> Folder | None:
        """The innermost folder containing ``uri`` (nested roots are allowed)."""
        path = to_path(uri)
        if path is None:
            return None
        best: Folder | None = None
        for folder in self._folders.values():
            try:
                path.relative_to(folder.path)
            except ValueError:
                continue
            if best is None or len(folder.path.parts) > len(best.path.parts):
                best = folder
        return best
