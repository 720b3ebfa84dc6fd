"""The protocol edge over a raw pipe, as a buggy or hostile client drives it.

One test per framing case (issue 14, item 1) and per JSON-RPC case (item 2): the
server answers with the right error code (or skips the bad bytes), and a valid
request is still answered afterwards.
"""

from __future__ import annotations

import json

import attrs
import pytest
from lsprotocol import types

from tests.support.raw_lsp import DOC, RawServer, frame

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
NOT_INITIALIZED = -32002


@pytest.fixture
def server():
    srv = RawServer()
    srv.initialize()
    srv.open()
    yield srv
    assert srv.alive(), "the server died"
    srv.ping()  # and it still answers a valid request at the end
    assert srv.close() == 0


@pytest.fixture
def fresh():
    srv = RawServer()
    yield srv
    if srv.alive():
        srv.proc.kill()
        srv.proc.wait()


def hover(msg_id: int) -> dict:
    return {
        "jsonrpc": "2.0",
        "id": msg_id,
        "method": "textDocument/hover",
        "params": {"textDocument": {"uri": DOC}, "position": {"line": 0, "character": 4}},
    }


def syntax_tree(msg_id: int) -> dict:
    return {
        "jsonrpc": "2.0",
        "id": msg_id,
        "method": "workspace/executeCommand",
        "params": {"command": "aurelis.syntaxTree", "arguments": [{"uri": DOC}]},
    }


# -- item 1: framing -------------------------------------------------------------------


def test_lowercase_content_length_is_accepted(server: RawServer):
    server.write(frame(syntax_tree(1), header="content-length"))
    assert "result" in server.reply(1)
    server.write(frame(syntax_tree(2), header="CONTENT-LENGTH"))
    assert "result" in server.reply(2)


def test_lf_only_headers_are_accepted(server: RawServer):
    server.write(frame(syntax_tree(1), eol=b"\n"))
    assert server.reply(1)["result"]["sexp"].startswith("(module")
    # and a Content-Type header in between, \n-terminated too
    body = json.dumps(syntax_tree(2)).encode()
    server.write(
        b"Content-Length: %d\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n\n%s"
        % (len(body), body)
    )
    assert "result" in server.reply(2)


def test_missing_content_length_is_skipped_and_the_session_goes_on(server: RawServer):
    body = json.dumps(syntax_tree(1)).encode()
    server.write(b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + body)
    server.write(frame(syntax_tree(2)))
    assert "result" in server.reply(2)
    assert server.replies(1) == []  # its frame was unusable: nothing to answer


def test_non_numeric_content_length_is_skipped(server: RawServer):
    body = json.dumps(syntax_tree(1)).encode()
    server.write(b"Content-Length: lots\r\n\r\n" + body)
    server.write(frame(syntax_tree(2)))
    assert "result" in server.reply(2)
    assert server.replies(1) == []


def test_too_small_content_length_is_a_parse_error_then_resync(server: RawServer):
    body = json.dumps(syntax_tree(1)).encode()
    server.write(frame(body, length=len(body) - 10))
    server.write(frame(syntax_tree(2)))
    assert "result" in server.reply(2)
    assert PARSE_ERROR in server.null_id_errors()


def test_too_large_content_length_still_answers_both_messages(server: RawServer):
    body = json.dumps(syntax_tree(1)).encode()
    # The length runs 60 bytes into the next frame: both are recovered.
    server.write(frame(body, length=len(body) + 60) + frame(syntax_tree(2)))
    assert "result" in server.reply(2)
    assert "result" in server.reply(1)


def test_too_large_content_length_with_nothing_after_is_taken_after_a_stall(server: RawServer):
    body = json.dumps(syntax_tree(1)).encode()
    server.write(frame(body, length=len(body) + 500))  # then the client waits for the answer
    assert "result" in server.reply(1, timeout=30)
    server.ping()


def test_huge_content_length_is_refused_without_allocating(server: RawServer):
    body = json.dumps(syntax_tree(1)).encode()
    server.write(frame(body, length=1_000_000_000_000))
    server.write(frame(syntax_tree(2)))
    assert server.error_code(1) == INVALID_REQUEST  # refused, by its id
    assert "result" in server.reply(2)
    assert not any(b"MemoryError" in line for line in server.stderr)


