"""The foreground-priority gate: background loops give way while per-file diagnostics run.

The per-file diagnostics and the background work (index build, cross-file pass)
share one interpreter lock and, on a small machine, the cores. Python threads
have no priorities, so the background cooperates: the foreground marks the gate
busy while it runs, and a background loop calls ``wait_idle()`` between units of
work (a file, an encode batch, an imported module). It waits there while the
foreground is busy and for a short grace period after, because while someone types
the next edit is usually already on its way.

Plain Python, stdlib only; every layer may use it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# s of foreground quiet before background work resumes: longer than the gap between two
# keystrokes, so a unit (an encode batch takes ~0.1-0.2 s) seldom overlaps the next edit.
DEFAULT_GRACE = 0.3
DEFAULT_MAX_WAIT = 5.0  # s: a background loop is never held longer than this at one checkpoint


class ForegroundGate:
    """Thread-safe. ``busy()`` around foreground work; ``wait_idle()`` between background units.

    ``max_wait`` bounds one wait, so a foreground that never pauses (or that waits for
    something a waiting background thread holds) delays the background, never stops it.
    """

    def __init__(self, grace: float = DEFAULT_GRACE, max_wait: float | None = DEFAULT_MAX_WAIT) -> None:
        self.grace = grace
        self.max_wait = max_wait
        self._cond = threading.Condition()
        self._busy = 0
        self._last_end = -math.inf
        self.waiting = 0  # background threads blocked in wait_idle() right now
        self.waits = 0  # checkpoints that had to wait (for status and benchmarks)
        self.waited = 0.0  # seconds spent waiting, in total

    # -- foreground ------------------------------------------------------------------
    def enter(self) -> None:
        with self._cond:
            self._busy += 1

    def leave(self) -> None:
        with self._cond:
            self._busy -= 1
            self._last_end = time.monotonic()
            if self._busy == 0:
                self._cond.notify_all()

    @contextmanager
    def busy(self) -> Iterator[None]:
        self.enter()
        try:
            yield
        finally:
            self.leave()

    # -- background --------------------------------------------------------------------
    @property
    def idle(self) -> bool:
        """Nothing in the foreground now, nor within the last ``grace`` seconds."""
        with self._cond:
            return self._quiet_left(time.monotonic()) <= 0

    def _quiet_left(self, now: float) -> float:
        if self._busy:
            return math.inf
        return self._last_end + self.grace - now

    def wait_idle(self, max_wait: float | None = None) -> float:
        """Block while the foreground is busy (and ``grace`` after); returns the seconds waited.

        ``max_wait``: cap of this wait (default: the gate's own ``max_wait``).
        Call it from background threads only: a foreground thread would wait for itself.
        """
        cap = self.max_wait if max_wait is None else max_wait
        start = time.monotonic()
        deadline = math.inf if cap is None else start + cap
        with self._cond:
            quiet = self._quiet_left(start)
            if quiet <= 0 or start >= deadline:
                return 0.0
            self.waiting += 1
            try:
                while quiet > 0:
                    timeout = min(quiet, deadline - time.monotonic())
                    if timeout <= 0:
                        break
                    self._cond.wait(None if math.isinf(timeout) else timeout)
                    quiet = self._quiet_left(time.monotonic())
            finally:
                self.waiting -= 1
            waited = time.monotonic() - start
            self.waits += 1
            self.waited += waited
        return waited

    def status(self) -> dict[Any, Any]:
        """``busy``: foreground work running; ``waits``/``waited_s``: how often and how long
        background work has waited for it."""
        with self._cond:
            return {"busy": self._busy > 0, "waits": self.waits, "waited_s": round(self.waited, 3)}
