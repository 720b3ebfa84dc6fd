"""A hostile or merely odd workspace, one test per hazard: every command (`aurelis index`,
`check`, `summary`) finishes, says what it skipped and why, and loses nothing it should keep.

The commands run as users run them (subprocesses, a real model, real files); each has a
timeout so that a hang (a FIFO opened for reading) fails the test instead of blocking it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aurelis.index.chunker import chunk_source
from tests.support.unprivileged import drop_capabilities

OUTSIDE_SECRET = "OUTSIDE_ONLY_7f3e = 'do not index me'\n"
LATIN1 = "# -*- coding: latin-1 -*-\ndef caf\xe9_name():\n    return 'caf\xe9'\n"
DEEP = "x = " + "[\n" * 3000 + "]\n" * 3000 + "\n\ndef after_the_deep_list():\n    return 1\n"


def _run(*args: str, env: dict, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aurelis", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        preexec_fn=drop_capabilities,  # the mode-000 directory is unreadable even to root
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One workspace with every hazard, and what each command said about it (run once)."""
    base = tmp_path_factory.mktemp("hazards")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(OUTSIDE_SECRET)
    ws = base / "ws"
    (ws / "pkg" / "deeper").mkdir(parents=True)
    (ws / "good.py").write_text("def kept_function():\n    return 42\n")
    (ws / "pkg" / "mod.py").write_text("def in_package():\n    return 1\n")
    os.mkfifo(ws / "fifo.py")  # reading it would block forever
    (ws / os.fsdecode(b"bad-\xff-name.py")).write_text("x = 1\n")  # not valid UTF-8 on disk
    locked = ws / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_text("y = 2\n")
    (ws / ".gitignore").write_text("!\nignored_*.py\n")  # a lone "!" is not a pattern
    (ws / "ignored_one.py").write_text("z = 3\n")
    (ws / "deep.py").write_text(DEEP)
    os.symlink("..", ws / "pkg" / "deeper" / "loop")  # a directory cycle
    os.symlink("self.py", ws / "self.py")  # a link to itself
    os.symlink(outside / "secret.py", ws / "linked_secret.py")
    os.symlink("/etc/passwd", ws / "passwd.py")
    os.symlink(outside, ws / "outside_dir")
    (ws / "latin1.py").write_bytes(LATIN1.encode("latin-1"))
    locked.chmod(0o000)
    env = {**os.environ, "AURELIS_CACHE_DIR": str(base / "cache"), "HF_HUB_OFFLINE": "1"}
    index = _run("index", str(ws), "--json", env=env)
    check = _run("check", str(ws), "--format", "json", env=env)
    summary = _run("summary", str(ws), env=env)
    search = _run("search", "do not index me", "--path", str(ws), "--k", "50", "--json", env=env)
    for done in (index, check, summary, search):
        assert "Traceback" not in done.stderr, done.stderr
    assert index.returncode == 0, index.stderr
    assert check.returncode in (0, 1), check.stderr
    assert summary.returncode == 0, summary.stderr
    assert search.returncode == 0, search.stderr
    yield {
        "ws": ws,
        "status": json.loads(index.stdout),
        "check": check,
        "check_uris": [d["uri"] for d in json.loads(check.stdout)],
        "summary": summary.stdout,
        "hits": json.loads(search.stdout),
    }
    locked.chmod(0o755)  # after every test of the module: pytest can clean up


def _indexed(hostile: dict) -> set[str]:
    return {h["path"] for h in hostile["hits"]}


def test_a_fifo_never_blocks_and_is_counted(hostile):
    assert hostile["status"]["skipped"].get("not_regular_file") == 1
    assert "not_regular_file" in hostile["check"].stderr and "not_regular_file" in hostile["summary"]


def test_a_name_that_is_not_utf8_is_skipped_and_counted(hostile):
    assert hostile["status"]["skipped"].get("undecodable_name") == 1
    assert "undecodable_name" in hostile["check"].stderr


def test_an_unreadable_directory_is_skipped_and_counted(hostile):
    assert hostile["status"]["skipped"].get("unreadable") == 1
    assert "unreadable" in hostile["check"].stderr
    assert hostile["status"]["files_indexed"] == 4  # good, pkg/mod, deep, latin1: the rest is all there
    assert "locked/hidden.py" not in {h["path"] for h in _run_search(hostile, "y = 2")}


def test_a_lone_bang_in_gitignore_drops_that_line_only(hostile):
    assert hostile["status"]["skipped"].get("ignored") == 1  # ignored_one.py: the next line still applies


def test_deep_nesting_is_chunked_without_recursion_error(hostile):
    chunks = chunk_source("deep.py", DEEP.encode(), "python")
    assert "deep.after_the_deep_list" in [c.name for c in chunks]
    found = _run_search(hostile, "after_the_deep_list")
    assert "deep.py" in {h["path"] for h in found}


def test_a_directory_symlink_loop_indexes_each_file_once(hostile):
    assert hostile["status"]["skipped"].get("symlink_loop", 0) >= 1
    paths = [h["path"] for h in _run_search(hostile, "in_package")]
    assert paths.count("pkg/mod.py") == 1 and not any("loop" in p for p in paths)


def test_a_self_symlink_does_not_crash_check(hostile):
    assert hostile["check"].returncode in (0, 1)
    assert not any(u.endswith("/self.py") for u in hostile["check_uris"])


def test_check_never_follows_a_link_out_of_the_tree(hostile):
    uris = " ".join(hostile["check_uris"])
    assert "passwd" not in uris and "secret" not in uris and "outside" not in uris
    assert "symlink_outside" in hostile["check"].stderr
    assert hostile["status"]["skipped"].get("symlink_outside") == 3  # two file links, one directory link


def test_links_out_of_the_workspace_never_reach_search(hostile):
    assert not any("secret" in p or "passwd" in p or "outside" in p for p in _indexed(hostile))


def test_a_latin1_file_with_a_coding_line_is_indexed_and_checked(hostile):
    assert "invalid_utf8" not in hostile["status"]["skipped"]
    found = _run_search(hostile, "café name")
    assert "latin1.py" in {h["path"] for h in found}
    assert "latin1.py: skipped" not in hostile["check"].stderr


def _run_search(hostile: dict, query: str) -> list[dict]:
    env = {**os.environ, "AURELIS_CACHE_DIR": str(hostile["ws"].parent / "cache"), "HF_HUB_OFFLINE": "1"}
    out = _run("search", query, "--path", str(hostile["ws"]), "--k", "50", "--json", env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