def test_message_over_the_configured_cap_is_refused_unread():
    srv = RawServer()
    try:
        srv.initialize({"index": {"enabled": False}, "max_message_bytes": 8192})
        srv.open()
        big = syntax_tree(1)
        big["params"]["arguments"][0]["padding"] = "x" * 20_000
        srv.send(big)
        small = syntax_tree(2)
        small["params"]["arguments"][0]["padding"] = "x" * 2_000
        srv.send(small)
        assert srv.error_code(1) == INVALID_REQUEST
        assert "8192" in srv.reply(1)["error"]["message"]
        assert "result" in srv.reply(2)  # under the cap: read and answered
        srv.ping()
    finally:
        assert srv.close() == 0


def test_junk_between_frames_is_skipped(server: RawServer):
    server.write(b"hello there\r\n\r\n\r\n{not json at all}\n")
    server.write(b"\x00\xff\xfe garbage " * 100)
    server.write(frame(syntax_tree(1)))
    assert "result" in server.reply(1)


def test_endless_header_line_is_dropped_not_buffered(server: RawServer):
    server.write(b"X" * 300_000 + b"\r\n")
    server.write(frame(syntax_tree(1)))
    assert "result" in server.reply(1)


# -- item 2: JSON-RPC errors -----------------------------------------------------------


def test_malformed_json_is_32700(server: RawServer):
    server.write(frame(b'{"jsonrpc": "2.0", "id": 1, "method": "workspace/executeCommand", "params": {'))
    server.write(frame(b"\xff\xfe not utf-8"))
    server.ping()
    assert server.null_id_errors().count(PARSE_ERROR) == 2


@pytest.mark.parametrize(
    ("message", "reply_id"),
    [
        ({"jsonrpc": "1.0", "id": 1, "method": "workspace/executeCommand"}, 1),
        ({"id": 2, "method": "workspace/executeCommand"}, 2),  # no jsonrpc at all
        ({"jsonrpc": "2.0", "id": 3, "method": 42}, 3),
        ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "textDocument/hover"}, None),
        ({"jsonrpc": "2.0", "id": True, "method": "textDocument/hover"}, None),
        ({"jsonrpc": "2.0", "id": 4}, 4),  # neither request nor response
        ([], None),
        ([syntax_tree(5)], None),  # batches are not part of LSP
        (7, None),
    ],
)
def test_invalid_request_is_32600(server: RawServer, message, reply_id):
    server.send(message)
    server.ping()
    if reply_id is None:
        assert server.null_id_errors() == [INVALID_REQUEST]
    else:
        assert server.error_code(reply_id) == INVALID_REQUEST
        assert len(server.replies(reply_id)) == 1


def test_unknown_method_is_32601(server: RawServer):
    msg_id = server.request("aurelis/noSuchMethod", {})
    assert server.error_code(msg_id) == METHOD_NOT_FOUND
    msg_id = server.request("$/noSuchRequest")
    assert server.error_code(msg_id) == METHOD_NOT_FOUND


def _request_methods() -> list[str]:
    """Every LSP request whose params are required (all of them but shutdown and a few
    server-to-client refreshes); initialize has its own test."""
    out = []
    for method, (cls, *_rest) in types.METHOD_TO_TYPES.items():
        fields = attrs.fields_dict(cls)
        if "id" in fields and fields["params"].default is attrs.NOTHING and method != "initialize":
            out.append(method)
    return sorted(out)


def test_missing_or_mistyped_params_are_32602_for_every_request(server: RawServer):
    methods = _request_methods()
    assert len(methods) > 50
    sent: dict[int | str, str] = {}
    for method in methods:
        for variant in ("missing", 7, "text", [1, 2], {"textDocument": 5, "position": "here"}):
            msg: dict = {"jsonrpc": "2.0", "id": server.new_id(), "method": method}
            if variant != "missing":
                msg["params"] = variant
            server.send(msg)
            sent[msg["id"]] = f"{method} params={variant!r}"
    server.ping()
    wrong = {}
    for msg_id, what in sent.items():
        replies = server.replies(msg_id)
        codes = [r.get("error", {}).get("code") for r in replies]
        if codes != [INVALID_PARAMS]:
            wrong[what] = codes
    assert not wrong, wrong


