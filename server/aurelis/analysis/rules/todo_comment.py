"""AUR407: TODO/FIXME/XXX/HACK markers in comments, surfaced as hints."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity
from aurelis.analysis.syntax import names_option

DEFAULT_MARKERS = ("TODO", "FIXME", "XXX", "HACK")
_MAX_MESSAGE = 100


class TodoComment(Rule):
    code = "AUR407"
    name = "todo-comment"
    category = Category.MAINTAINABILITY
    severity = Severity.HINT
    enabled_by_default = False
    summary = "TODO/FIXME/XXX/HACK marker in a comment"
    description = (
        "Markers of unfinished work, listed so they are not forgotten. Only comments are searched "
        "(not strings), and only the upper-case words `TODO`, `FIXME`, `XXX` and `HACK`, so prose "
        "such as 'a todo list' is not flagged. Option `markers = [...]` replaces the list."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 0% actionable, 0% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. TODO/XXX notes in libraries document known limitations rather than pending tasks. "
        "Select it by code to use it."
    )
    bad = "# TODO: handle timeouts\nresponse = fetch(url)"
    good = "response = fetch(url, timeout=10)  # see issue #42 for retries"
    noqa = ("FIX001", "FIX002", "FIX003", "FIX004")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        markers = names_option(ctx.option(self.code, "markers", DEFAULT_MARKERS), DEFAULT_MARKERS)
        if not markers:
            return
        pattern = re.compile(
            rb"(?<![A-Za-z0-9_])(" + b"|".join(re.escape(m.encode()) for m in markers) + rb")(?![A-Za-z0-9_])"
        )
        for comment in ctx.nodes("comment"):
            raw = ctx.source[comment.start_byte : comment.end_byte]
            match = pattern.search(raw)
            if match is None:
                continue
            start = comment.start_byte + match.start()
            end = comment.start_byte + len(raw.rstrip())
            marker = match.group(1).decode()
            rest = raw[match.end() :].decode("utf-8", "replace").lstrip(" :-").strip()
            message = f"{marker}: {rest}" if rest else f"{marker} marker"
            if len(message) > _MAX_MESSAGE:
                message = message[: _MAX_MESSAGE - 1] + "…"
            yield self.finding(start, end, message=message)
