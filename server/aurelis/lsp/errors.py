"""Errors the LSP layer turns into JSON-RPC error responses."""

from __future__ import annotations

from pygls.exceptions import JsonRpcInvalidParams


def invalid_params(message: str) -> JsonRpcInvalidParams:
    return JsonRpcInvalidParams(message=message)
