"""pygls' protocol with three Aurelis choices:

- position encoding: prefer UTF-8 when the client offers it (no conversion), else UTF-16;
- text sync goes to Aurelis' own document model only (pygls' copy would double the work);
- executeCommand is a coroutine over pygls' registered commands (``lsp/commands.py``
  registers them with ``LanguageServer.command``): pygls' own executeCommand runs the
  command as a separate task, which ``$/cancelRequest`` would not reach.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from aurelis.lsp.context import ServerContext
from aurelis.workspace.positions import choose_encoding

if TYPE_CHECKING:
    from cattrs import Converter
    from pygls.lsp.server import LanguageServer


class AurelisProtocol(LanguageServerProtocol):
    ctx: ServerContext  # set by the server right after pygls creates the protocol

    def __init__(self, server: LanguageServer, converter: Converter) -> None:
        super().__init__(server, converter)
        # executeCommand takes pygls' builtin slot under its own name: a coroutine is not an
        # override of pygls' generator method (different types), it replaces it in the table.
        self.fm.add_builtin_feature(types.WORKSPACE_EXECUTE_COMMAND, self.execute_command)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        general = params.capabilities.general
        encoding = choose_encoding([str(e) for e in (general.position_encodings or [])] if general else None)
        self.ctx.engine.encoding = encoding
        result: types.InitializeResult = yield from super().lsp_initialize(params)
        result.capabilities.position_encoding = encoding.value
        return result

    def notify(self, method: str, params: Any | None = None) -> None:
        # After `shutdown` the client waits for nothing but `exit`: a progress report or log line
        # a worker thread queued meanwhile is dropped, not sent to a client that is going away.
        ctx = getattr(self, "ctx", None)  # None while pygls is still building the server
        if ctx is not None and ctx.shut_down:
            return
        super().notify(method, params)

    def _feature(self, method: str, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._feature(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._feature(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._feature(types.TEXT_DOCUMENT_DID_CLOSE, params)

    async def execute_command(self, params: types.ExecuteCommandParams) -> Any:
        handler = self.fm.commands.get(params.command)
        if handler is None:
            raise self.ctx.commands.unknown(params.command)
        return await handler(*(params.arguments or []))