def test_mistyped_command_arguments_are_32602(server: RawServer):
    commands = server.call("workspace/executeCommand", {"command": "aurelis.noSuch"})
    assert commands["error"]["code"] == INVALID_PARAMS
    for params in (
        {"command": 5},
        {"command": "aurelis.syntaxTree", "arguments": 7},
        {"command": "aurelis.syntaxTree", "arguments": [7]},
        {"command": "aurelis.syntaxTree", "arguments": [{"uri": 5}]},
        {"command": "aurelis.syntaxTree", "arguments": [{}]},
    ):
        assert server.call("workspace/executeCommand", params)["error"]["code"] == INVALID_PARAMS, params


def test_request_before_initialize_is_32002(fresh: RawServer):
    msg_id = fresh.request("textDocument/hover", hover(0)["params"])
    assert fresh.error_code(msg_id) == NOT_INITIALIZED
    msg_id = fresh.request("shutdown")
    assert fresh.error_code(msg_id) == NOT_INITIALIZED
    fresh.open()  # a notification before initialize is dropped...
    fresh.initialize()
    with pytest.raises(AssertionError, match="not open"):
        fresh.ping(timeout=10)  # ...so the document was never opened
    fresh.open()
    fresh.ping()
    assert fresh.close() == 0


def test_initialize_with_bad_params_is_32602_and_can_be_retried(fresh: RawServer):
    msg_id = fresh.request("initialize", [1, 2])
    assert fresh.error_code(msg_id) == INVALID_PARAMS
    msg_id = fresh.request("initialize")
    assert fresh.error_code(msg_id) == INVALID_PARAMS
    msg_id = fresh.request("textDocument/hover", hover(0)["params"])
    assert fresh.error_code(msg_id) == NOT_INITIALIZED  # still not initialized
    fresh.initialize()
    fresh.open()
    fresh.ping()
    assert fresh.close() == 0


def test_second_initialize_is_refused(server: RawServer):
    msg_id = server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    reply = server.reply(msg_id)
    assert reply["error"]["code"] == INVALID_REQUEST
    assert "already initialized" in reply["error"]["message"]


def test_request_after_shutdown_is_32600_and_exit_is_0(fresh: RawServer):
    fresh.initialize()
    fresh.open()
    assert "error" not in fresh.call("shutdown")
    msg_id = fresh.request("workspace/executeCommand", syntax_tree(0)["params"])
    assert fresh.error_code(msg_id) == INVALID_REQUEST
    msg_id = fresh.request("shutdown")
    assert fresh.error_code(msg_id) == INVALID_REQUEST
    fresh.notify("exit")
    assert fresh.proc.wait(timeout=30) == 0


def test_exit_without_shutdown_exits_1(fresh: RawServer):
    fresh.initialize()
    fresh.notify("exit")
    assert fresh.proc.wait(timeout=30) == 1


def test_exit_before_initialize_exits_1(fresh: RawServer):
    fresh.notify("exit")
    assert fresh.proc.wait(timeout=30) == 1


def test_unknown_notifications_are_ignored(server: RawServer):
    server.notify("aurelis/noSuchNotification", {"x": 1})
    server.notify("$/noSuchNotification")
    server.notify("textDocument/didChange", 7)  # a known one with bad params: ignored too
    server.notify("$/cancelRequest", {"id": 999999})
    server.ping()
    with server.cond:
        replies = [m for m in server.messages if "method" not in m]
    errors = [m for m in replies if "error" in m]
    assert errors == []


def test_a_request_on_a_document_that_is_not_open_is_32602(server: RawServer):
    nope = {"uri": "file:///tmp/aurelis-raw/not-open.py"}
    pos = {"line": 0, "character": 0}
    for method, params in [
        ("textDocument/documentSymbol", {"textDocument": nope}),
        (
            "textDocument/codeAction",
            {"textDocument": nope, "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}},
        ),
        ("workspace/executeCommand", {"command": "aurelis.syntaxTree", "arguments": [nope]}),
    ]:
        reply = server.call(method, params)
        if "error" in reply:  # (a provider may also answer "nothing here")
            assert reply["error"]["code"] == INVALID_PARAMS, (method, reply)
            assert "not open" in reply["error"]["message"]
        else:
            assert reply["result"] in (None, []), (method, reply)
    assert (
        server.call("textDocument/documentSymbol", {"textDocument": nope})["error"]["code"] == INVALID_PARAMS
    )
