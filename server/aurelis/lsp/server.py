"""The Aurelis language server: pygls plumbing around the plain-Python engine."""

from __future__ import annotations

import logging

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from aurelis import __version__
from aurelis.engine import Engine
from aurelis.lsp.code_actions import CodeActionProviders
from aurelis.lsp.commands import CommandRegistry
from aurelis.lsp.diagnostics_hub import DiagnosticsHub
from aurelis.lsp.events import Events
from aurelis.lsp.protocol import AurelisProtocol

log = logging.getLogger(__name__)


class AurelisServer(LanguageServer):
    def __init__(self) -> None:
        self.engine = Engine()
        self.commands = CommandRegistry()
        self.events = Events()
        self.code_actions = CodeActionProviders()
        super().__init__(
            "aurelis",
            __version__,
            protocol_cls=AurelisProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            max_workers=4,
        )
        self.diagnostics = DiagnosticsHub(self)
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

    def report_server_error(self, error: Exception, source) -> None:
        """Failed notifications are logged (the editor sees them via window/logMessage)
        instead of popping up; failed requests already carry their error response."""
        from pygls.exceptions import FeatureRequestError

        if source is not FeatureRequestError:
            log.error("%s: %s", getattr(source, "__name__", source), error)

    def show_message(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def client_supports(self, dotted: str) -> bool:
        """True when the client capability at ``dotted`` (snake_case path) is set and truthy."""
        node = self.client_capabilities
        for part in dotted.split("."):
            node = getattr(node, part, None)
            if node is None:
                return False
        return bool(node)


def create_server() -> AurelisServer:
    from aurelis.lsp.handlers import register_all
    from aurelis.lsp.log_bridge import attach

    server = AurelisServer()
    register_all(server)
    attach(server)
    return server
