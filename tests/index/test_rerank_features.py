"""The reranker's second set of features (read by its trees): what a description says about the
code (a predicate, a raise, a setter, a constructor), where the candidate's owner and members sit
in the pool, and one-word names that are their own only part."""

from __future__ import annotations

import numpy as np

from aurelis.index.chunk import Chunk
from aurelis.index.rerank import FEATURES, Candidate, features
from aurelis.index.texts import tokens
from tests.index.chunks import chunk


def feats(query: str, *chunks: Chunk) -> np.ndarray:
    c = [Candidate(k, 1.0 - 0.1 * i, 0.5 - 0.01 * i, 0.0, 0.0) for i, k in enumerate(chunks)]
    return features(query, c, [tokens(k.text) for k in chunks])


def col(x: np.ndarray, i: int, name: str) -> float:
    return float(x[i, FEATURES.index(name)])


def test_a_predicate_description_fits_a_predicate_name_or_a_boolean_return():
    named = chunk("m.is_dir", "def is_dir(p):\n    return os.path.isdir(p)\n")
    compares = chunk("m.same", "def same(a, b):\n    return a == b\n")
    other = chunk("m.kind", "def kind(p):\n    return 'dir'\n")
    x = feats("Return True if the path is a directory.", named, compares, other)
    assert [col(x, i, "bool_fit") for i in range(3)] == [1.0, 1.0, -1.0]
    x = feats("Check whether the two values match.", named, compares, other)
    assert col(x, 2, "bool_fit") == -1.0
    x = feats("The kind of the path.", named, compares, other)
    assert [col(x, i, "bool_fit") for i in range(3)] == [0.0, 0.0, 0.0]  # nothing said: no signal


def test_raise_set_and_create_descriptions_fit_code_that_does_so():
    raises = chunk("m.check", "def check(v):\n    if v < 0:\n        raise ValueError(v)\n")
    sets = chunk("m.T.set_name", "def set_name(self, n):\n    self.name = n\n", "method")
    compares = chunk("m.T.same", "def same(self, n):\n    return self.name == n\n", "method")
    alt = chunk("m.T.from_dict", "@classmethod\ndef from_dict(cls, d):\n    return cls(**d)\n", "method")
    x = feats("Validate the value, raise on a negative one.", raises, sets)
    assert col(x, 0, "raises_fit") == 1.0 and col(x, 1, "raises_fit") == -1.0
    x = feats("Set the name.", sets, compares)
    assert col(x, 0, "setter_fit") == 1.0 and col(x, 1, "setter_fit") == -1.0  # == is no assignment
    x = feats("Create a T from a dict.", alt, sets)
    assert col(x, 0, "create_fit") == 1.0 and col(x, 1, "create_fit") == -1.0
    assert col(x, 0, "classmethod") == 1.0 and col(x, 1, "classmethod") == 0.0


def test_owner_and_member_places_and_shared_names_come_from_the_pool():
    cls = chunk("m.Text", "class Text:\n    pass\n", "class")
    method = chunk("m.Text.wrap", "def wrap(self):\n    return 1\n", "method")
    other = chunk("m.Lines.wrap", "def wrap(self):\n    return 2\n", "method")
    x = feats("Word wrap the text.", cls, method, other)
    assert col(x, 1, "owner_rank") == 1.0  # its class is first in the pool
    assert col(x, 2, "owner_rank") == 0.0  # Lines is not in the pool
    assert col(x, 0, "member_rank") == 0.5  # its best member is second
    assert col(x, 1, "same_name") == col(x, 2, "same_name") == np.float32(np.log1p(1))
    assert col(x, 0, "same_name") == 0.0


def test_a_one_word_name_is_its_own_part():
    method = chunk("m.Text.wrap", "def wrap(self):\n    return 1\n", "method")
    two = chunk("m.Text.wrap_lines", "def wrap_lines(self):\n    return 1\n", "method")
    x = feats("Word wrap the text.", method, two)
    assert col(x, 0, "name_cov") == 1.0 and col(x, 0, "name_len") == 1.0  # {wrap}, not empty
    assert col(x, 0, "owner_cov") == 1.0  # Text
    assert col(x, 1, "name_cov") == 0.5 and col(x, 1, "name_len") == 2.0  # wrap, lines
