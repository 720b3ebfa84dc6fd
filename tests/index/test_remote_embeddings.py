"""The openai-compatible embeddings backend against a real HTTP server on 127.0.0.1 serving the
real model: batching, retries, timeouts, junk answers, the key from the environment, the
identity pinned, and an index built through it that finds the function."""

from __future__ import annotations

import numpy as np
import pytest

from aurelis.config.index import EmbeddingsServerSettings, IndexSettings
from aurelis.index.backends import BackendError, identity, make_backend
from aurelis.index.embedder import Embedder, EmbedderError
from aurelis.index.service import WorkspaceIndex
from tests.index.workspace_fixture import make_workspace
from tests.support.fake_embeddings import FakeEmbeddings

TEXTS = ["def add(a, b): return a + b", "read a file from disk", "parse an HTTP header", "x", "sort a list"]


@pytest.fixture(scope="module")
def server():
    with FakeEmbeddings() as srv:
        yield srv


def backend(srv: FakeEmbeddings, **kw):
    cfg = EmbeddingsServerSettings(base_url=srv.base_url, **kw)
    return make_backend("openai-compatible", "all-MiniLM-L6-v2", server=cfg)


def test_vectors_match_the_local_model_and_requests_are_batched(server):
    server.requests.clear()
    b = backend(server, batch_size=2)
    vecs = b.encode(TEXTS)
    assert vecs.shape == (5, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    local = make_backend("onnx").encode(TEXTS)
    assert float(np.min(np.sum(vecs * local, axis=1))) > 0.999
    assert [len(body["input"]) for _, body in server.requests] == [2, 2, 1]
    assert all(body["model"] == "all-MiniLM-L6-v2" for _, body in server.requests)


def test_retries_then_succeeds(server):
    server.requests.clear()
    server.fail_next(2, status=503)
    b = backend(server, retries=2)
    assert b.encode(["one text"]).shape == (1, 384)
    assert len(server.requests) == 3


def test_gives_up_with_a_clear_error_after_the_retries(server):
    server.fail_next(3, status=500)
    with pytest.raises(BackendError, match=r"failed after 3 tries: HTTP 500"):
        backend(server, retries=2).encode(["x"])


def test_a_client_error_is_not_retried(server):
    server.requests.clear()
    server.fail_next(1, status=401)
    with pytest.raises(BackendError, match="HTTP 401"):
        backend(server, retries=3).encode(["x"])
    assert len(server.requests) == 1


def test_times_out(server):
    server.hang_next(1, seconds=3)
    with pytest.raises(BackendError, match="timed out"):
        backend(server, timeout=0.5, retries=0).encode(["x"])


def test_junk_answer_is_an_error_not_a_vector(server):
    server.junk_next(1)
    with pytest.raises(BackendError, match="not an embeddings list"):
        backend(server, retries=0).encode(["x"])


def test_the_key_comes_from_the_named_variable_as_a_bearer_token(server, monkeypatch):
    monkeypatch.setenv("TEAM_EMBEDDINGS_KEY", "sk-team-123")
    server.requests.clear()
    backend(server, api_key_env="TEAM_EMBEDDINGS_KEY").encode(["x"])
    assert server.requests[-1][0]["authorization"] == "Bearer sk-team-123"
    monkeypatch.delenv("TEAM_EMBEDDINGS_KEY")
    with pytest.raises(BackendError, match="TEAM_EMBEDDINGS_KEY") as err:
        backend(server, api_key_env="TEAM_EMBEDDINGS_KEY").encode(["x"])
    assert "sk-team" not in str(err.value)


def test_a_server_that_changes_dimension_is_refused():
    with FakeEmbeddings() as srv:
        b = backend(srv)
        b.encode(["x"])
        srv.dim = 256
        with pytest.raises(BackendError, match="changed dimension"):
            b.encode(["y"])


def test_identity_names_the_backend_and_model_so_indexes_never_mix(server):
    remote = identity(backend(server))
    assert remote.startswith("openai-compatible:all-MiniLM-L6-v2@128#")
    assert remote != identity(make_backend("onnx"))


def test_no_base_url_is_a_clear_error():
    with pytest.raises(BackendError, match=r"index\.embeddings\.base_url"):
        make_backend("openai-compatible", "m", server=EmbeddingsServerSettings()).encode(["x"])


def test_an_index_built_through_the_server_finds_the_function(server, tmp_path):
    root = make_workspace(tmp_path / "ws")
    s = IndexSettings(
        backend="openai-compatible", embeddings=EmbeddingsServerSettings(base_url=server.base_url)
    )
    emb = Embedder(backend="openai-compatible", server=s.embeddings)
    before = server.texts_encoded
    idx = WorkspaceIndex(root, s, emb, index_dir=tmp_path / "index")
    idx.build()
    assert server.texts_encoded - before >= len(idx.chunks())
    assert idx.search("cost of sending a parcel", 1)[0].name == "shop.shipping.shipping_cost"
    assert idx.status()["backend"] == "openai-compatible"


def test_an_unreachable_server_fails_the_build_with_a_message(tmp_path):
    root = make_workspace(tmp_path / "ws")
    cfg = EmbeddingsServerSettings(base_url="http://127.0.0.1:9/v1", retries=0, timeout=2)
    s = IndexSettings(backend="openai-compatible", embeddings=cfg)
    idx = WorkspaceIndex(root, s, Embedder(backend="openai-compatible", server=cfg), index_dir=tmp_path / "i")
    with pytest.raises(EmbedderError, match=r"127\.0\.0\.1:9"):
        idx.build()
    assert idx.state == "error" and "127.0.0.1:9" in idx.last_error
