"""Persisted state is validated before use: a manifest that disagrees with its vectors file
(dimension, labels), an edited manifest, a corrupt cache.db and the leftovers of a killed
save each lead to a rebuild or a fresh cache with one log line: never a crash (hnswlib
aborts the process on a wrong dimension), never silently wrong answers."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aurelis.ai.cache import ResponseCache
from aurelis.index import store
from aurelis.index.embedder import Embedder
from aurelis.index.service import WorkspaceIndex
from aurelis.index.store import MANIFEST, StoreProblem, manifest_checksum


def _reopen(idx: WorkspaceIndex, embedder: Embedder) -> WorkspaceIndex:
    return WorkspaceIndex(idx.root, idx.settings, embedder, index_dir=idx.index_dir)


def _rewrite(idx: WorkspaceIndex, change, resign: bool = True) -> dict:
    """Edit the manifest; ``resign``: with a valid checksum, as a consistent-looking bad state."""
    path = idx.index_dir / MANIFEST
    m = json.loads(path.read_text())
    change(m)
    if resign:
        m["manifest_sha256"] = manifest_checksum(m)
    path.write_text(json.dumps(m))
    return m


def _top(idx: WorkspaceIndex) -> str:
    return idx.search("hash a password before storing it", k=1, mode="dense")[0].name


def _rebuilt_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "rebuilt" in r.getMessage()]


def test_a_wrong_dimension_is_caught_before_hnswlib_reads_the_file(built, embedder, caplog):
    _rewrite(built, lambda m: m.update(dimension=100))
    with pytest.raises(StoreProblem, match="dimension 384 on disk, 100 in the manifest"):
        store.load(built.index_dir, embedder.model_id)  # without the model's dimension: the file's header
    again = _reopen(built, embedder)
    with caplog.at_level(logging.INFO, logger="aurelis"):
        assert again.load() is False
    assert "dimension 100 in the manifest, the model gives 384" in again.rebuild_reason
    assert len(_rebuilt_lines(caplog)) == 1
    again.build()
    assert again.status()["files_indexed"] == 5 and _top(again) == "shop.accounts.UserAccount.hash_password"


def test_shifted_labels_are_caught_not_answered_with(built, embedder):
    def shift(m):
        m["labels"] = {str(int(label) + 1): cid for label, cid in m["labels"].items()}
        m["next_label"] += 1

    _rewrite(built, shift)
    again = _reopen(built, embedder)
    assert again.load() is False and "manifest labels not in the vectors file" in again.rebuild_reason
    again.build()
    assert _top(again) == "shop.accounts.UserAccount.hash_password"


def test_swapped_labels_fail_the_manifest_checksum(built, embedder):
    def swap(m):
        (a, ca), (b, cb) = list(m["labels"].items())[:2]
        m["labels"][a], m["labels"][b] = cb, ca

    _rewrite(built, swap, resign=False)
    again = _reopen(built, embedder)
    assert again.load() is False and "checksum" in again.rebuild_reason


def test_a_vectors_file_with_fewer_elements_than_labels(built, embedder):
    m = json.loads((built.index_dir / MANIFEST).read_text())
    extra = {str(int(m["next_label"]) + i): f"ghost-{i}" for i in range(3)}
    _rewrite(built, lambda m: (m["labels"].update(extra), m.update(next_label=m["next_label"] + 3)))
    again = _reopen(built, embedder)
    assert again.load() is False and "15 labels in the manifest, 12 vectors on disk" in again.rebuild_reason


def test_an_old_format_is_rebuilt_with_one_log_line(built, embedder, caplog):
    _rewrite(built, lambda m: m.update(format_version=1))
    again = _reopen(built, embedder)
    with caplog.at_level(logging.INFO, logger="aurelis"):
        assert again.load() is False
    assert _rebuilt_lines(caplog) == [f"index of {built.root} rebuilt: format version 1 (expected 2)"]


def test_orphans_of_an_interrupted_save_are_removed_at_start_up(built, embedder):
    d = built.index_dir
    old = time.time() - 3600
    orphans = [d / ".manifest-dead.tmp", d / "vectors-0123456789ab.bin.tmp", d / "vectors-0123456789ac.bin"]
    for p in orphans:
        p.write_bytes(b"half a file")
        os.utime(p, (old, old))
    in_flight = d / ".manifest-writing.tmp"  # another process may be saving right now
    in_flight.write_bytes(b"{")
    again = _reopen(built, embedder)
    assert again.load() is True  # the index itself is intact and used
    assert [p.exists() for p in orphans] == [False, False, False] and in_flight.exists()
    assert again.status()["files_indexed"] == 5


def test_a_corrupt_embeddings_cache_db_is_recreated(tmp_path, caplog):
    cache_dir = tmp_path / "emb"
    cache_dir.mkdir()
    (cache_dir / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    emb = Embedder(cache_dir=cache_dir)
    with caplog.at_level(logging.WARNING, logger="aurelis"):
        first = emb.encode(["def f(): return 1"])
    assert first.shape[0] == 1 and emb.stats.encoded == 1
    assert [r.getMessage() for r in caplog.records if "recreated" in r.getMessage()]
    assert list(cache_dir.glob("cache.db.corrupt-*"))  # set aside, not deleted
    sqlite3.connect(cache_dir / "cache.db").execute("select count(*) from Cache").fetchone()
    again = Embedder(cache_dir=cache_dir)
    again.encode(["def f(): return 1"])
    assert again.stats.cache_hits == 1  # the fresh cache works


def test_a_corrupt_ai_cache_db_is_recreated(tmp_path):
    (tmp_path / "ai").mkdir()
    (tmp_path / "ai" / "cache.db").write_bytes(b"garbage" * 500)
    cache = ResponseCache(tmp_path / "ai")
    cache.set("k", "an answer", 60)
    assert cache.get("k") == "an answer"
    cache.close()
    assert ResponseCache(tmp_path / "ai").get("k") == "an answer"
