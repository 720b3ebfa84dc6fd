"""An opportunity: one or more findings that are worth one piece of work together."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

SEVERITY_WEIGHT = {"error": 8.0, "warning": 4.0, "info": 2.0, "hint": 1.0}


@dataclass(frozen=True)
class Site:
    """A place the opportunity touches (1-based lines, path relative to the workspace root)."""

    path: str
    start_line: int
    end_line: int
    symbol: str = ""

    @property
    def lines(self) -> int:
        return self.end_line - self.start_line + 1


@dataclass
class Opportunity:
    kind: str  # duplicate | long-function | complex-function | dead-code | finding
    code: str  # the rule code (AUR410, ...)
    title: str
    severity: str
    sites: list[Site]
    messages: list[str] = field(default_factory=list)
    churn: int = 0  # commits touching its files (git history), 0 without a repository
    score: float = 0.0

    @property
    def id(self) -> str:
        """Stable while the opportunity's code and places stay: used to ask for its plan."""
        key = "|".join([self.code, *(f"{s.path}:{s.symbol or s.start_line}" for s in self.sites)])
        return f"{self.code.lower()}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"

    @property
    def size(self) -> int:
        return sum(s.lines for s in self.sites)

    @property
    def files(self) -> list[str]:
        return sorted({s.path for s in self.sites})

    @property
    def large(self) -> bool:
        """Worth a plan (the code action "Plan with Aurelis" is offered on these)."""
        return self.kind in ("duplicate", "long-function", "complex-function", "dead-code")

    def to_json(self) -> dict:
        out = asdict(self)
        out.update(id=self.id, size=self.size, files=self.files)
        return out

    @classmethod
    def from_json(cls, data: dict) -> Opportunity:
        sites = [
            Site(**{k: s[k] for k in ("path", "start_line", "end_line", "symbol") if k in s})
            for s in data["sites"]
        ]
        return cls(
            data["kind"],
            data["code"],
            data["title"],
            data["severity"],
            sites,
            list(data.get("messages", [])),
            int(data.get("churn", 0)),
            float(data.get("score", 0.0)),
        )
