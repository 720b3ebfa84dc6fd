"""Workspace scan: ignore files at every level, excludes, and skips counted by reason."""

from __future__ import annotations

import os

from aurelis.index.scan import ScanOptions, Skip, read_source, walk


def _write(root, rel, data):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return p


def _rels(result, root):
    return sorted(p.relative_to(root.resolve()).as_posix() for p in result.files)


def test_gitignore_at_every_level_aurelisignore_and_excludes(tmp_path):
    _write(tmp_path, ".gitignore", "dist/\n*.gen.py\n")
    _write(tmp_path, "pkg/.gitignore", "secret_*.py\n!secret_ok.py\n")
    _write(tmp_path, ".aurelisignore", "vendor/\n")
    for rel in [
        "a.py",
        "dist/b.py",
        "x.gen.py",
        "pkg/c.py",
        "pkg/secret_key.py",
        "pkg/secret_ok.py",
        "vendor/d.py",
        "other/secret_key.py",
        "notes.txt",
        "tools/e.js",
        "tests/t_one.py",
    ]:
        _write(tmp_path, rel, "x = 1\n")
    result = walk(tmp_path, ScanOptions(exclude=("tests/",)))
    assert _rels(result, tmp_path) == [
        "a.py",
        "other/secret_key.py",
        "pkg/c.py",
        "pkg/secret_ok.py",
        "tools/e.js",
    ]
    assert result.skipped[Skip.IGNORED] == 2  # x.gen.py and pkg/secret_key.py; ignored dirs are pruned whole


def test_symlink_leading_outside_is_skipped(tmp_path):
    outside = tmp_path / "outside"
    _write(outside, "lib.py", "y = 2\n")
    ws = tmp_path / "ws"
    _write(ws, "main.py", "x = 1\n")
    os.symlink(outside / "lib.py", ws / "linked.py")
    os.symlink(outside, ws / "linkdir")
    os.symlink(ws / "main.py", ws / "alias.py")  # inside: kept
    result = walk(ws, ScanOptions())
    assert _rels(result, ws) == ["alias.py", "main.py"]
    assert result.skipped[Skip.OUTSIDE_LINK] == 2


def test_binary_huge_generated_and_invalid_utf8_are_skipped_with_reasons(tmp_path):
    opts = ScanOptions(max_file_bytes=2000, max_line_chars=500)
    cases = {
        "ok.py": ("def f():\n    return 1\n", None),
        "bin.py": (b"\x00\x01\x02binary", Skip.BINARY),
        "huge.py": ("x = 1\n" * 1000, Skip.TOO_LARGE),
        "min.js": ("var a=" + "1+" * 400 + "1;\n", Skip.GENERATED),
        "latin1.py": ("name = 'caf\xe9'\n".encode("latin-1"), Skip.INVALID_UTF8),
    }
    for rel, (data, reason) in cases.items():
        path = _write(tmp_path, rel, data)
        got, why = read_source(path, opts)
        assert why == reason, rel
        assert (got is None) == (reason is not None)
