"""The shared index on Qdrant (qdrant-client's local mode) with the real model: a client reuses
published vectors, indexes what differs as an overlay that wins, never encodes a chunk
anyone published, and refuses a collection built by another model."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("qdrant_client", reason="the aurelis[qdrant] extra (in the dev extra)")

from aurelis.config.index import IndexSettings, StoreSettings
from aurelis.index.embedder import Embedder
from aurelis.index.service import WorkspaceIndex
from aurelis.index.shared import SharedIndexError, close_clients, collection_name, repository_key
from aurelis.index.texts import dense_query, dense_text
from tests.index.workspace_fixture import make_workspace

SHIPPING_EDITED = '''"""Shipping."""


def shipping_cost(weight_kg, express=False):
    """Cost of sending a parcel, from its weight in kilograms."""
    base = 4.5 + 1.2 * weight_kg
    return base * 2 if express else base


def customs_declaration(parcel, country):
    """Fill in the customs form for a parcel leaving the country."""
    return {"contents": parcel.contents, "value": parcel.value, "destination": country}


def tracking_url(days):
    """Number of working days a delivery takes, weekends skipped."""
    return days + 2 * (days // 5)
'''


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Embedder:
    """One loaded model for the module (its disk cache stays off, so ``stats.encoded`` counts model work)."""
    emb = Embedder()
    emb.load()
    return emb


def fresh(model: Embedder) -> Embedder:
    """An embedder on the loaded model with its own counters."""
    return Embedder(backend=model.backend)


@pytest.fixture(autouse=True)
def _close():
    yield
    close_clients()


def settings(store: Path, publish: str = "auto", **kw) -> IndexSettings:
    return IndexSettings(store=StoreSettings(kind="qdrant", path=str(store), publish=publish), **kw)


def index(root: Path, tmp: Path, name: str, s: IndexSettings, emb: Embedder) -> WorkspaceIndex:
    return WorkspaceIndex(root, s, emb, index_dir=tmp / f"index-{name}")


def publish_workspace(tmp_path: Path, model: Embedder) -> tuple[Path, Path, WorkspaceIndex]:
    """What CI does: index the checkout and publish its vectors."""
    root = make_workspace(tmp_path / "ws")
    store = tmp_path / "qdrant"
    ci = index(root, tmp_path, "ci", settings(store), fresh(model))
    ci.build()
    return root, store, ci


def test_a_client_reuses_every_published_vector_and_finds_the_function(tmp_path, model):
    root, store, ci = publish_workspace(tmp_path, model)
    published = ci.shared.files()
    assert set(published) == {
        "shop/__init__.py",
        "shop/shipping.py",
        "shop/accounts.py",
        "shop/report.py",
        "web/cart.js",
    }
    assert ci.status()["overlay_files"] == 0  # local mode: everything it encoded now lives in the collection

    emb = fresh(model)
    dev = index(root, tmp_path, "dev", settings(store, publish="never"), emb)
    dev.build()
    assert emb.stats.encoded == 0  # not one chunk through the model
    st = dev.status()
    assert st["shared_files"] == 5 and st["overlay_files"] == 0
    (root / "shop/empty.py").write_text("")  # no chunks: nothing to share or encode
    dev.build()
    assert dev.status()["overlay_files"] == 0 and emb.stats.encoded == 0
    assert dev.search("cost of sending a parcel", 1, "dense")[0].name == "shop.shipping.shipping_cost"
    assert dev.search("hash a password with a salt", 1)[0].name == "shop.accounts.UserAccount.hash_password"
    # The local hnswlib side holds no vectors: the dense hits came from the collection.
    assert dev._vectors is None or len(dev._vectors) == 0


def test_the_local_edit_wins_over_the_shared_vector(tmp_path, model):
    root, store, _ = publish_workspace(tmp_path, model)
    emb = fresh(model)
    dev = index(root, tmp_path, "dev", settings(store, publish="never"), emb)
    dev.build()

    # An unsaved buffer: the overlay takes the file, the collection keeps the published version.
    dev.update_file(root / "shop/shipping.py", text=SHIPPING_EDITED)
    hits = dev.search("customs form for a parcel leaving the country", 3, "dense")
    assert hits[0].name == "shop.shipping.customs_declaration"
    # tracking_url kept its name but not its meaning: only its new vector may answer for it.
    assert_scored_by_current_text(
        dev, model, "link where a customer follows a parcel", "shop.shipping.tracking_url"
    )
    assert dev.status()["overlay_files"] == 1
    assert "shop/shipping.py" in dev.shared.files()  # nothing of the buffer was published
    assert dev.shared.files()["shop/shipping.py"] == ci_sha(root, "shop/shipping.py", original=True)

    # Only what changed went through the model: shipping_cost's text was published already.
    edited = dev.chunks_of("shop/shipping.py")
    published = dev.shared.vectors_by_content(sha(dense_text(c)) for c in edited)
    assert emb.stats.encoded == len(edited) - len(published) and published

    # Back to the published text: the shared vectors serve again, the overlay lets go.
    dev.update_file(root / "shop/shipping.py", text=(root / "shop/shipping.py").read_text())
    assert dev.status()["overlay_files"] == 0
    assert (
        dev.search("link where a customer follows a parcel", 1, "dense")[0].name
        == "shop.shipping.tracking_url"
    )


def test_an_incremental_update_is_published_and_replaces_the_old_points(tmp_path, model):
    root, store, ci = publish_workspace(tmp_path, model)
    (root / "shop/shipping.py").write_text(SHIPPING_EDITED)
    assert ci.update_file(root / "shop/shipping.py") is True
    assert ci.shared.files()["shop/shipping.py"] == ci_sha(root, "shop/shipping.py")
    assert ci.status()["overlay_files"] == 0

    (root / "shop/report.py").unlink()
    ci.update_file(root / "shop/report.py")
    assert "shop/report.py" not in ci.shared.files()

    emb = fresh(model)
    dev = index(root, tmp_path, "dev", settings(store, publish="never"), emb)
    dev.build()
    assert emb.stats.encoded == 0
    assert dev.search("customs form for a parcel", 1, "dense")[0].name == "shop.shipping.customs_declaration"
    names = {h.name for h in dev.search("invoice as a PDF", 10, "dense")}
    assert "shop.report.render_invoice_pdf" not in names
    # The old points of the file were replaced, not kept beside the new ones.
    assert_scored_by_current_text(
        dev, model, "link where a customer follows a parcel", "shop.shipping.tracking_url"
    )


def test_push_publishes_what_a_read_only_client_indexed(tmp_path, model):
    root = make_workspace(tmp_path / "ws")
    store = tmp_path / "qdrant"
    ci = index(root, tmp_path, "ci", settings(store, publish="never"), fresh(model))
    ci.build()
    assert ci.shared.files() == {} and ci.status()["overlay_files"] == 5
    assert ci.push() == 5
    assert len(ci.shared.files()) == 5 and ci.status()["overlay_files"] == 0
    assert ci.search("cost of sending a parcel", 1, "dense")[0].name == "shop.shipping.shipping_cost"


def test_a_collection_of_another_model_is_refused(tmp_path, model):
    root, store, ci = publish_workspace(tmp_path, model)
    s = settings(store, max_tokens=256)  # another truncation: other vectors
    s.store.collection = ci.shared.collection  # pointed at the same collection
    wrong = WorkspaceIndex(root, s, Embedder(max_tokens=256), index_dir=tmp_path / "index-wrong")
    with pytest.raises(SharedIndexError, match="refused"):
        wrong.build()
    assert wrong.state == "error" and "refused" in wrong.last_error
    assert not wrong.embedder.loaded  # refused before anything was encoded
    assert len(ci.shared.files()) == 5  # and the collection was not touched


def test_collections_are_keyed_by_repository_and_model(tmp_path):
    a = tmp_path / "a"
    (a / ".git").mkdir(parents=True)
    (a / ".git" / "config").write_text(
        '[remote "origin"]\n\turl = https://bob:s3cret@example.com/team/app.git\n'
    )
    assert repository_key(a) == "example.com/team/app"  # never the credentials
    assert "s3cret" not in collection_name(repository_key(a), "onnx:m@128#x")
    assert collection_name("r", "onnx:m@128#x") != collection_name("r", "onnx:m@256#x")
    assert repository_key(tmp_path / "plain") == "plain"


def assert_scored_by_current_text(idx: WorkspaceIndex, model: Embedder, query: str, name: str) -> None:
    """The dense score of ``name`` is its current text's, not a stale vector's (which scores higher here)."""
    hit = next(h for h in idx.search(query, 10, "dense") if h.name == name)
    chunk = next(c for c in idx.chunks() if c.name == name)
    current = float(model.encode([dense_text(chunk)])[0] @ model.encode_query(dense_query(query)))
    assert hit.score == pytest.approx(current, abs=1e-4)


def sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def ci_sha(root: Path, rel: str, original: bool = False) -> str:
    import hashlib

    from tests.index.workspace_fixture import FILES

    data = FILES[rel].encode() if original else (root / rel).read_bytes()
    return hashlib.sha256(data).hexdigest()


def test_excluded_paths_never_answer_even_when_the_overfetch_is_too_small(tmp_path, model):
    _, _, ci = publish_workspace(tmp_path, model)
    qvec = model.encode_query("cost of sending a parcel and its tracking link")
    top = ci.shared.search(qvec, 3)
    assert top[0][0].startswith("shop/shipping.py::")
    # No budget: every over-fetched hit is excluded, so the filtered query answers instead.
    hits = ci.shared.search(qvec, 3, exclude_paths={"shop/shipping.py"}, exclude_budget=0)
    assert len(hits) == 3 and not any(cid.startswith("shop/shipping.py::") for cid, _ in hits)
