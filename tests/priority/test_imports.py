"""Paced imports with real modules on disk: a background thread importing a package waits at
the gate before each new module, while other threads keep importing freely."""

from __future__ import annotations

import sys
import threading
import uuid
from pathlib import Path

import pytest

from aurelis.priority import ForegroundGate
from aurelis.priority.imports import paced_imports
from tests.priority.support import blocked_at, finish, start


@pytest.fixture
def modules(tmp_path: Path):
    """A fresh package ``pkg`` (two submodules) and a plain module ``other`` on sys.path."""
    tag = uuid.uuid4().hex[:8]
    pkg, other = f"paced_pkg_{tag}", f"paced_other_{tag}"
    (tmp_path / pkg).mkdir()
    (tmp_path / pkg / "__init__.py").write_text(f"from {pkg} import one, two\n")
    (tmp_path / pkg / "one.py").write_text("VALUE = 1\n")
    (tmp_path / pkg / "two.py").write_text("VALUE = 2\n")
    (tmp_path / f"{other}.py").write_text("VALUE = 3\n")
    sys.path.insert(0, str(tmp_path))
    yield pkg, other
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith((pkg, other))]:
        del sys.modules[name]


def test_a_paced_import_waits_for_the_foreground_module_by_module(modules):
    pkg, other = modules
    gate = ForegroundGate(grace=0.0, max_wait=None)
    counted = []

    def load() -> None:
        with paced_imports(gate, max_wait=60.0) as finder:
            __import__(pkg)
        counted.append(finder.modules)

    gate.enter()
    worker = start(load)
    blocked_at(gate)
    assert pkg not in sys.modules  # held before its first module is even created

    # Another thread (here the test's) imports while the paced one waits: the wait
    # holds no global import lock. Were it held, this import would return only after
    # the wait ended, and the paced thread would no longer be waiting.
    assert __import__(other).VALUE == 3
    assert gate.waiting == 1 and pkg not in sys.modules

    gate.leave()
    finish(worker)
    assert sys.modules[f"{pkg}.one"].VALUE == 1 and sys.modules[f"{pkg}.two"].VALUE == 2
    assert counted == [3]  # the package and both submodules went through the gate


def test_only_the_loading_thread_is_paced_and_the_finder_goes_with_the_block(modules):
    _pkg, other = modules
    gate = ForegroundGate(grace=0.0, max_wait=None)
    before = list(sys.meta_path)
    inside, leave = threading.Event(), threading.Event()

    def paced_thread() -> None:
        with paced_imports(gate, max_wait=60.0):
            inside.set()
            leave.wait()

    worker = start(paced_thread)
    inside.wait()
    with gate.busy():
        assert __import__(other).VALUE == 3  # this thread is not the paced one: no wait
    assert gate.waits == 0
    leave.set()
    finish(worker)
    assert sys.meta_path == before
