"""Impact = severity weight x size (lines touched) x (1 + log2(1 + churn)): a large,
severe opportunity in code that keeps being changed comes first."""

from __future__ import annotations

import math

from aurelis.opportunities.model import SEVERITY_WEIGHT, Opportunity


def score(o: Opportunity) -> float:
    return round(SEVERITY_WEIGHT.get(o.severity, 1.0) * o.size * (1 + math.log2(1 + o.churn)), 1)


def rank(opportunities: list[Opportunity], churn: dict[str, int] | None = None) -> list[Opportunity]:
    for o in opportunities:
        o.churn = sum((churn or {}).get(p, 0) for p in o.files)
        o.score = score(o)
    return sorted(opportunities, key=lambda o: (-o.score, o.code, o.files, o.sites[0].start_line))
