"""Per-folder settings resolution (multi-root): each folder has its own pyproject
and its own scoped ``workspace/configuration`` answer."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from aurelis.config.settings import Settings
from aurelis.config.sources import Layer, SettingsWarning, read_pyproject, resolve, unwrap
from aurelis.config.user import read_user_config

GLOBAL = ""  # key of settings not scoped to a folder
INIT_OPTIONS = "initializationOptions"
CLIENT_CONFIGURATION = "workspace/configuration"
EDITOR_SOURCES = frozenset({INIT_OPTIONS, CLIENT_CONFIGURATION})


class SettingsStore:
    def __init__(self) -> None:
        self._init_options: dict[str, Any] = {}
        self._client: dict[str, dict[str, Any]] = {}
        self._pyproject: dict[str, Layer | None] = {}
        self._user: Layer | None = read_user_config()
        self._resolved: dict[str, Settings] = {}
        # Shown once per bad key per change: identities already shown, and those each folder's
        # last resolution produced (an identity no folder produces any more may be shown again).
        self._reported: set[Hashable] = set()
        self._current: dict[str, set[Hashable]] = {}
        self._pending: list[SettingsWarning] = []
        self._lock = threading.Lock()

    # -- inputs ----------------------------------------------------------------
    def set_init_options(self, options: Any) -> None:
        with self._lock:
            self._init_options = unwrap(options)
            self._resolved.clear()

    def set_client(self, folder_key: str, options: Any) -> None:
        """The ``workspace/configuration`` answer for a folder (or GLOBAL)."""
        with self._lock:
            self._client[folder_key] = unwrap(options)
            self._resolved.clear()

    def invalidate_pyproject(self, folder_key: str | None = None) -> None:
        with self._lock:
            if folder_key is None:
                self._pyproject.clear()
                self._user = read_user_config()
            else:
                self._pyproject.pop(folder_key, None)
            self._resolved.clear()

    # -- outputs ---------------------------------------------------------------
    def get(self, folder_key: str = GLOBAL, folder_path: Path | None = None) -> Settings:
        with self._lock:
            cached = self._resolved.get(folder_key)
            if cached is not None:
                return cached
            layers: list[Layer] = [self._user] if self._user is not None else []
            if folder_path is not None:
                if folder_key not in self._pyproject:
                    self._pyproject[folder_key] = read_pyproject(folder_path)
                if (py := self._pyproject[folder_key]) is not None:
                    layers.append(py)
            layers.append(Layer(INIT_OPTIONS, self._init_options))
            # a client that has nothing folder-specific answers null: the global answer applies
            client = self._client.get(folder_key) or self._client.get(GLOBAL)
            if client:
                layers.append(Layer(CLIENT_CONFIGURATION, client))
            settings, warnings = resolve(layers)
            self._current[folder_key] = {_identity(w) for w in warnings}
            self._reported &= set().union(*self._current.values())
            for w in warnings:
                if _identity(w) not in self._reported:
                    self._reported.add(_identity(w))
                    self._pending.append(w)
            self._resolved[folder_key] = settings
            return settings

    def forget_folder(self, folder_key: str) -> None:
        with self._lock:
            self._current.pop(folder_key, None)
            self._pyproject.pop(folder_key, None)
            self._resolved.pop(folder_key, None)

    def take_warnings(self) -> list[SettingsWarning]:
        """Warnings not shown yet; each distinct one is handed out once."""
        with self._lock:
            out, self._pending = self._pending, []
            return out


def _identity(w: SettingsWarning | Hashable) -> Hashable:
    """What makes two warnings the same for the user: the key, the problem and the value, and for
    pyproject.toml which file. The editor's two channels for the same settings
    (initializationOptions and workspace/configuration) are one source: a bad key sent both ways
    is one warning, not two. Other notices (trust.UntrustedSettings) are their own identity."""
    if not isinstance(w, SettingsWarning):
        return w
    origin = "editor" if w.source in EDITOR_SOURCES else w.source
    return (origin, w.key, w.problem, w.value_id)
