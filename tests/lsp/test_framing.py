"""The frame parser, the envelope checks, the didChange merge and the lifecycle, unit by unit
(the e2e tests in tests/e2e/test_protocol_edge.py drive the same code over a pipe)."""

from __future__ import annotations

import json

from aurelis.lsp import messages
from aurelis.lsp.framing import Body, FrameParser, Problem, Refused, frame
from aurelis.lsp.lifecycle import DROP, Lifecycle

MSG = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "shutdown"}).encode()


def feed(parser: FrameParser, data: bytes, step: int | None = None) -> list:
    out = []
    for i in range(0, len(data), step or len(data) or 1):
        parser.feed(data[i : i + (step or len(data))])
        out += parser.events()
    return out


def bodies(events: list) -> list[bytes]:
    return [e.data for e in events if isinstance(e, Body)]


def test_byte_at_a_time_and_mixed_line_ends():
    data = frame(MSG) + b"content-length: %d\n\n%s" % (len(MSG), MSG)
    assert bodies(feed(FrameParser(), data, step=1)) == [MSG, MSG]


def test_junk_glued_to_the_next_header_resynchronises():
    events = feed(FrameParser(), b"Content-Type: x\r\n\r\n{garbage}" + frame(MSG))
    assert bodies(events) == [MSG]
    assert any(isinstance(e, Problem) for e in events)


def test_oversized_length_is_skipped_without_buffering_and_its_id_found():
    parser = FrameParser(max_bytes=100)
    big = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "x", "params": {"p": "y" * 10_000}}).encode()
    events = []
    data = b"Content-Length: %d\r\n\r\n" % len(big) + big
    for i in range(0, len(data), 1000):
        events += feed(parser, data[i : i + 1000])
        assert len(parser._buf) <= 1100  # never the whole message
    events += feed(parser, frame(MSG))
    assert [e for e in events if isinstance(e, Refused)] == [Refused(len(big), 7)]
    assert bodies(events) == [MSG]


def test_refused_message_without_id_does_not_borrow_the_next_frames_id():
    parser = FrameParser(max_bytes=10)
    note = json.dumps({"jsonrpc": "2.0", "method": "x"}).encode()
    events = feed(parser, frame(note) + frame(MSG))
    assert Refused(len(note), None) in events


def test_a_stalled_body_shorter_than_its_length_is_taken():
    parser = FrameParser()
    feed(parser, b"Content-Length: 500\r\n\r\n" + MSG)
    assert parser.waiting_for_body
    assert parser.stalled() == Body(MSG)


def test_endless_header_line_is_not_buffered():
    parser = FrameParser()
    feed(parser, b"x" * 100_000)
    assert len(parser._buf) < 10_000
    assert bodies(feed(parser, b"\r\n" + frame(MSG))) == [MSG]


def test_envelope_kinds():
    assert messages.kind({"jsonrpc": "2.0", "id": 1, "method": "m"}) == "request"
    assert messages.kind({"jsonrpc": "2.0", "method": "m", "params": 7}) == "notification"
    assert messages.kind({"jsonrpc": "2.0", "id": 1, "result": None}) == "response"
    for bad, code in [
        ({"jsonrpc": "2.0", "id": 1, "method": "m", "params": 7}, messages.INVALID_PARAMS),
        ({"jsonrpc": "1.0", "id": 1, "method": "m"}, messages.INVALID_REQUEST),
        ({"jsonrpc": "2.0", "id": None, "method": "m"}, messages.INVALID_REQUEST),
        ([], messages.INVALID_REQUEST),
    ]:
        try:
            messages.kind(bad)
        except messages.EnvelopeError as exc:
            assert exc.code == code
        else:
            raise AssertionError(f"accepted {bad!r}")


def change(uri: str, version: int, text: str) -> dict:
    return {
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    }


def test_consecutive_changes_of_one_document_merge_in_order():
    req = {"jsonrpc": "2.0", "id": 1, "method": "m"}
    objs = [
        change("a", 2, "1"),
        change("a", 3, "2"),
        change("b", 2, "x"),
        change("a", 4, "3"),
        req,
        change("a", 5, "4"),
    ]
    merged = messages.merge_changes(objs)
    assert [m.get("method") for m in merged] == ["textDocument/didChange"] * 3 + [
        "m",
        "textDocument/didChange",
    ]
    first = merged[0]["params"]
    assert first["textDocument"]["version"] == 3
    assert [c["text"] for c in first["contentChanges"]] == ["1", "2"]
    assert objs[0]["params"]["contentChanges"] == [{"text": "1"}]  # the input is not mutated


def test_lifecycle():
    life = Lifecycle()
    assert life.admit("textDocument/hover", True).code == -32002
    assert life.admit("textDocument/didOpen", False) is DROP
    assert life.admit("initialize", True) is None
    life.initialized()
    assert life.admit("initialize", True).code == -32600
    assert life.admit("textDocument/hover", True) is None
    life.shutting_down()
    assert life.admit("textDocument/hover", True).code == -32600
    assert life.admit("exit", False) is None
    assert life.exit() == 0
    assert Lifecycle().exit() == 1
