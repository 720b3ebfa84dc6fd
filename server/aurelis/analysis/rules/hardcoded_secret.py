"""AUR205: secrets written into the source (built on the shared detector in analysis/secrets.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity
from aurelis.analysis.secrets import SecretMatch, find_secrets

# where a string literal is "given to a name": `x = "…"`, `f(x="…")`, `{"x": "…"}`, `def f(x="…")`
_BINDING_PARENTS = {"assignment", "keyword_argument", "pair", "default_parameter", "typed_default_parameter"}
# a secret-sounding name that holds something else: the URL of the token endpoint, a prompt, a
# header or field name... (any word of the name, `HEADER_X_ACCESS_TOKEN` as well as `token_url`)
_NOT_A_VALUE = frozenset(
    [
        "url",
        "uri",
        "endpoint",
        "path",
        "file",
        "filename",
        "dir",
        "name",
        "names",
        "type",
        "prompt",
        "label",
        "field",
        "header",
        "param",
        "env",
        "envvar",
        "var",
        "pattern",
        "regex",
        "re",
        "format",
        "fmt",
        "len",
        "length",
        "count",
        "attr",
        "hint",
        "message",
        "msg",
        "error",
        "help",
        "text",
        "chars",
        "prefix",
        "suffix",
        "separator",
        "sep",
        "kind",
        "id",
    ]
)
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_KIND_LABELS = {
    "private-key": "private key",
    "anthropic-key": "Anthropic API key",
    "openai-key": "OpenAI API key",
    "github-token": "GitHub token",
    "aws-access-key": "AWS access key",
    "slack-token": "Slack token",
    "google-api-key": "Google API key",
    "stripe-key": "Stripe key",
}
_NAME_FIELD = {
    "assignment": "left",
    "keyword_argument": "name",
    "pair": "key",
    "default_parameter": "name",
    "typed_default_parameter": "name",
}


class HardcodedSecret(Rule):
    code = "AUR205"
    name = "hardcoded-secret"
    category = Category.SECURITY
    severity = Severity.WARNING
    summary = "Hard-coded secret in source"
    description = (
        "A password, token or key in the source ends up in every clone, backup and log of the "
        "repository. Read it from the environment or a secret store. Flagged: string literals "
        "given to a secret-sounding name (assignment, keyword argument, dict key, default "
        "parameter) and values with a well-known key shape (`sk-…`, `ghp_…`, `AKIA…`, private key "
        "blocks) anywhere. Not flagged: empty strings, placeholders (`changeme`, `<your-key>`, "
        "`${VAR}`), environment lookups, names that hold something else (`token_url`, "
        "`ACCESS_TOKEN_HEADER`), values that are names, codes or patterns rather than credentials "
        "(text with spaces, a one-case word such as `bearer`, words joined by `-`/`_`/`.` without "
        "digits, an echo of the variable's name, short digit codes, raw strings, escapes), and in "
        "test files the assignments (fixtures use fake credentials on purpose; a real key shape "
        "is still flagged there)."
    )
    bad = 'DB_PASSWORD = "s3cr3t-Pa55"'
    good = 'DB_PASSWORD = os.environ["DB_PASSWORD"]'
    noqa = ("S105", "S106", "S107")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        contents: dict[tuple[int, int], Any] | None = None
        for base, stop in ctx.spans:  # only the text this context owns: a unit, or the whole file
            raw = ctx.source[base:stop]
            text = raw.decode("utf-8", "surrogatepass")
            if not text:
                continue
            to_byte = _byte_offsets(text, raw)
            for match in find_secrets(text):
                start, end = base + to_byte(match.start), base + to_byte(match.end)
                if match.kind == "assignment":
                    if contents is None:
                        contents = {(n.start_byte, n.end_byte): n for n in ctx.nodes("string_content")}
                    message = self._assignment(ctx, match, text, contents.get((start, end)))
                    if message is None:
                        continue
                else:
                    message = f"Hard-coded {_KIND_LABELS.get(match.kind, match.kind)}; read it from the environment or a secret store"
                yield self.finding(start, end, message=message)

    @staticmethod
    def _assignment(ctx: RuleContext, match: SecretMatch, text: str, content: Any) -> str | None:
        if ctx.is_test_file:
            return None
        # the value must be a whole string literal bound to the name, not a fragment of a docstring
        if content is None or content.parent is None or content.parent.type != "string":
            return None
        string = content.parent
        binding = string.parent
        if binding is None or binding.type not in _BINDING_PARENTS:
            return None
        if binding.child_by_field_name("right" if binding.type == "assignment" else "value") != string:
            return None
        if binding.type == "pair" and getattr(binding.child_by_field_name("key"), "type", None) != "string":
            return None  # `{TOKEN_COMMENT: "comment"}`: the key is a variable, not a name for the value
        value = match.value(text)
        if any(c.isspace() for c in value):  # prose ("Enter password: "), not a credential
            return None
        target = binding.child_by_field_name(_NAME_FIELD[binding.type])
        if target is None:
            return None
        name = ctx.text(target).strip("\"'").rsplit(".", 1)[-1]  # `self.api_key` -> api_key
        if {w.lower() for w in _WORDS.findall(name)} & _NOT_A_VALUE or not _credential_like(
            name, value, _is_raw(ctx, string)
        ):
            return None
        return f"Hard-coded secret assigned to `{name}`; read it from the environment or a secret store"


def _is_raw(ctx: RuleContext, string: Any) -> bool:
    return "r" in ctx.text(string)[:3].split("'")[0].split('"')[0].lower()


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _credential_like(name: str, value: str, raw: bool) -> bool:
    """False for values that are names, codes or patterns rather than credentials."""
    if raw or "\\" in value:  # r"..." regexes, "\U000f0000" escapes
        return False
    n, v = _norm(name), _norm(value)
    if v and v in n:  # echoes the variable's name: EXPIRED_TOKEN = "expired_token"
        return False
    if n in v and not re.search(r"\d", value):  # "hf_oauth__refresh_token"
        return False
    if re.fullmatch(r"[a-z]+|[A-Z]+", re.sub(r"[^A-Za-z0-9]", "", value)):
        return False  # one-case word: "bearer", "FOOBAR", "[UNK]", "auth_header"
    if re.fullmatch(r"[A-Za-z]+(?:[-_.][A-Za-z]+)+", value):
        return False  # header / identifier: "Access-Control-Allow-Credentials"
    return not re.fullmatch(r"\d{1,7}", value)  # an error code such as "93503"


def _byte_offsets(text: str, source: bytes) -> Callable[[int], int]:
    if len(text) == len(source):  # ASCII: characters are bytes
        return lambda i: i
    return lambda i: len(text[:i].encode("utf-8", "surrogatepass"))
