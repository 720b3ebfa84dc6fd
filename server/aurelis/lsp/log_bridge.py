"""Logging: stderr or a file always; warnings and above also to ``window/logMessage``."""

from __future__ import annotations

import logging
import threading

from lsprotocol import types
from pygls.lsp.server import LanguageServer

_LEVELS = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
}


class ClientLogHandler(logging.Handler):
    """Forwards records to the editor. Re-entrant sends (pygls logging while we
    send) are dropped rather than looping."""

    def __init__(self, server: LanguageServer, level: int = logging.WARNING) -> None:
        super().__init__(level)
        self.server = server
        self._local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if (
            getattr(self._local, "busy", False)
            or self.server.protocol.writer is None
            or getattr(self.server, "exited", False)  # a worker thread logging after `exit`
        ):
            return
        self._local.busy = True
        try:
            msg_type = _LEVELS.get(
                record.levelno, types.MessageType.Error if record.levelno > 40 else types.MessageType.Log
            )
            self.server.window_log_message(types.LogMessageParams(type=msg_type, message=self.format(record)))
        except Exception:  # logging must never raise into the caller
            pass
        finally:
            self._local.busy = False


class FinishedCancelFilter(logging.Filter):
    """pygls warns "Cancel notification for unknown message id" when ``$/cancelRequest`` names a
    request it no longer tracks, i.e. one that has already been answered. Editors do that all
    the time (VS Code cancels hover, code-action and command requests when the user moves on),
    and the LSP spec says so: a cancel may arrive after the response. The record is kept at
    DEBUG level instead of being a warning in every editor's log."""

    MESSAGE = 'Cancel notification for unknown message id "%s"'

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == self.MESSAGE and record.levelno == logging.WARNING:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def quiet_finished_cancels() -> None:
    logger = logging.getLogger("pygls.protocol.json_rpc")
    if not any(isinstance(f, FinishedCancelFilter) for f in logger.filters):
        logger.addFilter(FinishedCancelFilter())


def attach(server: LanguageServer) -> ClientLogHandler:
    handler = ClientLogHandler(server)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    from aurelis.ai.redaction import MaskSecrets

    handler.addFilter(MaskSecrets())
    logging.getLogger("aurelis").addHandler(handler)
    quiet_finished_cancels()
    return handler
