"""Work-done progress for one AI command: begin / partial output / end, and a
client-side cancel (``window/workDoneProgress/cancel``) that cancels the
command's task exactly like ``$/cancelRequest`` does."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

from lsprotocol import types

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext

log = logging.getLogger(__name__)

_REPORT_EVERY = 0.05  # seconds between partial-output reports
_TAIL = 200  # characters of partial output per report


class CommandProgress:
    def __init__(self, ctx: ServerContext, title: str) -> None:
        self.ctx = ctx
        self.title = title
        self.token: str | None = None
        self._last = 0.0
        self._pending: str | None = None

    async def begin(self, message: str = "building context") -> None:
        if not self.ctx.client_supports("window.work_done_progress"):
            return
        token = f"aurelis-ai-{uuid.uuid4().hex[:12]}"
        try:
            await self.ctx.ls.work_done_progress.create_async(token)
        except Exception as exc:  # the client refused: run without progress
            log.debug("progress refused: %s", exc)
            return
        self.token = token
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        future = self.ctx.ls.work_done_progress.tokens.get(token)
        if future is not None and task is not None:
            # pygls cancels this future on window/workDoneProgress/cancel.
            future.add_done_callback(
                lambda f: f.cancelled() and loop.call_soon_threadsafe(_cancel_once, task)
            )
        self.ctx.ls.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(title=f"Aurelis: {self.title}", cancellable=True, message=message),
        )

    def report(self, message: str) -> None:
        if self.token is not None:
            self.ctx.ls.work_done_progress.report(self.token, types.WorkDoneProgressReport(message=message))

    def partial(self, text: str) -> None:
        """Streamed text so far; reported at most every few tens of milliseconds."""
        now = time.monotonic()
        self._pending = text
        if now - self._last >= _REPORT_EVERY:
            self._flush(now)

    def _flush(self, now: float) -> None:
        if self._pending is not None:
            self._last = now
            text, self._pending = self._pending, None
            self.report(text[-_TAIL:] if len(text) > _TAIL else text)

    def end(self, message: str) -> None:
        if self.token is None:
            return
        self._flush(time.monotonic())
        self.ctx.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
        self.ctx.ls.work_done_progress.tokens.pop(self.token, None)
        self.token = None


def _cancel_once(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` unless a cancel is already under way. A client may send both
    ``$/cancelRequest`` and ``window/workDoneProgress/cancel`` (Neovim's :AurelisCancel does);
    a second cancel would interrupt httpx's cleanup of the first, which closes the provider's
    connection, and leave the HTTP request hanging."""
    if not task.done() and not task.cancelling():
        task.cancel()
