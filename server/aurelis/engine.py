"""The application core the LSP layer and the CLI drive: documents, folders,
settings. It sits above the feature packages (index, analysis, ai) and wires
them: they are handed what they need and never import the engine. Plain Python."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aurelis.config.settings import Settings
from aurelis.config.store import GLOBAL, SettingsStore
from aurelis.priority import ForegroundGate
from aurelis.workspace.documents import Documents
from aurelis.workspace.folders import Folder, Folders
from aurelis.workspace.positions import Encoding

if TYPE_CHECKING:
    from aurelis.ai.context import Retriever
    from aurelis.analysis.crossfile.scheduler import CrossFileScheduler, Sink

log = logging.getLogger(__name__)


class Engine:
    def __init__(self, encoding: Encoding = Encoding.UTF16) -> None:
        self.documents = Documents(encoding)
        self.folders = Folders()
        self.settings = SettingsStore()
        self.foreground = ForegroundGate()  # per-file diagnostics mark it; background work yields to it
        from aurelis.index.manager import IndexManager  # no torch: the model loads on first encode

        self.indexes = IndexManager(self.folders, self._settings_of, self.foreground)

    @property
    def encoding(self) -> Encoding:
        return self.documents.encoding

    @encoding.setter
    def encoding(self, value: Encoding) -> None:
        self.documents.encoding = value

    def folder_for(self, uri: str) -> Folder | None:
        return self.folders.owner(uri)

    def settings_for(self, uri: str | None = None) -> Settings:
        """Settings that apply to ``uri`` (its folder's), or the global ones."""
        folder = self.folders.owner(uri) if uri else None
        return self._settings_of(folder)

    def folder_settings(self, folder: Folder) -> Settings:
        return self.settings.get(folder.uri, folder.path)

    def _settings_of(self, folder: Folder | None) -> Settings:
        if folder is None:
            return self.settings.get(GLOBAL)
        return self.settings.get(folder.uri, folder.path)

    def retriever_for(self, uri: str | None) -> Retriever | None:
        """Related code for the AI context from ``uri``'s folder index: None when the folder
        has no enabled, built index (the AI features still work, without retrieval)."""
        from aurelis.ai.retrieval import index_retriever

        folder = self.folders.owner(uri) if uri is not None else None
        if folder is None or not self.folder_settings(folder).index.enabled:
            return None
        try:
            index = self.indexes.for_folder(folder)
        except Exception as exc:
            log.warning("no index for %s: %s", uri, exc)
            return None
        if not index.chunks():  # not built yet: nothing to relate to
            return None
        return index_retriever(index)

    def crossfile_scheduler(self, sink: Sink) -> CrossFileScheduler:
        """The background cross-file analysis of these folders and documents (the server's;
        ``aurelis check`` runs the same rules once through ``crossfile/runner.py``)."""
        from aurelis.analysis.crossfile.scheduler import CrossFileScheduler

        return CrossFileScheduler(
            self.folders, self.documents, self._settings_of, self.foreground, self.indexes, sink
        )
