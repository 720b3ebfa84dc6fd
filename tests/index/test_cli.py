"""`aurelis index` and `aurelis search` as users run them (real processes, real model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.index.workspace_fixture import make_workspace


def _run(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "aurelis", *args], capture_output=True, text=True, env=env, timeout=240
    )


def test_index_then_search(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    (ws / "blob.py").write_bytes(b"\x00\x01binary")
    env = {**os.environ, "AURELIS_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    done = _run("index", str(ws), "--json", env=env)
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["state"] == "ready" and status["files_indexed"] == 5
    assert status["skipped"] == {"binary": 1}
    assert status["index_path"].startswith(str(tmp_path / "cache"))
    found = _run(
        "search", "hash a password before storing it", "--path", str(ws), "--k", "2", "--json", env=env
    )
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert len(hits) == 2 and hits[0]["name"] == "shop.accounts.UserAccount.hash_password"
    assert hits[0]["path"] == "shop/accounts.py" and hits[0]["start_line"] == 11
    text = _run("search", "weight express", "--path", str(ws), "--mode", "lexical", env=env)
    assert "shop.shipping.shipping_cost" in text.stdout.splitlines()[0]
    bad = _run("search", "x", "--path", str(tmp_path / "missing"), env=env)
    assert bad.returncode == 2 and "not a directory" in bad.stderr
