"""Hard-coded secret detection, shared by the `hardcoded-secret` rule and the AI
redaction that runs before any text leaves the machine.

Two kinds of evidence:

- a string literal assigned (``=``, ``:``, keyword argument) to a name that says
  it is a secret (password, secret, token, api_key, …);
- a value with a well-known key shape anywhere in the text (``sk-…``, ``ghp_…``,
  ``AKIA…``, ``xox?-…``, ``-----BEGIN … PRIVATE KEY-----`` blocks).

Placeholders (empty, "changeme", "<your-key>", "xxx", "${VAR}", …) and values
read from the environment are not secrets. Offsets are character offsets into
the given ``str``; ``start``/``end`` cover the secret value only (without the
quotes), so redaction keeps the code around it intact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class SecretMatch:
    start: int
    end: int
    kind: str  # "assignment" or the key shape: "openai-key", "github-token", …

    def value(self, text: str) -> str:
        return text[self.start : self.end]


_SECRET_WORDS = r"(?:password|passwd|pwd|secret|token|api_?key|apikey|access_?key|private_?key|auth_?key|credentials?|client_secret)"
_SECRET_NAME = r"(?:[A-Za-z_][A-Za-z0-9_]*?)?" + _SECRET_WORDS + r"[A-Za-z0-9_]*"

# name = "value" | name: str = "value" | "name": "value" | name="value" (kwarg)
_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?P<name>["']?\b"""
    + _SECRET_NAME
    + r"""\b["']?)
    \s*(?::\s*[A-Za-z_][\w\[\], .]*)?\s*      # optional annotation
    (?:=|:)\s*
    (?P<prefix>[rbuRBU]{0,2})
    (?P<quote>\"\"\"|'''|"|')
    (?P<value>(?:(?!(?P=quote)).){1,500}?)
    (?P=quote)
    """
)

_KEY_SHAPES: list[tuple[str, re.Pattern[str]]] = [
    (
        "private-key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)"
        ),
    ),
    ("anthropic-key", re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{20,}")),
    ("openai-key", re.compile(r"\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_\-]{20,}")),
    ("github-token", re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}")),
    ("github-token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}")),
    ("aws-access-key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}")),
    ("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
    ("stripe-key", re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}")),
]

# a literal every match of the shape contains: skips most scans of ordinary code
_HINTS: dict[str, tuple[str, ...]] = {
    "private-key": ("PRIVATE KEY",),
    "anthropic-key": ("sk-ant-",),
    "openai-key": ("sk-",),
    "github-token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    "aws-access-key": ("AKIA", "ASIA"),
    "slack-token": ("xox",),
    "google-api-key": ("AIza",),
    "stripe-key": ("_live_", "_test_"),
}

_PLACEHOLDERS = {
    "changeme",
    "change_me",
    "change-me",
    "password",
    "secret",
    "token",
    "none",
    "null",
    "todo",
    "fixme",
    "example",
    "dummy",
    "test",
    "testing",
    "placeholder",
    "redacted",
    "your-key",
    "your_key",
    "yourkey",
    "your-token",
    "your_token",
    "your-password",
    "your_password",
    "your-secret",
    "your_secret",
    "api_key",
    "apikey",
    "api-key",
    "secret_key",
    "foo",
    "bar",
    "xxx",
    "***",
    "...",
    "<redacted>",
}


def is_placeholder(value: str) -> bool:
    v = value.strip()
    low = v.lower()
    if len(v) < 4 or low in _PLACEHOLDERS:
        return True
    if re.fullmatch(r"(.)\1+", v):  # xxxx, ****, 0000
        return True
    if re.fullmatch(r"<[^<>]*>|\{\{[^{}]*\}\}|\$\{[^{}]*\}|\$[A-Z_][A-Z0-9_]*|%\([^)]*\)s|\{[^{}]*\}", v):
        return True  # <your-key>, {{ var }}, ${VAR}, $VAR, %(name)s, {name}
    return bool(re.search(r"\byour[ _-]", low) or low.startswith(("env:", "os.environ", "getenv")))


def _covered(spans: list[SecretMatch], start: int, end: int) -> bool:
    return any(s.start <= start and end <= s.end for s in spans)


_KEYWORD = re.compile(r"(?i)" + _SECRET_WORDS)
_KEYWORD_LOWER = re.compile(_SECRET_WORDS)  # on ASCII text lowered once: several times faster than (?i)


def _assignments(text: str) -> Iterator[re.Match[str]]:
    """Exactly ``_ASSIGNMENT.finditer(text)``, but the regex is only tried where a match can
    start: at the start of a word that contains a secret keyword (or the quote before it).
    Scanning every position costs ~20x more on ordinary code."""
    starts: set[int] = set()
    keywords = _KEYWORD_LOWER.finditer(text.lower()) if text.isascii() else _KEYWORD.finditer(text)
    for k in keywords:
        w = k.start()
        while w > 0 and (text[w - 1].isalnum() or text[w - 1] == "_"):  # back to the word start (\w)
            w -= 1
        starts.add(w)
        if w > 0 and text[w - 1] in "\"'":
            starts.add(w - 1)
    end = 0
    for q in sorted(starts):
        if q < end:
            continue
        m = _ASSIGNMENT.match(text, q)
        if m:
            end = m.end()
            yield m


def find_secrets(text: str) -> list[SecretMatch]:
    """Secret values in ``text``, sorted by start offset, not overlapping."""
    found: list[SecretMatch] = []
    for kind, pattern in _KEY_SHAPES:
        if not any(hint in text for hint in _HINTS[kind]):
            continue  # `in` is far cheaper than a regex scan that starts with \b
        for m in pattern.finditer(text):
            if not _covered(found, m.start(), m.end()):
                found.append(SecretMatch(m.start(), m.end(), kind))
    for m in _assignments(text):
        start, end = m.start("value"), m.end("value")
        value = m.group("value")
        if "\n" in value or is_placeholder(value) or _covered(found, start, end):
            continue
        found.append(SecretMatch(start, end, "assignment"))
    found.sort(key=lambda s: s.start)
    out: list[SecretMatch] = []
    for s in found:  # drop overlaps, first wins
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out


def redact(text: str, marker: str = "<redacted:{kind}>") -> str:
    """``text`` with every secret value replaced by ``marker`` (``{kind}`` is filled in)."""
    parts: list[str] = []
    pos = 0
    for s in find_secrets(text):
        parts.append(text[pos : s.start])
        parts.append(marker.format(kind=s.kind))
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)
