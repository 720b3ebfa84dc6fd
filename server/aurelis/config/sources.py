"""Layered settings: defaults < user config file < pyproject.toml < initializationOptions < workspace/configuration.

Each layer is cleaned on its own: an unknown key or an invalid value is dropped
(so the next lower layer, or the default, applies) and reported once as a
warning naming the key, the source and the problem. Nothing here raises on bad
user input.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import logging
import typing
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from aurelis.config.pyproject import read_tool_section
from aurelis.config.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SettingsWarning:
    source: str
    key: str
    problem: str
    # A digest of the offending value (never the value: it may be a secret), so that a bad key
    # changed to another bad value warns again and an unchanged one does not.
    value_id: str = dc_field(default="", repr=False)

    def __str__(self) -> str:
        return f"Aurelis: setting '{self.key}' from {self.source}: {self.problem}; using the default."


@dataclass(frozen=True, slots=True)
class Layer:
    source: str  # e.g. "pyproject.toml (/repo)", "initializationOptions"
    data: dict[str, Any]


def read_pyproject(folder: Path, *, gated: bool = True) -> Layer | None:
    """``[tool.aurelis]`` of ``folder/pyproject.toml``; a broken file is a warning, not a crash.

    ``gated``: settings only a user may set (``trust.GATED``) are dropped unless the user
    trusted the folder; the layer then carries the one warning saying so.
    """
    path, section, problem = read_tool_section(folder)
    if problem is not None:
        return Layer(f"{path}", {"__unreadable__": problem})
    if section is None:
        return None
    if gated:
        from aurelis.config.trust import gate

        section, untrusted = gate(folder, section, str(path))
        if untrusted is not None:
            section = {**section, "__untrusted__": untrusted}
    return Layer(str(path), section)


def unwrap(options: Any) -> dict[str, Any]:
    """Clients send either the settings object or ``{"aurelis": {...}}``."""
    if not isinstance(options, dict):
        return {}
    inner = options.get("aurelis")
    if isinstance(inner, dict) and len(options) == 1:
        return inner
    return options


def clean(layer: Layer) -> tuple[dict[str, Any], list[SettingsWarning]]:
    """Drop every invalid or unknown key of ``layer``; return what remains and the warnings."""
    warnings: list[SettingsWarning] = []
    data = dict(layer.data)
    if (untrusted := data.pop("__untrusted__", None)) is not None:
        warnings.append(untrusted)  # one warning for every setting the folder's trust would allow
    data = copy.deepcopy(data)
    if "__unreadable__" in data:
        return {}, [*warnings, SettingsWarning(layer.source, "tool.aurelis", str(data["__unreadable__"]))]
    data = _normalize_keys(Settings, data)
    for _ in range(200):  # each round removes at least one key
        try:
            Settings.model_validate(data)
            return data, warnings
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = list(err["loc"])
                key = ".".join(str(p) for p in loc)
                if err["type"] == "extra_forbidden":
                    problem = "unknown setting" + _did_you_mean(loc)
                else:
                    problem = err["msg"]
                warnings.append(SettingsWarning(layer.source, key, problem, _value_id(err.get("input"))))
                _delete(data, loc)
    return {}, warnings  # pathological input: fall back to defaults


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep merge of nested settings dicts; lists and scalars in ``over`` replace."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve(layers: list[Layer]) -> tuple[Settings, list[SettingsWarning]]:
    """Settings from ``layers`` (lowest precedence first) plus the warnings they raised."""
    merged: dict[str, Any] = {}
    warnings: list[SettingsWarning] = []
    for layer in layers:
        data, warns = clean(layer)
        warnings.extend(warns)
        merged = merge(merged, data)
    try:
        return Settings.model_validate(merged), warnings
    except ValidationError as exc:  # cross-layer conflict: still never fail
        warnings.append(SettingsWarning("merged settings", "*", str(exc)))
        return Settings(), warnings


def _normalize_keys(model: type[BaseModel], data: Any) -> Any:
    """Accept kebab-case keys (``max-file-bytes``) for model fields; dict-typed fields keep theirs."""
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_") if isinstance(key, str) else key
        field = model.model_fields.get(name)
        if field is None:
            out[key] = value
            continue
        sub = _model_of(field.annotation)
        if sub is not None:
            if isinstance(value, dict):
                value = _normalize_keys(sub, value)
            elif isinstance(value, list):
                value = [_normalize_keys(sub, v) for v in value]
        out[name] = value
    return out


def _did_you_mean(loc: list[Any]) -> str:
    """`` (did you mean 'index.enabled'?)`` for an unknown key close to a known one at its level."""
    model: type[BaseModel] | None = Settings
    for part in loc[:-1]:
        field = model.model_fields.get(part) if isinstance(part, str) and model else None
        if field is None:
            if isinstance(part, int):  # a list item (ai.providers[0]) keeps the list's model
                continue
            return ""
        model = _model_of(field.annotation)
    name = loc[-1]
    if model is None or not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name.replace("-", "_"), list(model.model_fields), n=1, cutoff=0.6)
    if not close:
        return ""
    prefix = ".".join(str(p) for p in loc[:-1])
    return f" (did you mean '{prefix + '.' if prefix else ''}{close[0]}'?)"


def _value_id(value: Any) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "replace")).hexdigest()[:16]


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _delete(data: Any, loc: list[Any]) -> None:
    """Remove the value at ``loc``; if it is missing (a required field), remove its parent."""
    parents: list[tuple[Any, Any]] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            parents.append((node, part))
            node = node[part]
        else:
            break  # path ends early: the deepest existing item is the offender
    if not parents:
        return
    container, key = parents[-1]
    del container[key]
