"""pygls' protocol with three Aurelis choices:

- position encoding: prefer UTF-8 when the client offers it (no conversion), else UTF-16;
- text sync goes to Aurelis' own document model only (pygls' copy would double the work);
- executeCommand is a coroutine over our registry, so ``$/cancelRequest`` cancels it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from aurelis.workspace.positions import choose_encoding

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer


class AurelisProtocol(LanguageServerProtocol):
    _server: AurelisServer

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        general = params.capabilities.general
        encoding = choose_encoding([str(e) for e in (general.position_encodings or [])] if general else None)
        self._server.engine.encoding = encoding
        result = yield from super().lsp_initialize(params)
        result.capabilities.position_encoding = encoding.value
        result.capabilities.execute_command_provider = types.ExecuteCommandOptions(
            commands=self._server.commands.names()
        )
        return result

    def _user(self, method: str, params: Any):
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        yield from self._user(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        yield from self._user(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        yield from self._user(types.TEXT_DOCUMENT_DID_CLOSE, params)

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    async def lsp_workspace__execute_command(self, params: types.ExecuteCommandParams) -> Any:
        return await self._server.commands.execute(self._server, params.command, params.arguments)
