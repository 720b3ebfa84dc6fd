"""Paced imports: a background thread importing a large library checks the gate before each module.

Importing torch + sentence-transformers executes ~3,500 modules (~7 s of Python
holding the interpreter lock). Each module is a natural unit of work: inside
``paced_imports(gate)`` the calling thread waits for the foreground-priority gate
before a new module is created and executed. Other threads import as usual.

The wait happens in the module's loader (``create_module``), not in the finder:
finders run under the global import lock, and holding that while waiting would
block every import of every thread. Only the per-module locks of the modules
being imported are held, and ``max_wait`` bounds each wait in case the foreground
needs one of those.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.abc import MetaPathFinder
from importlib.machinery import ExtensionFileLoader, ModuleSpec, SourceFileLoader, SourcelessFileLoader
from types import ModuleType

from aurelis.priority.gate import ForegroundGate

# Loaders created per module by the path finder: safe to give one instance a wrapped method.
_PER_MODULE_LOADERS = (SourceFileLoader, SourcelessFileLoader, ExtensionFileLoader)
IMPORT_MAX_WAIT = 0.5  # s per module: the foreground might be waiting for a module lock we hold


class _PacedFinder(MetaPathFinder):
    def __init__(self, gate: ForegroundGate, thread: int, max_wait: float) -> None:
        self.gate, self.thread, self.max_wait = gate, thread, max_wait
        self.modules = 0  # modules this thread imported through the gate

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if threading.get_ident() != self.thread:
            return None
        spec = _spec_from_other_finders(self, name, path, target)
        if spec is None or not isinstance(spec.loader, _PER_MODULE_LOADERS):
            return None  # let the import system search again (it finds the same or reports the error)
        loader = spec.loader
        create = loader.create_module

        def gated_create_module(spec: ModuleSpec) -> ModuleType | None:
            del loader.create_module  # back to the class's method for good
            if threading.get_ident() == self.thread:  # not when a probed spec is loaded elsewhere
                self.modules += 1
                self.gate.wait_idle(self.max_wait)
            return create(spec)

        loader.create_module = gated_create_module  # type: ignore[method-assign]
        return spec


def _spec_from_other_finders(
    me: MetaPathFinder, name: str, path: Sequence[str] | None, target: ModuleType | None
) -> ModuleSpec | None:
    for finder in list(sys.meta_path):
        find = getattr(finder, "find_spec", None)
        if finder is me or find is None:
            continue
        spec = find(name, path, target)
        if isinstance(spec, ModuleSpec):
            return spec
    return None


@contextmanager
def paced_imports(gate: ForegroundGate, max_wait: float = IMPORT_MAX_WAIT) -> Iterator[_PacedFinder]:
    """Modules this thread imports inside the block wait for ``gate`` first (each at most ``max_wait``)."""
    finder = _PacedFinder(gate, threading.get_ident(), max_wait)
    sys.meta_path.insert(0, finder)
    try:
        yield finder
    finally:
        sys.meta_path.remove(finder)
