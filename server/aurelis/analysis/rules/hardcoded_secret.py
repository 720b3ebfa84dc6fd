"""AUR205: secrets written into the source (built on the shared detector in analysis/secrets.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity
from aurelis.analysis.secrets import SecretMatch, find_secrets

# where a string literal is "given to a name": `x = "…"`, `f(x="…")`, `{"x": "…"}`, `def f(x="…")`
_BINDING_PARENTS = {"assignment", "keyword_argument", "pair", "default_parameter", "typed_default_parameter"}
# a secret-sounding name that holds something else: the URL of the token endpoint, a prompt, a field name…
_NOT_A_VALUE = re.compile(
    r"(?i)(?:_|\b)(?:url|uri|endpoint|path|file|filename|dir|name|names|type|prompt|label|field|header|"
    r"param|env|envvar|var|pattern|regex|re|format|fmt|len|length|count|attr|key_name|hint|message|msg|"
    r"error|help|text|chars|prefix|suffix|separator|sep)['\"]?$"
)
_KIND_LABELS = {
    "private-key": "private key", "anthropic-key": "Anthropic API key", "openai-key": "OpenAI API key",
    "github-token": "GitHub token", "aws-access-key": "AWS access key", "slack-token": "Slack token",
    "google-api-key": "Google API key", "stripe-key": "Stripe key",
}
_NAME_FIELD = {"assignment": "left", "keyword_argument": "name", "pair": "key",
               "default_parameter": "name", "typed_default_parameter": "name"}


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
        "`password_prompt`), text with spaces, and in test files the assignments (fixtures use "
        "fake credentials on purpose; a real key shape is still flagged there)."
    )
    bad = 'DB_PASSWORD = "s3cr3t-Pa55"'
    good = 'DB_PASSWORD = os.environ["DB_PASSWORD"]'
    noqa = ("S105", "S106", "S107")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        text = ctx.doc.text
        if not text:
            return
        to_byte = _byte_offsets(text, ctx.source)
        contents = {(n.start_byte, n.end_byte): n for n in ctx.nodes("string_content")}
        for match in find_secrets(text):
            start, end = to_byte(match.start), to_byte(match.end)
            if match.kind == "assignment":
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
        if string.parent is None or string.parent.type not in _BINDING_PARENTS:
            return None
        value = match.value(text)
        if any(c.isspace() for c in value):  # prose ("Enter password: "), not a credential
            return None
        target = string.parent.child_by_field_name(_NAME_FIELD[string.parent.type])
        if target is None:
            return None
        name = ctx.text(target).strip("\"'").rsplit(".", 1)[-1]  # `self.api_key` -> api_key
        if _NOT_A_VALUE.search(name):
            return None
        return f"Hard-coded secret assigned to `{name}`; read it from the environment or a secret store"


def _byte_offsets(text: str, source: bytes):
    if len(text) == len(source):  # ASCII: characters are bytes
        return lambda i: i
    return lambda i: len(text[:i].encode("utf-8", "surrogatepass"))
