"""The open documents, keyed by URI."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from aurelis.workspace.document import Change, Document
from aurelis.workspace.positions import Encoding


class DocumentError(KeyError):
    """A request named a document that is not open."""


class Documents:
    """Open documents. Mutated on the event loop; readers on worker threads take
    a snapshot of ``(text, version)`` rather than holding the live object."""

    def __init__(self, encoding: Encoding = Encoding.UTF16) -> None:
        self.encoding = encoding
        self._docs: dict[str, Document] = {}
        self._lock = threading.Lock()

    def open(
        self,
        uri: str,
        text: str,
        version: int | None,
        language_id: str | None,
        max_bytes: int | None = None,
    ) -> Document:
        doc = Document(uri, text, version, language_id, self.encoding, max_bytes)
        with self._lock:
            self._docs[uri] = doc
        return doc

    def change(self, uri: str, changes: list[Change], version: int | None) -> Document:
        doc = self.get(uri)
        doc.apply_changes(changes, version)
        return doc

    def close(self, uri: str) -> Document | None:
        with self._lock:
            return self._docs.pop(uri, None)

    def get(self, uri: str) -> Document:
        try:
            return self._docs[uri]
        except KeyError:
            raise DocumentError(f"document is not open: {uri}") from None

    def find(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def __contains__(self, uri: str) -> bool:
        return uri in self._docs

    def __iter__(self) -> Iterator[Document]:
        with self._lock:
            return iter(list(self._docs.values()))

    def __len__(self) -> int:
        return len(self._docs)
