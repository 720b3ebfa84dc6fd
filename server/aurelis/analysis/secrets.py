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

import math
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
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?"
            r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)"
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


def find_secrets(text: str, thorough: bool = False) -> list[SecretMatch]:
    """Secret values in ``text``, sorted by start offset, not overlapping.

    ``thorough`` (what leaves the machine): also passwords in URLs, bearer JWTs, secret
    defaults of ``os.environ.get``, concatenated and triple-quoted secrets, secrets in
    comments, ``mysql -p<pw>``-style command lines, credential tuples, and long random
    literals assigned to key-like names (entropy). The rule keeps to the precise shapes."""
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
    if thorough:
        for extra in _thorough(text):
            if not _covered(found, extra.start, extra.end):
                found.append(extra)
    found.sort(key=lambda s: (s.start, -s.end))
    out: list[SecretMatch] = []
    for s in found:  # drop overlaps, first wins
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out


def redact(text: str, marker: str = "<redacted:{kind}>", thorough: bool = True) -> str:
    """``text`` with every secret value replaced by ``marker`` (``{kind}`` is filled in);
    thorough by default: this is what runs before text leaves the machine."""
    parts: list[str] = []
    pos = 0
    for s in find_secrets(text, thorough):
        parts.append(text[pos : s.start])
        parts.append(marker.format(kind=s.kind))
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)


# -- thorough mode: what AI redaction adds (recall first; the rule keeps to the precise shapes) ---

_WEAK_NAME = re.compile(
    r"(?i)(?:^|_|(?<=[a-z])(?=[A-Z]))(?:key|keys|pw|pass|passphrase|auth|cred|creds|sig|signature|salt|seed|"
    r"session|cookie|dsn|private|priv|bearer|jwt|hmac)(?:$|_|(?=[A-Z]))"
)
# Anchored on the value (``= "…"`` / ``: "…"``), the name is read back from the text before
# it: scanning for a name at every word boundary costs several times more.
_NAMED_VALUE = re.compile(r"""[=:][ \t]*[rbuRBU]{0,2}(?P<quote>"|')(?P<value>[^"'\n]{1,500})(?P=quote)""")
_NAME_BEFORE = re.compile(
    r"""["']?(?P<name>[A-Za-z_][A-Za-z0-9_]*)["']?[ \t]*(?::[ \t]*[A-Za-z_][\w\[\], .]*)?[ \t]*$"""
)
_URL_PASSWORD = re.compile(r"(?i)\b[a-z][a-z0-9+.\-]*://[^/\s:@'\"]+:(?P<value>[^@\s/'\"]+)@")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}")
_BEARER = re.compile(r"(?i)\b(?:bearer|token)\s+(?P<value>[A-Za-z0-9._~+/\-]{16,}=*)")
_ENV_DEFAULT = re.compile(
    r"""(?x)\b(?:os\.)?(?:environ\.get|getenv)\(\s*["'](?P<var>\w+)["']\s*,\s*
    (?P<prefix>[rbuRBU]{0,2})(?P<quote>"|')(?P<value>[^"'\n]{1,500})(?P=quote)"""
)
_CONCAT_PART = re.compile(
    r"""\s*(?:\+\s*|\\\n\s*)?(?:[rbuRBU]{0,2})(?P<quote>"|')(?P<value>[^"'\n]{0,500})(?P=quote)"""
)
_TRIPLE_OPEN = re.compile(r"""[rbuRBU]{0,2}("{3}|'{3})""")
_TRIPLE_NAME = re.compile(r"\b(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[^=\n]*)?=[ \t]*$")
_COMMENT = re.compile(
    r"(?im)(?:#|//|--|/\*|\*)[^\n]*?\b(?:password|passwd|pwd|secret|token|api[ _-]?key|access[ _-]?key|passphrase)"
    r"\b\s*(?:[:=]|is|was)\s*[\"'`]?(?P<value>[^\s\"'`]{6,})"
)
_CLI_PASSWORD = re.compile(
    r"""(?x)(?:\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n"']*?\s-p(?P<value>[^\s"']+)
    |--password[= ](?P<value2>[^\s"']+)
    |\bsshpass\s+-p\s*(?P<value3>[^\s"']+)
    |\b(?:PGPASSWORD|MYSQL_PWD|REDISCLI_AUTH)=(?P<value4>[^\s"']+))"""
)
_CRED_PAIR = re.compile(
    r"""(?ix)\b(?:auth|basic_auth|http_auth|credentials?|creds|login|userpass|user_pass)\b["']?\s*(?:=|:)\s*
    [\(\[]\s*(?P<q1>["'])(?P<user>[^"'\n]*)(?P=q1)\s*,\s*[rbuRBU]{0,2}(?P<q2>["'])(?P<value>[^"'\n]+)(?P=q2)"""
)


