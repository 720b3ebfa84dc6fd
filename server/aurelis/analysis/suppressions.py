"""Suppression comments: `# aurelis: ignore[AUR123, AUR4]`, bare `# aurelis: ignore`,
and `# noqa: X` for rules that declare X as their ruff/flake8 equivalent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aurelis.analysis.rule import Rule

_AURELIS = re.compile(r"#\s*aurelis:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
ALL = "*"


@dataclass
class Suppressions:
    """Per zero-based line: the selectors silenced there (ALL for a bare ignore)."""

    aurelis: dict[int, set[str]] = field(default_factory=dict)
    noqa: dict[int, set[str]] = field(default_factory=dict)

    @property
    def lines(self) -> bool:
        """Any suppression comment at all (most files have none: skip the statement lookups)."""
        return bool(self.aurelis or self.noqa)

    def silences(self, rule: type[Rule], line: int) -> bool:
        sel = self.aurelis.get(line)
        if sel is not None and (ALL in sel or any(rule.code.startswith(s) for s in sel)):
            return True
        codes = self.noqa.get(line)
        if codes:
            return rule.code in codes or any(c in codes for c in rule.noqa)
        return False


def _codes(raw: str) -> set[str]:
    return {c.strip().upper() for c in re.split(r"[\s,]+", raw) if c.strip()}


def scan(comments: list[tuple[int, str]]) -> Suppressions:
    """``comments``: (zero-based line, comment text) pairs from the tree."""
    out = Suppressions()
    for line, text in comments:
        if (m := _AURELIS.search(text)) is not None:
            codes = m.group("codes")
            out.aurelis.setdefault(line, set()).update(_codes(codes) if codes and codes.strip() else {ALL})
        if (m := _NOQA.search(text)) is not None:
            out.noqa.setdefault(line, set()).update(_codes(m.group("codes")))
    return out


def ignore_comment(existing: str | None, code: str) -> str:
    """The comment text that silences ``code`` on a line whose comment is ``existing``."""
    if existing is not None and (m := _AURELIS.search(existing)) is not None:
        codes = m.group("codes")
        if codes is None or not codes.strip():
            return existing  # a bare ignore already silences everything
        merged = sorted(_codes(codes) | {code})
        return existing[: m.start()] + f"# aurelis: ignore[{', '.join(merged)}]" + existing[m.end() :]
    return f"# aurelis: ignore[{code}]"
