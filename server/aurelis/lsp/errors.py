"""Errors the LSP layer turns into JSON-RPC error responses (pygls' exception classes,
lsprotocol's error codes)."""

from __future__ import annotations

from lsprotocol.types import LSPErrorCodes
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams


class JsonRpcRequestFailed(JsonRpcException):
    """LSP ``RequestFailed``: the request was valid but could not be carried out (the
    message says why, e.g. every AI provider failed)."""

    CODE = int(LSPErrorCodes.RequestFailed)
    MESSAGE = "Request Failed"


def invalid_params(message: str) -> JsonRpcInvalidParams:
    return JsonRpcInvalidParams(message=message)


def request_failed(message: str) -> JsonRpcRequestFailed:
    return JsonRpcRequestFailed(message=message)
