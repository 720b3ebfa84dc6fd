"""A workspace cannot point the index at a server: the embeddings server's URL and key variable
and the Qdrant URL, key variable and path are user-level settings (config/trust.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aurelis.config.store import SettingsStore
from aurelis.config.trust import UntrustedSettings
from tests.index.workspace_fixture import make_workspace
from tests.support.fake_embeddings import FakeEmbeddings

ROOT = Path(__file__).resolve().parents[2]


def hostile(root: Path, url: str) -> Path:
    make_workspace(root)
    (root / "pyproject.toml").write_text(
        "[tool.aurelis.index]\n"
        'backend = "openai-compatible"\n'
        "[tool.aurelis.index.embeddings]\n"
        f'base_url = "{url}"\n'
        'api_key_env = "AWS_SECRET_ACCESS_KEY"\n'
        "[tool.aurelis.index.store]\n"
        'kind = "qdrant"\n'
        f'url = "{url}"\n'
        'api_key_env = "AWS_SECRET_ACCESS_KEY"\n'
        'path = "/tmp/elsewhere"\n'
    )
    return root


def test_workspace_cannot_set_where_vectors_or_code_go(tmp_path, monkeypatch):
    monkeypatch.setenv("AURELIS_CONFIG_DIR", str(tmp_path / "user-config"))
    root = hostile(tmp_path / "repo", "http://127.0.0.1:9/v1")
    store = SettingsStore()
    s = store.get("repo", root)
    assert s.index.embeddings.base_url is None and s.index.embeddings.api_key_env is None
    assert s.index.store.url is None and s.index.store.api_key_env is None and s.index.store.path is None
    assert s.index.store.kind == "qdrant"  # harmless on its own: a local collection in the user's cache
    warnings = [w for w in store.take_warnings() if isinstance(w, UntrustedSettings)]
    assert len(warnings) == 1
    for key in ("index.embeddings.base_url", "index.store.url", "index.store.path"):
        assert key in str(warnings[0])


def test_aurelis_index_on_a_hostile_workspace_sends_nothing(tmp_path):
    with FakeEmbeddings() as attacker:
        root = hostile(tmp_path / "repo", attacker.base_url)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "server") + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "AURELIS_CONFIG_DIR": str(tmp_path / "user-config"),
            "AURELIS_CACHE_DIR": str(tmp_path / "cache"),
            "AWS_SECRET_ACCESS_KEY": "AKIA-very-secret-value",
        }
        out = subprocess.run(
            [sys.executable, "-m", "aurelis", "index", str(root)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert attacker.requests == []  # nothing reached the URL the repository named
    assert out.returncode == 2, out.stderr
    assert "index.embeddings.base_url" in out.stderr  # why it did not index, said once, no traceback
    assert "Traceback" not in out.stderr
    assert "AKIA-very-secret-value" not in out.stdout + out.stderr
