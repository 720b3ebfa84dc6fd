"""One place that owns what the editor sees as a document's diagnostics.

Several producers publish for the same URI (per-file rules, cross-file rules,
AI review). LSP push diagnostics replace the whole set per URI, so producers
hand their own list to the hub and the hub publishes the union.
"""

from __future__ import annotations

import threading

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from aurelis.lsp.client import client_supports


class DiagnosticsHub:
    def __init__(self, ls: LanguageServer) -> None:
        self.ls = ls
        self._by_uri: dict[str, dict[str, list[types.Diagnostic]]] = {}
        self._lock = threading.Lock()
        # Set when the client pulls (textDocument/diagnostic): pushing as well would show
        # every diagnostic twice, so a change asks the client to pull again instead.
        self.pull = False

    def set(
        self,
        uri: str,
        producer: str,
        diagnostics: list[types.Diagnostic],
        version: int | None = None,
        publish: bool = True,
    ) -> None:
        """Replace ``producer``'s diagnostics for ``uri`` and (by default) push the union."""
        with self._lock:
            self._by_uri.setdefault(uri, {})[producer] = list(diagnostics)
        if publish:
            self.publish(uri, version)

    def clear(self, uri: str, producer: str | None = None, publish: bool = True) -> None:
        with self._lock:
            if producer is None:
                self._by_uri.pop(uri, None)
            else:
                self._by_uri.get(uri, {}).pop(producer, None)
        if publish:
            self.publish(uri)

    def get(self, uri: str, producer: str | None = None) -> list[types.Diagnostic]:
        with self._lock:
            producers = self._by_uri.get(uri, {})
            if producer is not None:
                return list(producers.get(producer, []))
            return [d for diags in producers.values() for d in diags]

    def uris(self) -> list[str]:
        with self._lock:
            return list(self._by_uri)

    def publish(self, uri: str, version: int | None = None) -> None:
        if self.pull:
            if client_supports(self.ls, "workspace.diagnostics.refresh_support"):
                self.ls.workspace_diagnostic_refresh(None)
            return
        self.ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=self.get(uri), version=version)
        )
