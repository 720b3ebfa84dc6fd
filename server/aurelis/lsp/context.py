"""What every handler module is given: the pygls server (to talk to the client), the
engine and the LSP layer's shared seams, in one typed object. Handlers take a
``ServerContext`` instead of the server class, so ``lsp/server.py`` (the composition
root) is never imported back by them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from aurelis.engine import Engine
from aurelis.lsp.client import client_supports, show_message
from aurelis.lsp.code_actions import CodeActionProviders
from aurelis.lsp.commands import CommandTable
from aurelis.lsp.diagnostics_hub import DiagnosticsHub
from aurelis.lsp.events import Events


class ServerContext:
    def __init__(self, ls: LanguageServer, engine: Engine) -> None:
        self.ls = ls  # pygls: features, requests and notifications to the client, progress
        self.engine = engine
        self.events = Events()
        self.commands = CommandTable(ls)
        self.code_actions = CodeActionProviders()
        self.diagnostics = DiagnosticsHub(ls)
        self.shut_down = False  # set by `shutdown`: from then on only responses are sent
        # folders whose trust the user declined or revoked this session: not asked again until restart
        self.trust_declined: set[str] = set()

    @property
    def thread_pool(self) -> ThreadPoolExecutor:
        return self.ls.thread_pool

    def client_supports(self, dotted: str) -> bool:
        return client_supports(self.ls, dotted)

    def show_message(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        show_message(self.ls, message, kind)
