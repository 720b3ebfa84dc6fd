"""The Aurelis language server: pygls plumbing around the plain-Python engine.

This is the composition root: it builds the engine, the handler context and the
feature services. Nothing below it imports it back."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer

from aurelis import __version__
from aurelis.engine import Engine
from aurelis.lsp.context import ServerContext
from aurelis.lsp.errors import document_errors_are_invalid_params
from aurelis.lsp.handlers import Services, register_all
from aurelis.lsp.lifecycle import Lifecycle
from aurelis.lsp.log_bridge import attach
from aurelis.lsp.protocol import AurelisProtocol

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


class AurelisServer(LanguageServer):
    services: Services
    lifecycle: Lifecycle | None = None  # set by the transport's session (lsp/transport.py)

    def __init__(self, engine: Engine | None = None) -> None:
        super().__init__(
            "aurelis",
            __version__,
            protocol_cls=AurelisProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            max_workers=4,
        )
        self.engine = engine or Engine()
        self.ctx = ServerContext(self, self.engine)
        assert isinstance(self.protocol, AurelisProtocol)
        self.protocol.ctx = self.ctx
        self.exited = False  # set when the session ends: nothing may be sent after `exit`

    def shutdown(self) -> None:
        """Stop without waiting for worker threads: one may be loading a model or calling a
        provider for seconds, and the editor is waiting for the process to end. (pygls'
        shutdown joins its thread pool.) The threads die with the process."""
        self.exited = True
        log.info("stopping the server")
        if self._stop_event is not None:
            self._stop_event.set()
        if self._thread_pool:
            self._thread_pool.shutdown(wait=False, cancel_futures=True)
        if self._server:
            self._server.close()

    def report_server_error(self, error: Exception, source: object) -> None:
        """Failed notifications are logged (the editor sees them via window/logMessage)
        instead of popping up; failed requests already carry their error response."""
        if source is not FeatureRequestError:
            log.error("%s: %s", getattr(source, "__name__", source), error)

    def feature(self, feature_name: str, options: Any | None = None) -> Callable[[F], F]:
        """pygls' ``feature``, with a handler's DocumentError answered as InvalidParams."""
        register = super().feature(feature_name, options)

        def decorator(fn: F) -> F:
            register(document_errors_are_invalid_params(fn))
            return fn

        return decorator


def create_server() -> AurelisServer:
    server = AurelisServer()
    server.services = register_all(server.ctx)
    attach(server)
    return server
