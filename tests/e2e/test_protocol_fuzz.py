"""Fuzzing the edge over a raw pipe: random mutations of valid messages (headers, JSON,
envelope, params). The server never dies; every request it could read (its frame intact,
its body a JSON object with an id and a method) gets exactly one reply; no id is ever
answered more often than it was sent; and it keeps answering valid requests throughout.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

from tests.support.raw_lsp import DOC, RawServer, frame

MUTATIONS = 600
CHECK_EVERY = 50
FIRST_ID = 100_000
LIFECYCLE = {"exit", "shutdown"}
VALUES: list[Any] = [None, 7, -1, 1.5, True, "x", "", [], [1, "a"], {}, {"a": None}, "é" * 50, 10**30]


def base_messages(rng: random.Random, msg_id: int) -> dict:
    pos = {"line": rng.randrange(0, 4), "character": rng.randrange(0, 12)}
    doc = {"uri": DOC}
    choices = [
        ("textDocument/hover", {"textDocument": doc, "position": pos}),
        ("textDocument/documentSymbol", {"textDocument": doc}),
        ("textDocument/foldingRange", {"textDocument": doc}),
        (
            "textDocument/codeAction",
            {
                "textDocument": doc,
                "range": {"start": pos, "end": pos},
                "context": {"diagnostics": []},
            },
        ),
        ("workspace/executeCommand", {"command": "aurelis.syntaxTree", "arguments": [{"uri": DOC}]}),
        ("workspace/symbol", {"query": "f"}),
        ("initialize", {"processId": None, "rootUri": None, "capabilities": {}}),
        (
            "textDocument/didChange",
            {
                "textDocument": {"uri": DOC, "version": msg_id},
                "contentChanges": [
                    {"range": {"start": pos, "end": pos}, "text": rng.choice(["x", "\n", " ", "(", "é"])}
                ],
            },
        ),
        ("textDocument/didSave", {"textDocument": doc}),
        ("$/cancelRequest", {"id": msg_id - 1}),
    ]
    method, params = rng.choice(choices)
    msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
    if not method.startswith(("textDocument/did", "$/")):
        msg["id"] = msg_id
    return msg


def mutate_params(rng: random.Random, node: Any) -> Any:
    """Replace, drop or retype one field somewhere inside ``node``."""
    if isinstance(node, dict) and node:
        key = rng.choice(list(node))
        roll = rng.random()
        if roll < 0.3:
            return {k: v for k, v in node.items() if k != key}
        if roll < 0.6:
            return {**node, key: rng.choice(VALUES)}
        return {**node, key: mutate_params(rng, node[key])}
    if isinstance(node, list) and node:
        i = rng.randrange(len(node))
        return [*node[:i], mutate_params(rng, node[i]), *node[i + 1 :]]
    return rng.choice(VALUES)


def mutate(rng: random.Random, msg: dict) -> tuple[bytes, bool]:
    """(bytes on the wire, whether its frame is intact: the server can read the body)."""
    kind = rng.choice(["envelope", "params", "params", "json", "header", "none"])
    body = json.dumps(msg).encode()
    if kind == "envelope":
        key = rng.choice(["jsonrpc", "id", "method", "params"])
        m = dict(msg)
        if rng.random() < 0.4:
            m.pop(key, None)
        else:
            value = rng.choice([*VALUES, "2.0", "1.0", "aurelis/fuzz", "$/fuzz", "textDocument/hover"])
            if key == "method" and isinstance(value, str) and value in LIFECYCLE:
                value = "aurelis/fuzz"
            m[key] = value
        body = json.dumps(m).encode()
    elif kind == "params":
        body = json.dumps({**msg, "params": mutate_params(rng, msg.get("params"))}).encode()
    elif kind == "json":
        b = bytearray(body)
        roll = rng.random()
        if roll < 0.3:
            b = b[: rng.randrange(len(b))]
        elif roll < 0.6:
            b.insert(rng.randrange(len(b)), rng.choice(b'{}[]",:\\\n\x00\xff'))
        elif roll < 0.8:
            del b[rng.randrange(len(b))]
        else:
            b[rng.randrange(len(b))] = rng.randrange(256)
        body = bytes(b)
    if kind != "header":
        return frame(
            body, eol=rng.choice([b"\r\n", b"\n"]), header=rng.choice(["Content-Length", "content-length"])
        ), True
    how = rng.choice(
        ["lower", "lf", "extra", "junk-before", "missing", "short", "long", "nan", "huge", "twice"]
    )
    if how == "lower":
        return frame(body, header="content-length"), True
    if how == "lf":
        return frame(body, eol=b"\n"), True
    if how == "extra":
        return b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + frame(body), True
    if how == "junk-before":
        return b"%s\r\n" % bytes(rng.randrange(32, 127) for _ in range(rng.randrange(1, 40))) + frame(
            body
        ), True
    if how == "missing":
        return b"Content-Type: x\r\n\r\n" + body, False
    if how == "short":
        return frame(body, length=max(0, len(body) - rng.randrange(1, 30))), False
    if how == "long":
        return frame(body, length=len(body) + rng.randrange(1, 200)), False
    if how == "nan":
        return b"Content-Length: %s\r\n\r\n" % rng.choice([b"-5", b"1e3", b"0x10", b""]) + body, False
    if how == "huge":
        return frame(body, length=rng.choice([10**12, 2**63, 70 * 1024 * 1024])), False
    return b"Content-Length: %d\r\n" % len(body) + frame(body), False


def expected_reply_id(data: bytes) -> Any:
    """The id a server must answer for this body (None: no reply is owed)."""
    try:
        obj = json.loads(data)
    except ValueError:
        return None
    if not isinstance(obj, dict) or "id" not in obj:
        return None
    if "method" not in obj and ("result" in obj or "error" in obj):
        return None  # a response: nothing to answer
    msg_id = obj["id"]
    if type(msg_id) not in (int, str):
        return None
    return msg_id


def body_of(wire: bytes) -> bytes:
    return wire.split(b"\n\n", 1)[1] if b"\r\n\r\n" not in wire else wire.split(b"\r\n\r\n", 1)[1]


def test_fuzzed_messages_never_kill_the_server_and_every_request_gets_one_reply():
    rng = random.Random(20261204)
    srv = RawServer()
    owed: Counter = Counter()  # id -> replies owed (intact frames)
    sent: Counter = Counter()  # id -> frames that carried it (intact or not)
    try:
        srv.initialize()
        srv.open()
        at_risk = False  # the previous frame was broken: it may have swallowed this one
        for n in range(MUTATIONS):
            msg = base_messages(rng, FIRST_ID + n)
            wire, intact = mutate(rng, msg)
            body = body_of(wire)
            reply_id = expected_reply_id(body)
            if reply_id is not None:
                sent[reply_id] += 1
                if intact and not at_risk:
                    owed[reply_id] += 1
            srv.write(wire)
            at_risk = not intact
            if (n + 1) % CHECK_EVERY == 0:
                # A broken frame may swallow up to ~200 bytes after it: a padded notification
                # takes that, then a valid request must be answered.
                srv.notify("$/fuzzBarrier", {"pad": "x" * 400})
                srv.ping()
                assert srv.alive(), f"the server died after {n + 1} mutations"
                at_risk = False
        final = srv.ping()
        assert final["sexp"].startswith("(module")
        assert srv.alive()
        with srv.cond:
            replies = Counter(m["id"] for m in srv.messages if "method" not in m and m.get("id") is not None)
        for msg_id, count in owed.items():
            # Every intact request got exactly one reply (ids the fuzzer repeated: one each).
            assert count <= replies[msg_id] <= sent[msg_id], (msg_id, count, replies[msg_id])
        for msg_id, count in replies.items():
            if isinstance(msg_id, int) and 1000 < msg_id < FIRST_ID:
                continue  # the set-up and the pings
            assert count <= sent[msg_id], f"id {msg_id!r} answered {count} times, sent {sent[msg_id]}"
        answered_owed = sum(1 for i in owed if replies[i] >= owed[i])
        assert answered_owed == len(owed)
        assert len(owed) > 150  # the fuzz really exercised requests
    finally:
        assert srv.close() == 0
