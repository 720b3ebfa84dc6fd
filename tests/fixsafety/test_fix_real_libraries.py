"""`aurelis check --fix` on fresh copies of real libraries (pinned sdists) never breaks them.

After the fixes every module of each package still imports and every `from pkg… import …`
of the package and its tests still resolves (``probe.py``, run before and after on the same
copy: what failed before, e.g. Windows-only modules, may fail after, nothing else). Where the
library's own test suite runs offline with what the dev environment has, it runs before and
after too. requests is in the set because it re-exports through `compat.py` and `utils.py`:
the library an earlier `--fix` broke.

Every rule with a fix runs (the off-by-default ones selected by category). The cross-file rules
(AUR410/AUR411) are left out: they have no fixes, and AUR410 would build an embedding index of
each library first.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.sdists import sdist, unpack

PROBE = Path(__file__).with_name("probe.py")
# every rule with a fix, the off-by-default ones too: the more fixes run, the more this test proves
EVERY_FIX = "bug-risk,security,performance,maintainability"


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    src: str  # the directory holding the package
    package: str
    suite: tuple[str, ...] | None = None  # pytest arguments of its own suite (None: not offline here)
    tests: str = "tests"


LIBRARIES = [
    Library("requests", "2.34.2", "src", "requests"),  # its suite needs pytest-httpbin and a network
    Library("rich", "15.0.0", ".", "rich"),
    Library(
        "jinja2",
        "3.1.6",
        "src",
        "jinja2",
        suite=("--ignore", "tests/test_async.py", "--ignore", "tests/test_async_filters.py"),  # trio
    ),
    Library("starlette", "1.10.0", ".", "starlette"),  # its suite needs the test client's extras
    Library("click", "8.5.1", "src", "click", suite=()),
]


@dataclass
class Outcome:
    fixed: int = 0
    problems: list[str] = field(default_factory=list)


def _env(copy: Path, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["AURELIS_CACHE_DIR"] = str(cache)
    return env


def _probe(lib: Library, copy: Path, cache: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(PROBE), str(copy / lib.src), lib.package, str(copy / lib.tests)],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(copy, cache),
    )
    assert done.returncode == 0, f"{lib.name}: the probe itself failed: {done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def _suite(lib: Library, copy: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = _env(copy, cache)
    env["PYTHONPATH"] = str(copy / lib.src)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:asyncio",
            *lib.suite,
            lib.tests,
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )


def _check_fix(copy: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = _env(copy, cache)
    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")  # this checkout's aurelis
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "aurelis",
            "check",
            "--fix",
            "--extend-select",
            EVERY_FIX,
            "--ignore",
            "AUR410,AUR411",
            ".",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )


def _run_one(lib: Library, tmp_path: Path) -> Outcome:
    out = Outcome()
    copy = unpack(sdist(lib.name, lib.version), tmp_path / lib.name)
    cache = tmp_path / "aurelis-cache"
    before = _probe(lib, copy, cache)
    assert Path(before["loaded_from"]).is_relative_to(copy), f"{lib.name} was not imported from the copy"
    assert before["modules"] > 0 and before["from_imports"] > 0
    suite_before = _suite(lib, copy, cache) if lib.suite is not None else None

    done = _check_fix(copy, cache)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        out.problems.append(f"{lib.name}: check --fix failed ({done.returncode}): {done.stderr[-3000:]}")
        return out
    m = re.search(r"fixed (\d+) in (\d+) files", done.stderr)
    out.fixed = int(m.group(1)) if m else 0

    after = _probe(lib, copy, cache)
    if after["modules"] != before["modules"]:
        out.problems.append(f"{lib.name}: {before['modules']} modules before, {after['modules']} after")
    for name, err in after["failed_modules"].items():
        if name not in before["failed_modules"]:
            out.problems.append(f"{lib.name}: `import {name}` broke: {err}")
    for line in set(after["failed_from"]) - set(before["failed_from"]):
        out.problems.append(f"{lib.name}: no longer resolves: {line}")
    if suite_before is not None:
        suite_after = _suite(lib, copy, cache)
        if suite_before.returncode == 0 and suite_after.returncode != 0:
            out.problems.append(f"{lib.name}: its test suite broke: {suite_after.stdout[-3000:]}")
        assert suite_before.returncode == 0, f"{lib.name}: its suite fails on the pristine copy"
    return out


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_check_fix_never_breaks_a_real_library(tmp_path: Path):
    outcomes = {lib.name: _run_one(lib, tmp_path) for lib in LIBRARIES}
    problems = [p for o in outcomes.values() for p in o.problems]
    assert problems == []
    # the run must have changed something, or it proved nothing about the fixes
    assert sum(o.fixed for o in outcomes.values()) > 0, {n: o.fixed for n, o in outcomes.items()}
