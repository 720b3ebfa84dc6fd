"""Redaction before a prompt leaves the machine, and restoring the real values if
the model echoes a redaction marker back into code we are about to apply (the
user's file must keep its value; only the provider must not see it)."""

from __future__ import annotations

import logging
import re
from typing import Any

from aurelis.analysis.secrets import find_secrets, redact

__all__ = ["masked", "redact", "restore", "scrub"]

_MARKER = re.compile(r"<redacted:([\w-]+)>")
_BEARER = re.compile(r"(?i)\b(bearer|basic|token)(\s+|%20|=)[A-Za-z0-9._~+/\-]{8,}=*")
_AUTH_FIELD = re.compile(
    r"""(?ix)(["']?(?:authorization|x-api-key|api[_-]?key|access[_-]?token)["']?\s*[:=]\s*["']?)(?!(?:bearer|basic|token)\b)[^\s"',}]{6,}"""
)


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` (an error body, a message for a log) without ``secrets``, bearer tokens,
    ``api_key=...``-style fields or any value shaped like a key."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "<redacted:api-key>")
    text = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}<redacted:token>", text)
    text = _AUTH_FIELD.sub(lambda m: f"{m.group(1)}<redacted:token>", text)
    return redact(text)


def restore(code: str, original: str) -> str:
    """Put ``original``'s secret values back where ``code`` carries their markers, in order per kind."""
    if "<redacted:" not in code:
        return code
    by_kind: dict[str, list[str]] = {}
    for s in find_secrets(original, thorough=True):
        by_kind.setdefault(s.kind, []).append(original[s.start : s.end])
    used: dict[str, int] = {}

    def swap(m: re.Match[str]) -> str:
        values = by_kind.get(m.group(1), [])
        i = used.get(m.group(1), 0)
        if i < len(values):
            used[m.group(1)] = i + 1
            return values[i]
        return values[-1] if values else m.group(0)

    return _MARKER.sub(swap, code)


# -- settings as they may be logged or shown ------------------------------------------------------
# API keys are never settings (only the *name* of their variable), but a base_url can carry
# ``user:password@`` or a ``?key=`` query, and a dict-typed setting can hold anything.
_SECRET_NAME = re.compile(r"(?i)(password|passwd|secret|token|api_?key|credential)(?!_env)")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^/\s@:]+):([^/\s@]+)@")
_QUERY = re.compile(r"(?i)([?&][a-z_\-]*(?:key|token|secret|password|sig|signature)[a-z_\-]*=)[^&#\s]+")
MASK = "****"


def mask_text(text: str) -> str:
    text = _USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}:{MASK}@", text)
    text = _QUERY.sub(lambda m: f"{m.group(1)}{MASK}", text)
    return scrub(text)


def masked(data: Any) -> Any:
    """A copy of ``data`` (settings as JSON) with secret-named values and credentials in URLs masked."""
    if isinstance(data, dict):
        return {
            k: MASK
            if isinstance(k, str) and _SECRET_NAME.search(k) and isinstance(v, str) and v
            else masked(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [masked(v) for v in data]
    if isinstance(data, str):
        return mask_text(data)
    return data


class MaskSecrets(logging.Filter):
    """On a log handler: every record (ours and pygls', which logs whole messages at debug)
    is written with credentials masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a broken record is the logging module's to report
            return True
        masked_text = mask_text(text)
        if masked_text != text:
            record.msg, record.args = masked_text, None
        return True
