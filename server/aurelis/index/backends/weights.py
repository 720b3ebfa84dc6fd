"""Weights hashes (memoised by path, size and mtime) and the default thread count."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path

_MEMO_FILE = "weights-sha256.json"
_lock = threading.Lock()
_memo: dict[str, str] = {}


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def files_sha256(paths: Iterable[Path], state_dir: Path | None = None) -> str:
    """One hash over the files (names and contents). Re-hashing ~90 MB of weights on every CLI run
    would cost ~0.3 s, so each file's hash is memoised in ``state_dir`` under (path, size, mtime)."""
    disk = _read_memo(state_dir)
    total = hashlib.sha256()
    changed = False
    for path in sorted(Path(p) for p in paths):
        st = path.stat()
        key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
        with _lock:
            digest = _memo.get(key) or disk.get(key)
        if digest is None:
            digest = file_sha256(path)
            changed = True
        with _lock:
            _memo[key] = digest
        disk[key] = digest
        total.update(f"{path.name}:{digest}\n".encode())
    if changed:
        _write_memo(state_dir, disk)
    return total.hexdigest()


def _read_memo(state_dir: Path | None) -> dict[str, str]:
    if state_dir is None:
        return {}
    try:
        data = json.loads((state_dir / _MEMO_FILE).read_text("utf-8"))
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_memo(state_dir: Path | None, memo: dict[str, str]) -> None:
    if state_dir is None:
        return
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        tmp = state_dir / f".{_MEMO_FILE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(memo), "utf-8")
        os.replace(tmp, state_dir / _MEMO_FILE)
    except OSError:
        pass  # a memo that cannot be written costs a re-hash next time, nothing else


def physical_cores() -> int:
    """Physical cores available to this process (hyper-threads share one core's arithmetic units)."""
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count() or 1
    cores: set[tuple[str, str]] = set()
    try:
        phys = core = ""
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "physical id":
                    phys = value.strip()
                elif key == "core id":
                    core = value.strip()
                elif not line.strip():
                    if core:
                        cores.add((phys, core))
                    phys = core = ""
    except OSError:
        pass
    return max(1, min(available, len(cores) or available))
