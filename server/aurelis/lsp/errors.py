"""Errors the LSP layer turns into JSON-RPC error responses (pygls' exception classes,
lsprotocol's error codes)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from lsprotocol.types import LSPErrorCodes
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from aurelis.workspace.documents import DocumentError


class JsonRpcRequestFailed(JsonRpcException):
    """LSP ``RequestFailed``: the request was valid but could not be carried out (the
    message says why, e.g. every AI provider failed)."""

    CODE = int(LSPErrorCodes.RequestFailed)
    MESSAGE = "Request Failed"


def invalid_params(message: str) -> JsonRpcInvalidParams:
    return JsonRpcInvalidParams(message=message)


def request_failed(message: str) -> JsonRpcRequestFailed:
    return JsonRpcRequestFailed(message=message)


def _document_message(exc: DocumentError) -> str:
    return str(exc.args[0] if exc.args else exc)


def document_errors_are_invalid_params(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A request naming a document that is not open is a params error (-32602), not an
    internal error with a traceback (-32603). Keeps the handler's sync/async kind."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            except DocumentError as exc:
                raise invalid_params(_document_message(exc)) from None

        return run_async
    if inspect.isgeneratorfunction(fn):
        return fn

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DocumentError as exc:
            raise invalid_params(_document_message(exc)) from None

    return run
