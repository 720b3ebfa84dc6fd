"""A regression-tree ensemble, evaluated with numpy: the search reranker's learned score.

The trees come from a JSON file (fitted offline by ``bench/search_train.py``), so nothing here
trusts them: ``Trees.parse`` checks every index and number before a search uses them, and the
node layout (children after their parent) bounds every walk by the number of nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Elements per temporary array (96 KiB at 8 bytes): under the fixed 128 KiB mmap threshold
# (``memory.map_large_blocks``), above which every numpy temporary is a fresh mmap that faults
# its pages in (measured: 800 trees over 50 rows, 4.3 ms alone but 15 ms once the encoder has
# set that threshold).
_BLOCK = 12_288


@dataclass(frozen=True)
class Trees:
    """All trees' nodes in flat arrays. Node ``i`` is a leaf when ``feature[i] < 0`` (its score is
    ``value[i]``); otherwise a row goes to ``left[i]`` when ``row[feature[i]] <= threshold[i]``,
    else to ``right[i]``. ``roots`` holds each tree's first node."""

    roots: np.ndarray  # int64 (trees,)
    feature: np.ndarray  # int64 (nodes,)
    threshold: np.ndarray  # float64 (nodes,)
    left: np.ndarray  # int64 (nodes,)
    right: np.ndarray  # int64 (nodes,)
    value: np.ndarray  # float64 (nodes,)
    depth: int  # the deepest walk from a root to a leaf

    @classmethod
    def parse(cls, raw: object, n_features: int) -> Trees:
        """From ``{"roots", "feature", "threshold", "left", "right", "value"}`` lists; ValueError
        or TypeError for anything that could index out of range, loop, or score non-finite."""
        if not isinstance(raw, dict):
            raise TypeError("the trees are not an object")
        try:
            roots = np.asarray(raw["roots"], dtype=np.int64)
            feature = np.asarray(raw["feature"], dtype=np.int64)
            threshold = np.asarray(raw["threshold"], dtype=np.float64)
            left = np.asarray(raw["left"], dtype=np.int64)
            right = np.asarray(raw["right"], dtype=np.int64)
            value = np.asarray(raw["value"], dtype=np.float64)
        except KeyError as exc:
            raise ValueError(f"the trees have no {exc}") from None
        n = len(feature)
        if roots.ndim != 1 or not len(roots) or any(a.shape != (n,) for a in (threshold, left, right, value)):
            raise ValueError("the trees' arrays differ in length")
        if not (np.isfinite(threshold).all() and np.isfinite(value).all()):
            raise ValueError("a tree holds a non-finite number")
        if ((roots < 0) | (roots >= n)).any():
            raise ValueError("a tree's root is out of range")
        inner = feature >= 0
        if (feature[inner] >= n_features).any():
            raise ValueError("a split names a feature that does not exist")
        at = np.arange(n)
        # children come after their parent: no walk can loop or leave the arrays
        for child in (left, right):
            if ((child[inner] <= at[inner]) | (child[inner] >= n)).any():
                raise ValueError("a split's child is out of order or out of range")
        depth = np.zeros(n, dtype=np.int64)
        for i in range(n):
            if inner[i]:
                depth[left[i]] = max(depth[left[i]], depth[i] + 1)
                depth[right[i]] = max(depth[right[i]], depth[i] + 1)
        return cls(roots, feature, threshold, left, right, value, int(depth.max()))

    def score(self, x: np.ndarray) -> np.ndarray:
        """The ensemble's score of each row of ``x`` (rows, features)."""
        x = np.asarray(x, dtype=np.float64)
        out = np.zeros(len(x))
        per = max(1, _BLOCK // max(1, len(x)))
        for start in range(0, len(self.roots), per):
            out += self._score(x, self.roots[start : start + per])
        return out

    def _score(self, x: np.ndarray, roots: np.ndarray) -> np.ndarray:
        """The summed score of the trees at ``roots``: every row walks every tree a level a step."""
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(roots, (len(x), len(roots))).copy()
        for _ in range(self.depth):
            f = self.feature[node]
            inner = f >= 0
            if not inner.any():
                break
            go_left = x[rows, np.where(inner, f, 0)] <= self.threshold[node]
            node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
        out: np.ndarray = self.value[node].sum(axis=1)
        return out
