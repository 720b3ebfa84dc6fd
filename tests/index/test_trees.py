"""The tree-ensemble evaluator: it walks each row as the split rules say, sums the trees, and
refuses node arrays that could index out of range or loop."""

from __future__ import annotations

import numpy as np
import pytest

from aurelis.index.trees import Trees


def raw(**over):
    # tree 0: x0 <= 1 ? (x1 <= 0 ? 1 : 2) : 3      tree 1: a single leaf, 10
    base = {
        "roots": [0, 5],
        "feature": [0, 1, -1, -1, -1, -1],
        "threshold": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        "left": [1, 2, 0, 0, 0, 0],
        "right": [4, 3, 0, 0, 0, 0],
        "value": [0.0, 0.0, 1.0, 2.0, 3.0, 10.0],
    }
    return base | over


def test_each_row_takes_its_own_path_and_the_trees_add_up():
    trees = Trees.parse(raw(), n_features=2)
    assert trees.depth == 2
    x = np.array([[0.5, -1.0], [0.5, 0.5], [1.0, 7.0], [1.5, -9.0]])
    # <= goes left, at the threshold too (1.0 <= 1.0)
    assert trees.score(x).tolist() == [11.0, 12.0, 12.0, 13.0]


@pytest.mark.parametrize(
    "over",
    [
        {"left": [1, 0, 0, 0, 0, 0]},  # a child before its parent: a loop
        {"right": [4, 9, 0, 0, 0, 0]},  # out of range
        {"roots": [0, 6]},
        {"roots": []},
        {"feature": [0, 2, -1, -1, -1, -1]},  # no such feature
        {"value": [0.0, 0.0, 1.0, 2.0, float("nan"), 10.0]},
        {"threshold": [1.0]},  # lengths differ
    ],
)
def test_node_arrays_that_could_misbehave_are_refused(over):
    with pytest.raises(ValueError):
        Trees.parse(raw(**over), n_features=2)


def test_missing_arrays_and_wrong_types_are_refused():
    with pytest.raises(ValueError):
        Trees.parse({k: v for k, v in raw().items() if k != "value"}, n_features=2)
    with pytest.raises(TypeError):
        Trees.parse([1, 2, 3], n_features=2)
    with pytest.raises((ValueError, TypeError)):
        Trees.parse(raw(feature=["a", "b"]), n_features=2)


def test_many_trees_over_many_rows_score_as_each_row_alone():
    # 2,000 copies of tree 0 over 700 rows: the trees are walked in blocks (temporaries kept
    # small), and every block must count once; a row alone takes all trees in one block.
    base = raw()
    n = 6
    copies = 2_000
    grown = {"roots": [i * n for i in range(copies)]}
    for key in ("feature", "threshold", "left", "right", "value"):
        grown[key] = []
        for i in range(copies):
            shift = i * n if key in ("left", "right") else 0
            grown[key] += [v + shift if base["feature"][j] >= 0 else v for j, v in enumerate(base[key])]
    trees = Trees.parse(grown, n_features=2)
    x = np.random.default_rng(3).normal(size=(700, 2))
    together = trees.score(x)
    alone = np.array([trees.score(row[None, :])[0] for row in x])
    expected = copies * np.where(x[:, 0] <= 1, np.where(x[:, 1] <= 0, 1.0, 2.0), 3.0)
    assert np.array_equal(together, expected)
    assert np.array_equal(alone, expected)
