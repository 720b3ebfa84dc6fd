"""Document and workspace events the text-sync handlers fire and features subscribe to.

A subscriber is a plain function or coroutine function taking the event's
argument. A failing subscriber is logged and never stops the others.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Event:
    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Callable[..., Any]] = []

    def subscribe(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self._subscribers.append(fn)
        return fn

    def fire(self, *args: Any) -> None:
        for fn in self._subscribers:
            try:
                result = fn(*args)
                if inspect.isawaitable(result):
                    task = asyncio.ensure_future(result)
                    task.add_done_callback(self._log_failure)
            except Exception:
                log.exception("%s subscriber %s failed", self.name, getattr(fn, "__qualname__", fn))

    def _log_failure(self, task: asyncio.Future[Any]) -> None:
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("%s subscriber failed: %r", self.name, exc, exc_info=exc)


class Events:
    def __init__(self) -> None:
        self.initialized = Event("initialized")  # () after the client's `initialized`
        self.opened = Event("opened")  # (Document)
        self.changed = Event("changed")  # (Document)
        self.saved = Event("saved")  # (Document | None, uri)
        self.closed = Event("closed")  # (uri)
        self.settings_changed = Event("settings_changed")  # ()
        self.folders_changed = Event("folders_changed")  # (added: list[Folder], removed: list[Folder])
        self.files_changed = Event("files_changed")  # (list[tuple[uri, kind]]) kind: created|changed|deleted
        self.shutdown = Event("shutdown")  # ()
        self.crossfile_pass_done = Event("crossfile_pass_done")  # () a cross-file pass finished
