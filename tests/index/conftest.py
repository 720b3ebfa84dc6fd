"""The index tests' real model and a built index of the sample workspace (``workspace_fixture``)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aurelis.config.index import IndexSettings
from aurelis.index.embedder import Embedder
from aurelis.index.service import WorkspaceIndex
from tests.index.workspace_fixture import make_workspace


@pytest.fixture(scope="module")
def embedder(tmp_path_factory):
    emb = Embedder(cache_dir=tmp_path_factory.mktemp("embeddings"))
    emb.load()
    return emb


@pytest.fixture
def built(tmp_path, embedder):
    idx = WorkspaceIndex(
        make_workspace(tmp_path / "ws"), IndexSettings(), embedder, index_dir=tmp_path / "index"
    )
    idx.build()
    return idx
