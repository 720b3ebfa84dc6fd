"""Real libraries from pinned sdists, for the fix-safety test and the precision bench.

Downloaded once into a cache outside the repository (``$AURELIS_SDIST_CACHE``, default
``~/.cache/aurelis-tests/sdists``), so reruns are offline; each user gets a fresh copy.
Never vendored.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

CACHE = Path(os.environ.get("AURELIS_SDIST_CACHE", Path.home() / ".cache" / "aurelis-tests" / "sdists"))


class SdistUnavailable(RuntimeError):
    pass


def sdist(name: str, version: str, cache: Path = CACHE) -> Path:
    """The cached ``name-version.tar.gz``, downloaded (sdist only, no dependencies) if missing."""
    cache.mkdir(parents=True, exist_ok=True)
    found = _cached(name, version, cache)
    if found is not None:
        return found
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:"]
    done = subprocess.run(
        [*cmd, "-d", str(cache), f"{name}=={version}"], capture_output=True, text=True, timeout=600
    )
    found = _cached(name, version, cache)
    if found is None:
        raise SdistUnavailable(f"could not download the sdist of {name}=={version}: {done.stderr[-2000:]}")
    return found


def _cached(name: str, version: str, cache: Path) -> Path | None:
    wanted = {f"{n}-{version}.tar.gz" for n in (name, name.lower(), name.replace("-", "_"))}
    return next((p for p in sorted(cache.glob("*.tar.gz")) if p.name.lower() in wanted), None)


def unpack(tarball: Path, dest: Path) -> Path:
    """A fresh copy of the sdist's tree under ``dest``; returns its top directory."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as tar:
        tar.extractall(dest, filter="data")
        top = tar.getnames()[0].split("/")[0]
    return dest / top
