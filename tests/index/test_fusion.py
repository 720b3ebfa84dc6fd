"""Fusion of the dense and lexical rankings: weighted RRF and normalised score fusion."""

from __future__ import annotations

import pytest

from aurelis.index import fusion
from aurelis.index.fusion import FusionOptions, fuse, rrf, score_fusion


def test_rrf_sums_reciprocal_ranks_and_weights_each_ranking():
    assert [c for c, _ in rrf(["a", "b"], ["b", "c"])] == ["b", "a", "c"]
    # Two leaders tie unweighted; weighting the second ranking 3x puts its leader first.
    assert rrf(["a", "b"], ["c"])[0][1] == rrf(["a", "b"], ["c"])[1][1]
    weighted = rrf(["a", "b"], ["c"], weights=(1.0, 3.0))
    assert weighted[0] == ("c", pytest.approx(3 / 61))


def test_score_fusion_normalises_each_side_over_its_own_candidates():
    dense = [("a", 0.9), ("b", 0.5), ("c", 0.1)]
    lexical = [("c", 40.0), ("b", 30.0), ("a", 0.0)]
    fused = dict(score_fusion(dense, lexical, weights=(0.6, 0.4)))
    # Min-max per side: a = 0.6*1 + 0.4*0, b = 0.6*0.5 + 0.4*0.75, c = 0.6*0 + 0.4*1.
    assert fused == pytest.approx({"a": 0.6, "b": 0.6, "c": 0.4})


def test_score_fusion_keeps_confidence_that_rrf_throws_away():
    # Dense is sure of "x" (0.9 vs 0.2); lexical barely prefers "y". RRF ties them, scores do not.
    dense = [("x", 0.9), ("y", 0.2), ("z", 0.1)]
    lexical = [("y", 10.0), ("x", 9.9), ("z", 1.0)]
    assert rrf(["x", "y", "z"], ["y", "x", "z"])[0][1] == rrf(["x", "y", "z"], ["y", "x", "z"])[1][1]
    assert score_fusion(dense, lexical, weights=(0.5, 0.5))[0][0] == "x"


def test_score_fusion_handles_empty_and_single_candidate_sides():
    assert score_fusion([], [], weights=(0.5, 0.5)) == []
    assert score_fusion([("a", 0.3)], [], weights=(0.6, 0.4)) == [("a", pytest.approx(0.6))]
    # One candidate (no spread) counts as fully matched rather than dividing by zero.
    assert dict(score_fusion([("a", 0.3), ("b", 0.3)], [("b", 2.0)], weights=(0.5, 0.5))) == {
        "a": 0.5,
        "b": 1.0,
    }


def test_fuse_follows_the_configured_method(monkeypatch):
    dense = [("x", 0.9), ("y", 0.2), ("z", 0.1)]
    lexical = [("y", 10.0), ("x", 9.9), ("z", 1.0)]
    monkeypatch.setattr(fusion, "FUSION", FusionOptions(method="rrf", dense_weight=1.0, lexical_weight=1.0))
    by_rank = fuse(dense, lexical)
    assert by_rank[0][1] == pytest.approx(1 / 61 + 1 / 62)
    monkeypatch.setattr(fusion, "FUSION", FusionOptions(method="score", dense_weight=0.5, lexical_weight=0.5))
    assert fuse(dense, lexical)[0][0] == "x"


def test_the_name_leg_counts_with_its_weight_and_not_when_off(monkeypatch):
    dense = [("a", 0.9), ("b", 0.1)]
    lexical = [("a", 5.0), ("b", 1.0)]
    names = [("b", 3.0), ("c", 1.0)]
    monkeypatch.setattr(
        fusion, "FUSION", FusionOptions(dense_weight=0.6, lexical_weight=0.3, name_weight=0.1)
    )
    # a = 0.6 + 0.3; b = 0 + 0 + 0.1; c = 0.1 * 0 (the name leg's last)
    assert dict(fuse(dense, lexical, names)) == pytest.approx({"a": 0.9, "b": 0.1, "c": 0.0})
    monkeypatch.setattr(
        fusion, "FUSION", FusionOptions(dense_weight=0.5, lexical_weight=0.0, name_weight=1.0)
    )
    assert fuse(dense, lexical, names)[0][0] == "b"
    assert fuse(dense, lexical)[0][0] == "a"  # no name leg given
    monkeypatch.setattr(
        fusion, "FUSION", FusionOptions(dense_weight=0.5, lexical_weight=0.0, name_weight=0.0)
    )
    assert "c" not in dict(fuse(dense, lexical, names))
    # RRF takes the leg as a third ranking.
    monkeypatch.setattr(
        fusion, "FUSION", FusionOptions(method="rrf", dense_weight=1.0, lexical_weight=1.0, name_weight=2.0)
    )
    assert fuse(dense, lexical, names)[0] == ("b", pytest.approx(1 / 62 + 1 / 62 + 2 / 61))
