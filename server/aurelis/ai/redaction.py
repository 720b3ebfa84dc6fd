"""Redaction before a prompt leaves the machine, and restoring the real values if
the model echoes a redaction marker back into code we are about to apply (the
user's file must keep its value; only the provider must not see it)."""

from __future__ import annotations

import re

from aurelis.analysis.secrets import find_secrets, redact

__all__ = ["redact", "restore"]

_MARKER = re.compile(r"<redacted:([\w-]+)>")


def restore(code: str, original: str) -> str:
    """Put ``original``'s secret values back where ``code`` carries their markers, in order per kind."""
    if "<redacted:" not in code:
        return code
    by_kind: dict[str, list[str]] = {}
    for s in find_secrets(original):
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
