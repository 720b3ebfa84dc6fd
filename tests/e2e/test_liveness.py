"""The server stays responsive under load (issue 14, item 3), over a raw pipe.

The bounds are generous liveness bounds, not benchmarks (bench/edge_bench.py measures):
a request must be answered at all while a huge document or a burst of edits is handled.
"""

from __future__ import annotations

import asyncio as _asyncio_pkg
import random
from pathlib import Path

import tree_sitter_python
from tree_sitter import Language, Parser

from tests.support.raw_lsp import DOC, RawServer, frame

BIG = "file:///tmp/aurelis-raw/big.py"
_parser = Parser(Language(tree_sitter_python.language()))


def big_text(size: int) -> str:
    unit = "def handler_{i}(request, value=None):\n    return request.get(value) or {i}\n\n"
    parts, n, i = [], 0, 0
    while n < size:
        s = unit.format(i=i)
        parts.append(s)
        n += len(s)
        i += 1
    return "".join(parts)


def test_30mb_did_open_leaves_other_documents_answered():
    srv = RawServer()
    try:
        srv.initialize()
        srv.open()
        text = big_text(30 * 1024 * 1024)
        srv.open(BIG, text)
        srv.ping(DOC, timeout=5.0)  # a request on another, small document, within 5 s
        # The big one is tracked as text (edits apply) but has no tree: the size policy.
        srv.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": BIG, "version": 2},
                "contentChanges": [
                    {
                        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                        "text": "x = 1\n",
                    }
                ],
            },
        )
        state = srv.call(
            "workspace/executeCommand", {"command": "aurelis.syntaxTree", "arguments": [{"uri": BIG}]}
        )["result"]
        assert state["version"] == 2 and state["oversized"] is True and state["sexp"] is None
        assert state["bytes"] == len(text.encode()) + len("x = 1\n")
        with srv.cond:
            notices = [
                m["params"]["message"]
                for m in srv.messages
                if m.get("method") == "window/showMessage" and "max_file_bytes" in m["params"]["message"]
            ]
            published = [
                m["params"]
                for m in srv.messages
                if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == BIG
            ]
        assert len(notices) == 1 and BIG in notices[0]  # one info message, not one per edit
        assert all(p["diagnostics"] == [] for p in published)  # no rules ran on it
        srv.ping(DOC)
    finally:
        assert srv.close() == 0


def test_2000_rapid_edits_then_a_request_is_answered_and_the_tree_is_exact():
    srv = RawServer()
    try:
        srv.initialize()
        text = (Path(_asyncio_pkg.__file__).parent / "base_events.py").read_text(encoding="utf-8")
        uri = "file:///tmp/aurelis-raw/base_events.py"
        srv.open(uri, text)
        srv.ping(uri)
        rng = random.Random(14)
        lines = text.split("\n")
        line = len(lines) // 2
        col = 0
        typed = "def typed(a, b):\n    return a + b  # ok\n"
        burst = bytearray()
        for version in range(2, 2002):
            if rng.random() < 0.2 and col > 0:  # backspace
                change = {
                    "range": {
                        "start": {"line": line, "character": col - 1},
                        "end": {"line": line, "character": col},
                    },
                    "text": "",
                }
                lines[line] = lines[line][: col - 1] + lines[line][col:]
                col -= 1
            else:
                ch = typed[rng.randrange(len(typed))]
                change = {
                    "range": {
                        "start": {"line": line, "character": col},
                        "end": {"line": line, "character": col},
                    },
                    "text": ch,
                }
                if ch == "\n":
                    lines[line : line + 1] = [lines[line][:col], lines[line][col:]]
                    line, col = line + 1, 0
                else:
                    lines[line] = lines[line][:col] + ch + lines[line][col:]
                    col += 1
            burst += frame(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didChange",
                    "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
                }
            )
        expected = "\n".join(lines)
        msg_id = srv.new_id()
        burst += frame(
            {
                "jsonrpc": "2.0",
                "id": msg_id,
                "method": "workspace/executeCommand",
                "params": {"command": "aurelis.syntaxTree", "arguments": [{"uri": uri}]},
            }
        )
        srv.write(bytes(burst))
        reply = srv.reply(msg_id, timeout=5.0)  # answered although 2,000 edits were queued before it
        assert reply["result"]["version"] == 2001
        state = srv.call(
            "workspace/executeCommand",
            {"command": "aurelis.syntaxTree", "arguments": [{"uri": uri, "include_text": True}]},
        )["result"]
        assert state["version"] == 2001
        assert state["text"] == expected
        assert state["sexp"] == str(_parser.parse(expected.encode()).root_node)
        assert state["incremental_parses"] < 2000  # queued edits were applied in batches
    finally:
        assert srv.close() == 0
