"""The reranker's second set of features (read by its trees): what a description says about the
code (a predicate, a raise, a setter, a constructor), where the candidate's owner and members sit
in the pool, one-word names that are their own only part, and code the description quotes."""

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


def test_quoted_code_is_read_from_the_roles_and_backticks_sphinx_uses():
    from aurelis.index.rerank import code_refs

    assert code_refs("Invoke the callbacks registered with :meth:`call_on_close`.") == {"call_on_close"}
    assert code_refs("Creates the :class:`~click.HelpFormatter` for the help.") == {"helpformatter"}
    assert code_refs("Handles not passing ``encoding`` and ``errors``.") == {"encoding", "errors"}
    assert code_refs("Joins with :func:`os.path.join()`.") == {"join"}
    assert code_refs("Close the context, run callbacks.") == set()


def test_quoted_code_marks_the_code_that_uses_it_the_code_named_and_its_siblings():
    close = chunk(
        "m.Context.close", "def close(self):\n    for f in self._on_close:\n        f()\n", "method"
    )
    register = chunk(
        "m.Context.call_on_close", "def call_on_close(self, f):\n    self._on_close.append(f)\n", "method"
    )
    other = chunk("m.Pager.close", "def close(self):\n    self.fd.close()\n", "method")
    x = feats("Invoke all close callbacks registered with :meth:`call_on_close`.", other, close, register)
    assert col(x, 0, "refs") == np.float32(np.log1p(1))
    assert [col(x, i, "ref_is_name") for i in range(3)] == [0.0, 0.0, 1.0]
    # Context.close sits beside the quoted Context.call_on_close; Pager.close and the quoted one do not
    assert [col(x, i, "ref_sibling") for i in range(3)] == [0.0, 1.0, 0.0]
    uses = chunk(
        "m.Context.make_formatter",
        "def make_formatter(self):\n    return HelpFormatter(width=self.w)\n",
        "method",
    )
    x = feats("Creates the :class:`~click.HelpFormatter` for the help.", uses, other)
    assert col(x, 0, "ref_in_body") == 1.0 and col(x, 1, "ref_in_body") == 0.0
    x = feats("Close the pager.", other, close)
    assert all(
        col(x, i, f) == 0.0 for i in range(2) for f in ("refs", "ref_in_body", "ref_is_name", "ref_sibling")
    )