def _entropy(value: str) -> float:
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for ch in value:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_random(value: str, min_len: int = 16) -> bool:
    """A long literal with no spaces, several character classes and high entropy: a key, not a word."""
    v = value.strip()
    if len(v) < min_len or any(ch.isspace() for ch in v) or v.startswith(("/", "./", "~", "http", "<")):
        return False
    classes = sum(
        (
            any(c.islower() for c in v),
            any(c.isupper() for c in v),
            any(c.isdigit() for c in v),
            any(not c.isalnum() for c in v),
        )
    )
    return classes >= 2 and _entropy(v) >= 3.5 and not _wordy(v)


def _wordy(value: str) -> bool:
    """Mostly words (``user-profile-v2``, ``last_name``): an identifier, not a key."""
    in_words = sum(len(m.group()) for m in re.finditer(r"[a-z]{3,}|[A-Z][a-z]{2,}", value))
    return in_words >= 0.6 * len(value)


def _secretish(value: str) -> bool:
    """A password-like token: not a placeholder, and not a plain lower-case word."""
    v = value.strip(".,;:)")
    if is_placeholder(v) or len(v) < 6:
        return False
    return any(c.isdigit() for c in v) or any(not c.isalnum() for c in v) or v != v.lower()


def _thorough(text: str) -> Iterator[SecretMatch]:
    if "://" in text and "@" in text:
        for m in _URL_PASSWORD.finditer(text):
            if not is_placeholder(m.group("value")):
                yield SecretMatch(m.start("value"), m.end("value"), "url-password")
    if "eyJ" in text:
        for m in _JWT.finditer(text):
            yield SecretMatch(m.start(), m.end(), "jwt")
    for m in _BEARER.finditer(text):
        if looks_random(m.group("value")):
            yield SecretMatch(m.start("value"), m.end("value"), "bearer-token")
    for m in _ENV_DEFAULT.finditer(text) if ("environ" in text or "getenv" in text) else ():
        var, value = m.group("var"), m.group("value")
        if (_KEYWORD.search(var) or _WEAK_NAME.search(var) or looks_random(value)) and not is_placeholder(
            value
        ):
            yield SecretMatch(m.start("value"), m.end("value"), "env-default")
    yield from _triple_quoted(text)
    for m in _COMMENT.finditer(text):
        if _secretish(m.group("value")):
            yield SecretMatch(m.start("value"), m.end("value"), "comment")
    cli = ("mysql", "mariadb", "--password", "sshpass", "PGPASSWORD", "MYSQL_PWD", "REDISCLI_AUTH")
    for m in _CLI_PASSWORD.finditer(text) if any(h in text for h in cli) else ():
        for group in ("value", "value2", "value3", "value4"):
            if m.group(group) and not is_placeholder(m.group(group)):
                yield SecretMatch(m.start(group), m.end(group), "cli-password")
    low = text.lower()
    creds = ("auth", "cred", "login", "userpass", "user_pass")
    for m in _CRED_PAIR.finditer(text) if any(h in low for h in creds) else ():
        if not is_placeholder(m.group("value")):
            yield SecretMatch(m.start("value"), m.end("value"), "credentials")
    for m in _NAMED_VALUE.finditer(text):
        before = _NAME_BEFORE.search(text, max(0, m.start() - 160), m.start())
        if before is None:
            continue
        name, value = before.group("name"), m.group("value")
        strong = bool(_KEYWORD.search(name))
        if strong or _WEAK_NAME.search(name):
            if strong and not is_placeholder(value):
                yield from _concatenated(text, m, "assignment")
            elif looks_random(value, 12):
                yield from _concatenated(text, m, "high-entropy")
        elif looks_random(value, 32) and _entropy(value) >= 4.2:
            yield SecretMatch(m.start("value"), m.end("value"), "high-entropy")


def _triple_quoted(text: str) -> Iterator[SecretMatch]:
    """Triple-quoted values (one line or many) of secret-named assignments."""
    if '"' * 3 not in text and "'" * 3 not in text:
        return
    pos = 0
    while (m := _TRIPLE_OPEN.search(text, pos)) is not None:
        quote = m.group(1)
        close = text.find(quote, m.end())
        if close < 0:
            return
        pos = close + 3  # the closing quotes never open the next string
        line_start = text.rfind("\n", 0, m.start()) + 1
        named = _TRIPLE_NAME.search(text, line_start, m.start())
        value = text[m.end() : close]
        if (
            named
            and _KEYWORD.search(named.group("name"))
            and not is_placeholder(value)
            and len(value.strip()) >= 4
        ):
            yield SecretMatch(m.end(), close, "assignment")


def _concatenated(text: str, m: re.Match[str], kind: str) -> Iterator[SecretMatch]:
    """The literal of ``m`` and every literal joined to it by ``+`` or implicit concatenation."""
    yield SecretMatch(m.start("value"), m.end("value"), kind)
    pos = m.end()
    while True:
        nxt = _CONCAT_PART.match(text, pos)
        if nxt is None or not nxt.group("value"):
            return
        yield SecretMatch(nxt.start("value"), nxt.end("value"), kind)
        pos = nxt.end()
