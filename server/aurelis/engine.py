"""The application core the LSP layer and the CLI drive: documents, folders,
settings. Feature services (index, analysis, AI) hang off it. Plain Python."""

from __future__ import annotations

from aurelis.config.settings import Settings
from aurelis.config.store import GLOBAL, SettingsStore
from aurelis.priority import ForegroundGate
from aurelis.workspace.documents import Documents
from aurelis.workspace.folders import Folder, Folders
from aurelis.workspace.positions import Encoding


class Engine:
    def __init__(self, encoding: Encoding = Encoding.UTF16) -> None:
        self.documents = Documents(encoding)
        self.folders = Folders()
        self.settings = SettingsStore()
        self.foreground = ForegroundGate()  # per-file diagnostics mark it; background work yields to it
        from aurelis.index.manager import IndexManager  # no torch: the model loads on first encode

        self.indexes = IndexManager(self)

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
        if folder is None:
            return self.settings.get(GLOBAL)
        return self.settings.get(folder.uri, folder.path)

    def folder_settings(self, folder: Folder) -> Settings:
        return self.settings.get(folder.uri, folder.path)
