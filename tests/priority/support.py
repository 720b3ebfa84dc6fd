"""Helpers for tests of the foreground-priority gate (real threads, no sleeps as assertions)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from aurelis.priority import ForegroundGate


def eventually(predicate: Callable[[], object], timeout: float = 60.0) -> None:
    """Poll until ``predicate()`` is truthy: liveness, not speed (the timeout only stops a hang)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.005)


def blocked_at(gate: ForegroundGate, threads: int = 1) -> None:
    """Wait until ``threads`` background threads are blocked in ``gate.wait_idle()``."""
    eventually(lambda: gate.waiting >= threads)


def start(target: Callable[[], object]) -> threading.Thread:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:  # re-raised by the test through .errors
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.errors = errors  # type: ignore[attr-defined]
    thread.start()
    return thread


def finish(thread: threading.Thread) -> None:
    thread.join(120)
    assert not thread.is_alive(), "background thread did not finish"
    if thread.errors:  # type: ignore[attr-defined]
        raise thread.errors[0]  # type: ignore[attr-defined]
