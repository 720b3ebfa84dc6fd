"""Workspace trust: settings that send data somewhere, read the environment or run
something are honoured from user-level sources only (the client's settings, the
user config file), never from a workspace's own files until the user trusts that
folder, as VS Code's workspace trust and direnv's ``allow`` do it.

``GATED`` is the one list of such settings: a new one joins it with one line.
A workspace file (``pyproject.toml [tool.aurelis]``) that sets any of them gets
them dropped and one warning, unless the user trusted the folder *with these
values*: trust is keyed by the folder's resolved path and a hash of its gated
settings, so changing them asks again. The list of trusted folders lives in the
user config dir (``$AURELIS_CONFIG_DIR`` or platformdirs'), never in a workspace.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)

ENV = "AURELIS_CONFIG_DIR"
TRUST_FILE = "trusted-folders.json"


def _is_path(value: Any) -> bool:
    """A model *path* (not a bare model name) may point anywhere on disk."""
    if not isinstance(value, str):
        return True
    return value.startswith(("/", "~", ".", "\\")) or "/" in value or "\\" in value or ":" in value


@dataclass(frozen=True)
class Gate:
    """A setting at ``path`` (dotted; ``[]`` = every item of a list) that needs trust.

    In a list, the whole item that sets it is dropped (half a provider is no provider).
    ``when``: only values for which it returns True need trust (default: every value).
    """

    path: str
    why: str
    when: Callable[[Any], bool] | None = None


GATED: tuple[Gate, ...] = (
    Gate("ai.providers[].base_url", "sends your code to this URL"),
    Gate("ai.providers[].api_key_env", "sends the value of this environment variable"),
    Gate("ai.implement_test_command", "runs this command on your machine"),
    Gate("index.model", "loads a model from a path outside the workspace", when=_is_path),
    Gate("index.embeddings.base_url", "sends your code to this embeddings server"),
    Gate("index.embeddings.api_key_env", "sends the value of this environment variable"),
    Gate("index.store.url", "sends your code's vectors and paths to this Qdrant server"),
    Gate("index.store.api_key_env", "sends the value of this environment variable"),
    Gate("index.store.path", "writes the index to a folder outside the workspace"),
)


def is_gated(path: str) -> bool:
    """True when the setting at dotted ``path`` (list items as ``[]``) is user-level only."""
    return any(g.path == path for g in GATED)


# -- finding and stripping gated settings ---------------------------------------------------------


def _norm(key: Any) -> Any:
    return key.replace("-", "_") if isinstance(key, str) else key


def _parts(path: str) -> list[str]:
    out: list[str] = []
    for part in path.split("."):
        if part.endswith("[]"):
            out += [part[:-2], "[]"]
        else:
            out.append(part)
    return out


def _find(
    node: Any, parts: list[str], gate: Gate, where: str, hits: list[tuple[str, list[Any], Any]]
) -> None:
    """Collect (display key, container path, key in container) of each gated value under ``node``."""
    if not parts or not isinstance(node, dict):
        return
    head, rest = parts[0], parts[1:]
    for key in list(node):
        if _norm(key) != head:
            continue
        value = node[key]
        label = f"{where}.{head}" if where else head
        if rest and rest[0] == "[]":
            if isinstance(value, list):
                for i, item in enumerate(value):
                    sub: list[tuple[str, list[Any], Any]] = []
                    _find(item, rest[1:], gate, f"{label}[{i}]", sub)
                    if sub:  # the list item is the unit that is dropped
                        hits.append((f"{label}[{i}]", [key], i))
            continue
        if rest:
            inner: list[tuple[str, list[Any], Any]] = []
            _find(value, rest, gate, label, inner)
            hits += [(lbl, [key, *c], k) for lbl, c, k in inner]
        elif gate.when is None or gate.when(value):
            hits.append((label, [], key))


@dataclass(frozen=True)
class UntrustedSettings:
    """Gated settings a workspace file sets while its folder is not trusted (shown once)."""

    folder: str
    source: str
    keys: tuple[str, ...]
    digest: str

    @property
    def key(self) -> str:  # the interface of SettingsWarning
        return ", ".join(self.keys)

    def __str__(self) -> str:
        return (
            f"Aurelis: {self.source} sets {', '.join(self.keys)}, which can send your code or secrets "
            f"elsewhere or load code from outside the workspace: ignored until you trust this folder "
            f"(answer 'Trust folder', run the command aurelis.trustFolder, or `aurelis trust {self.folder}`)."
        )


def gated_values(data: dict[str, Any]) -> dict[str, Any]:
    """Display key → value (a list item whole) of every gated setting in ``data``."""
    out: dict[str, Any] = {}
    for gate in GATED:
        hits: list[tuple[str, list[Any], Any]] = []
        _find(data, _parts(gate.path), gate, "", hits)
        for label, container, key in hits:
            node: Any = data
            for part in container:
                node = node[part]
            out[label] = node[key]
    return dict(sorted(out.items()))


def digest(values: dict[str, Any]) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def strip(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without its gated settings (list items that set one are removed whole)."""
    data = copy.deepcopy(data)
    removals: list[tuple[list[Any], Any]] = []
    for gate in GATED:
        hits: list[tuple[str, list[Any], Any]] = []
        _find(data, _parts(gate.path), gate, "", hits)
        removals += [(c, k) for _, c, k in hits]
    for container, key in removals:
        node: Any = data
        for part in container:
            node = node[part]
        if isinstance(node, list):
            node[key] = None  # a hole, so the other indices stay valid; dropped below
        else:
            node.pop(key, None)
    _drop_holes(data)
    return data


