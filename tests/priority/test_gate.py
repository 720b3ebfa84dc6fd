"""The foreground-priority gate with real threads: background loops stop at it while the
foreground is busy (and for the grace period after), and resume when it is done."""

from __future__ import annotations

import threading

from aurelis.priority import ForegroundGate
from tests.priority.support import blocked_at, finish, start


def test_a_background_loop_makes_no_progress_while_the_foreground_is_busy_and_resumes_after():
    gate = ForegroundGate(grace=0.0, max_wait=None)
    done: list[int] = []

    def loop() -> None:
        for unit in range(5):
            gate.wait_idle()
            done.append(unit)

    gate.enter()
    worker = start(loop)
    blocked_at(gate)
    assert done == []  # held at the first checkpoint
    assert gate.status()["busy"] is True
    gate.leave()
    finish(worker)
    assert done == [0, 1, 2, 3, 4]
    assert gate.waits == 1 and gate.waited > 0


def test_a_unit_in_flight_finishes_and_the_loop_stops_at_its_next_checkpoint():
    gate = ForegroundGate(grace=0.0, max_wait=None)
    done: list[int] = []
    in_unit, foreground_started = threading.Event(), threading.Event()

    def loop() -> None:
        for unit in range(3):
            gate.wait_idle()
            if unit == 0:
                in_unit.set()
                foreground_started.wait()
            done.append(unit)

    worker = start(loop)
    in_unit.wait()
    gate.enter()  # an edit arrives while unit 0 runs
    foreground_started.set()
    blocked_at(gate)
    assert done == [0]
    gate.leave()
    finish(worker)
    assert done == [0, 1, 2]


def test_every_foreground_run_must_end_before_the_background_goes_on():
    gate = ForegroundGate(grace=0.0, max_wait=None)
    gate.enter()
    gate.enter()  # two documents analysed at once
    gate.leave()
    assert not gate.idle
    gate.leave()
    assert gate.idle


def test_the_grace_period_keeps_the_background_waiting_after_the_foreground():
    gate = ForegroundGate(grace=3600.0, max_wait=None)
    assert gate.idle  # never busy: nothing to wait for
    assert gate.wait_idle() == 0.0
    with gate.busy():
        pass
    assert not gate.idle  # the next edit is probably on its way
    assert gate.wait_idle(max_wait=0.01) > 0  # the cap ends the wait, not the grace


def test_max_wait_bounds_one_wait_so_a_busy_foreground_never_stops_the_background():
    gate = ForegroundGate(grace=0.0, max_wait=0.01)
    gate.enter()
    worker = start(lambda: [gate.wait_idle() for _ in range(3)])
    finish(worker)  # three capped waits, though the foreground never left
    assert gate.waits == 3
    gate.leave()
