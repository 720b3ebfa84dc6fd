"""Fusion of the dense and lexical rankings into one.

``rrf``: reciprocal-rank fusion (Cormack et al., k = 60), optionally weighted per ranking.
``score_fusion``: each side's scores min-max normalised over its own candidates, then a
weighted sum (a candidate missing from one side scores 0 there). ``FUSION`` is the choice
``WorkspaceIndex.search`` uses; the bench measures the others.
"""

from __future__ import annotations

from dataclasses import dataclass

RRF_K = 60


@dataclass(frozen=True)
class FusionOptions:
    method: str = "score"  # score | rrf
    dense_weight: float = 0.6
    lexical_weight: float = 0.4
    k: int = RRF_K


FUSION = FusionOptions()


def rrf(
    *rankings: list[str], k: int = RRF_K, weights: tuple[float, ...] | None = None
) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        w = 1.0 if weights is None else weights[i]
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + w / (k + rank + 1)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def score_fusion(*scored: list[tuple[str, float]], weights: tuple[float, ...]) -> list[tuple[str, float]]:
    total: dict[str, float] = {}
    for side, w in zip(scored, weights, strict=True):
        if not side:
            continue
        values = [s for _, s in side]
        lo, hi = min(values), max(values)
        span = hi - lo
        for item, s in side:
            total[item] = total.get(item, 0.0) + w * ((s - lo) / span if span > 0 else 1.0)
    return sorted(total.items(), key=lambda kv: -kv[1])


def fuse(dense: list[tuple[str, float]], lexical: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The hybrid ranking of (id, score) lists, best first, as ``FUSION`` says."""
    o = FUSION
    weights = (o.dense_weight, o.lexical_weight)
    if o.method == "score":
        return score_fusion(dense, lexical, weights=weights)
    return rrf([c for c, _ in dense], [c for c, _ in lexical], k=o.k, weights=weights)