def _drop_holes(node: Any) -> None:
    if isinstance(node, dict):
        for key in list(node):
            value = node[key]
            if isinstance(value, list) and any(v is None for v in value):
                value[:] = [v for v in value if v is not None]
                if not value:
                    del node[key]  # nothing left: the user's own list applies, not an empty one
                    continue
            _drop_holes(value)
    elif isinstance(node, list):
        for v in node:
            _drop_holes(v)


def gate(folder: Path, data: dict[str, Any], source: str) -> tuple[dict[str, Any], UntrustedSettings | None]:
    """The workspace settings ``data`` of ``folder`` as they may be honoured, and the warning if any."""
    values = gated_values(data)
    if not values:
        return data, None
    d = digest(values)
    key = _folder_key(folder)
    if TrustStore().is_trusted(key, d):
        return data, None
    log.info("untrusted folder %s: ignoring %s", key, ", ".join(values))
    return strip(data), UntrustedSettings(key, source, tuple(values), d)


def _folder_key(folder: Path) -> str:
    try:
        return str(Path(folder).resolve())
    except OSError:
        return str(Path(folder).absolute())


# -- the user-level list of trusted folders ------------------------------------------------------


def config_dir() -> Path:
    override = os.environ.get(ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir("aurelis"))


class TrustStore:
    """``{folder: {"digest": sha256 of its gated settings, "keys": [...], "at": epoch}}`` in JSON."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / TRUST_FILE

    def entries(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:  # a broken list trusts nothing
            log.warning("cannot read the trusted folders in %s: %s", self.path, exc)
            return {}
        folders = data.get("folders") if isinstance(data, dict) else None
        return {k: v for k, v in (folders or {}).items() if isinstance(v, dict)}

    def is_trusted(self, folder: str, digest_: str) -> bool:
        entry = self.entries().get(folder)
        return entry is not None and entry.get("digest") == digest_

    def allow(self, folder: str, digest_: str, keys: list[str] | tuple[str, ...] = ()) -> None:
        entries = self.entries()
        entries[folder] = {"digest": digest_, "keys": list(keys), "at": int(time.time())}
        self._write(entries)

    def revoke(self, folder: str) -> bool:
        entries = self.entries()
        found = entries.pop(folder, None) is not None
        if found:
            self._write(entries)
        return found

    def _write(self, entries: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".trust-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": 1, "folders": entries}, fh, indent=2, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def pending(folder: Path) -> tuple[str, dict[str, Any]]:
    """(digest, gated values) of ``folder``'s workspace settings as they are now."""
    from aurelis.config.pyproject import read_tool_section

    _path, section, _problem = read_tool_section(Path(folder))
    values = gated_values(section or {})
    return digest(values), values


def trust_folder(folder: Path) -> tuple[str, dict[str, Any]]:
    """Trust ``folder`` with its gated settings as they are now; returns (key, the values trusted)."""
    d, values = pending(folder)
    key = _folder_key(folder)
    TrustStore().allow(key, d, list(values))
    return key, values


def folder_trusted(folder: Path) -> bool:
    """True when ``folder``'s current gated workspace settings (if any) were trusted by the user."""
    d, values = pending(folder)
    return not values or TrustStore().is_trusted(_folder_key(folder), d)
