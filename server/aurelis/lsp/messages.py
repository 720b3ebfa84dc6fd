"""JSON-RPC 2.0 envelopes checked before pygls sees them, and queued edits merged.

pygls drops a message whose ``jsonrpc`` is wrong and answers nothing when a request's
params do not structure; the specification wants an error response for each. The
checks here are on the plain JSON object (no protocol types), so they are cheap and
apply to every method alike.
"""

from __future__ import annotations

from typing import Any

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602

DID_CHANGE = "textDocument/didChange"


class EnvelopeError(Exception):
    def __init__(self, code: int, message: str, msg_id: int | str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.msg_id = code, message, msg_id


def valid_id(value: Any) -> bool:
    return type(value) is int or type(value) is str  # bool is not an id


def kind(obj: Any) -> str:
    """'request', 'notification' or 'response'; raises EnvelopeError for anything else."""
    if not isinstance(obj, dict):
        what = "an array (batches are not part of LSP)" if isinstance(obj, list) else type(obj).__name__
        raise EnvelopeError(INVALID_REQUEST, f"a message must be a JSON object, not {what}")
    has_id = "id" in obj
    msg_id = obj.get("id")
    reply_id = msg_id if valid_id(msg_id) else None
    if obj.get("jsonrpc") != "2.0":
        raise EnvelopeError(INVALID_REQUEST, 'jsonrpc must be "2.0"', reply_id)
    if "method" not in obj:
        if has_id and ("result" in obj or "error" in obj):
            return "response"
        raise EnvelopeError(INVALID_REQUEST, "neither a request, a notification nor a response", reply_id)
    if not isinstance(obj["method"], str):
        raise EnvelopeError(INVALID_REQUEST, "method must be a string", reply_id)
    if has_id and reply_id is None:
        raise EnvelopeError(INVALID_REQUEST, "id must be an integer or a string")
    params = obj.get("params")
    if has_id and params is not None and not isinstance(params, (dict, list)):
        raise EnvelopeError(INVALID_PARAMS, "params must be an object or an array", reply_id)
    return "request" if has_id else "notification"


def error_response(msg_id: int | str | None, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}


def _change_target(obj: Any) -> str | None:
    """The uri of a well-formed didChange notification, else None."""
    if not isinstance(obj, dict) or obj.get("method") != DID_CHANGE or "id" in obj:
        return None
    if obj.get("jsonrpc") != "2.0":
        return None
    params = obj.get("params")
    if not isinstance(params, dict) or not isinstance(params.get("contentChanges"), list):
        return None
    doc = params.get("textDocument")
    if not isinstance(doc, dict) or not isinstance(doc.get("uri"), str):
        return None
    return doc["uri"]


def merge_changes(objs: list[Any]) -> list[Any]:
    """Consecutive didChange notifications of one document become one: their content
    changes apply in order, each relative to the previous text, which is what one
    notification with all of them means; the version is the last one's. The document
    is then edited and reparsed once for the whole queue instead of once per keystroke."""
    out: list[Any] = []
    run_uri: str | None = None
    for obj in objs:
        uri = _change_target(obj)
        if uri is not None and uri == run_uri:
            last = out[-1]
            params = last["params"]
            params["contentChanges"].extend(obj["params"]["contentChanges"])
            params["textDocument"] = obj["params"]["textDocument"]
            continue
        if uri is not None:
            params = obj["params"]
            obj = {**obj, "params": {**params, "contentChanges": list(params["contentChanges"])}}
        out.append(obj)
        run_uri = uri
    return out
