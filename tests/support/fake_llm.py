"""A scriptable LLM provider on 127.0.0.1: the one stand-in the tests may use.

It is a real HTTP/1.1 server (stdlib ``ThreadingHTTPServer``) speaking three
wire formats:

- OpenAI-compatible ``POST /v1/chat/completions`` (and ``/chat/completions``),
  JSON or SSE streaming when the body has ``"stream": true``;
- Ollama ``POST /api/chat`` (NDJSON stream unless ``"stream": false``);
- Anthropic ``POST /v1/messages`` (JSON, or SSE events when ``"stream": true``).

Every request is recorded (path, headers, JSON body, arrival time) before it is
answered. What it answers is scripted: a queue of behaviours consumed one per
request, then the default reply.

In Python::

    from tests.support.fake_llm import FakeLLM, Reply, Status, Hang

    with FakeLLM(reply="hello") as llm:            # starts on a free port
        llm.openai_base_url                         # "http://127.0.0.1:PORT/v1"
        llm.enqueue(Status(500))                    # next request gets a 500
        llm.enqueue(Status(429, retry_after=1))     # then a 429 with Retry-After: 1
        llm.enqueue(Hang(30))                       # then no answer for 30 s (or until the client leaves)
        llm.enqueue(Reply("```python\\nx = 1\\n```"))
        llm.enqueue(Reply("a b c", stall_after=1))  # stream one chunk, then stall
        llm.requests[-1].body["messages"]           # what the client sent
        llm.prompt_text(-1)                         # all message contents of one request, joined
        llm.disconnects                             # indices of requests whose client went away

``responder=lambda body: "text"`` computes the default reply from the request.

Standalone (for the editor-client tests)::

    python -m tests.support.fake_llm --port 0 --reply "Hello from the fake"

prints ``PORT=<n>`` as its first stdout line, then serves until killed. At run
time it can be scripted over HTTP too: ``POST /_control/enqueue`` with a JSON
behaviour (``{"kind": "reply", "text": ...}``, ``{"kind": "status", "status":
500}``, ``{"kind": "hang", "seconds": 30}``), ``POST /_control/reply`` with
``{"text": ...}`` to change the default, ``GET /_control/requests`` for the
recorded requests and ``POST /_control/reset`` to clear them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import select
import socket
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """Answer with ``text`` (streamed in ``chunks`` pieces when the client asks to stream)."""

    text: str
    delay: float = 0.0  # seconds before the first byte
    chunk_delay: float = 0.0  # seconds between streamed pieces
    chunks: int = 4
    stall_after: int | None = None  # stream this many pieces, then hang until the client leaves
    truncated: bool = False  # say the answer stopped at the token limit (each wire format's own way)


@dataclass
class Status:
    """Answer with an HTTP error status (e.g. 500, 503, 429 with ``retry_after`` seconds)."""

    status: int
    retry_after: float | None = None
    body: str = '{"error": {"message": "scripted failure"}}'


@dataclass
class Hang:
    """Send nothing for ``seconds`` (or until the client disconnects), then close."""

    seconds: float = 60.0


@dataclass
class Drop:
    """Close the connection without an answer (a broken connection)."""


Behaviour = Reply | Status | Hang | Drop


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any
    at: float = field(default_factory=time.monotonic)


def behaviour_from_json(data: dict) -> Behaviour:
    kind = data.get("kind", "reply")
    if kind == "reply":
        return Reply(
            str(data.get("text", "")),
            float(data.get("delay", 0)),
            float(data.get("chunk_delay", 0)),
            int(data.get("chunks", 4)),
            data.get("stall_after"),
            bool(data.get("truncated", False)),
        )
    if kind == "status":
        return Status(int(data["status"]), data.get("retry_after"), data.get("body", Status.body))
    if kind == "hang":
        return Hang(float(data.get("seconds", 60)))
    if kind == "drop":
        return Drop()
    raise ValueError(f"unknown behaviour kind {kind!r}")


def split_text(text: str, n: int) -> list[str]:
    n = max(1, min(n, len(text) or 1))
    size = -(-len(text) // n) if text else 1
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class FakeLLM:
    def __init__(
        self,
        reply: str = "OK",
        *,
        responder: Callable[[Any], str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.default_reply = reply
        self.responder = responder
        self.requests: list[Recorded] = []
        self.disconnects: list[int] = []
        self._script: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # lifecycle ---------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    def start(self) -> FakeLLM:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-llm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # scripting ---------------------------------------------------------------
    def enqueue(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()
            self.disconnects.clear()

    def prompt_text(self, index: int = -1) -> str:
        """Every message content (and system prompt) of one recorded request, joined."""
        body = self.requests[index].body
        parts: list[str] = []
        if isinstance(body, dict):
            system = body.get("system")
            if isinstance(system, str):
                parts.append(system)
            elif isinstance(system, list):
                parts.extend(str(b.get("text", "")) for b in system if isinstance(b, dict))
            for m in body.get("messages", []):
                content = m.get("content")
                if isinstance(content, str):
                    parts.append(content)
                elif isinstance(content, list):
                    parts.extend(str(b.get("text", "")) for b in content if isinstance(b, dict))
        return "\n".join(parts)

    def _next(self, body: Any) -> Behaviour:
        with self._lock:
            if self._script:
                return self._script.popleft()
        text = self.responder(body) if self.responder else self.default_reply
        return Reply(text)

    def _record(self, path: str, headers: dict[str, str], body: Any) -> int:
        with self._lock:
            self.requests.append(Recorded(path, headers, body))
            return len(self.requests) - 1

    def _disconnected(self, index: int) -> None:
        with self._lock:
            self.disconnects.append(index)


def _client_gone(sock: socket.socket) -> bool:
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _make_handler(llm: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # small streamed writes go out at once (no 40 ms delayed-ACK stalls)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        # plumbing --------------------------------------------------------------
        def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _start_stream(self, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()

        def _chunk(self, data: str) -> None:
            raw = data.encode()
            self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
            self.wfile.flush()

        def _end_stream(self) -> None:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def _wait(self, seconds: float, index: int) -> bool:
            """Sleep up to ``seconds``; False (and recorded) if the client disconnects first."""
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if _client_gone(self.connection):
                    llm._disconnected(index)
                    self.close_connection = True
                    return False
                time.sleep(0.01)
            return True

        # control API -------------------------------------------------------------
        def do_GET(self) -> None:
            if self.path == "/_control/requests":
                self._send_json(
                    200, [{"path": r.path, "headers": r.headers, "body": r.body} for r in llm.requests]
                )
            elif self.path in ("/v1/models", "/models", "/api/tags"):
                self._send_json(200, {"data": [{"id": "fake-model"}], "models": [{"name": "fake-model"}]})
            else:
                self._send_json(404, {"error": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            if self.path.startswith("/_control/"):
                return self._control(self.path, body)
            if self.path not in ("/v1/chat/completions", "/chat/completions", "/api/chat", "/v1/messages"):
                return self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            index = llm._record(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            behaviour = llm._next(body)
            try:
                self._answer(index, body if isinstance(body, dict) else {}, behaviour)
            except (BrokenPipeError, ConnectionResetError):
                llm._disconnected(index)
                self.close_connection = True

        def _control(self, path: str, body: Any) -> None:
            if path == "/_control/enqueue":
                items = body if isinstance(body, list) else [body]
                llm.enqueue(*(behaviour_from_json(b) for b in items))
            elif path == "/_control/reply":
                llm.default_reply = str((body or {}).get("text", ""))
            elif path == "/_control/reset":
                llm.reset()
            else:
                return self._send_json(404, {"error": "unknown control"})
            self._send_json(200, {"ok": True})

        # answers -----------------------------------------------------------------
        def _answer(self, index: int, body: dict, behaviour: Behaviour) -> None:
            if isinstance(behaviour, Drop):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if isinstance(behaviour, Hang):
                self._wait(behaviour.seconds, index)
                self.close_connection = True
                return
            if isinstance(behaviour, Status):
                headers = {}
                if behaviour.retry_after is not None:
                    ra = behaviour.retry_after
                    headers["Retry-After"] = str(int(ra)) if float(ra).is_integer() else str(ra)
                data = behaviour.body.encode()
                self.send_response(behaviour.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
                return
            if behaviour.delay and not self._wait(behaviour.delay, index):
                return
            model = str(body.get("model", "fake-model"))
            ollama = self.path == "/api/chat"
            stream = body.get("stream", ollama)  # Ollama streams unless told not to
            if not stream:
                return self._send_json(200, self._full(model, behaviour.text, behaviour.truncated))
            pieces = split_text(behaviour.text, behaviour.chunks)
            if ollama:
                self._stream(
                    index,
                    behaviour,
                    pieces,
                    "application/x-ndjson",
                    self._ollama_events(model, pieces, behaviour.truncated),
                )
            elif self.path == "/v1/messages":
                self._stream(
                    index,
                    behaviour,
                    pieces,
                    "text/event-stream",
                    self._anthropic_events(model, pieces, behaviour.truncated),
                )
            else:
                self._stream(
                    index,
                    behaviour,
                    pieces,
                    "text/event-stream",
                    self._openai_events(model, pieces, behaviour.truncated),
                )

        def _stream(
            self,
            index: int,
            behaviour: Reply,
            pieces: list[str],
            ctype: str,
            events: list[tuple[int | None, str]],
        ) -> None:
            """``events``: (piece index or None, wire text). Stall/delay apply between content pieces."""
            self._start_stream(ctype)
            sent = 0
            for piece, wire in events:
                if piece is not None:
                    if behaviour.stall_after is not None and sent >= behaviour.stall_after:
                        self._wait(3600, index)
                        return
                    if sent and behaviour.chunk_delay and not self._wait(behaviour.chunk_delay, index):
                        return
                    sent += 1
                self._chunk(wire)
            self._end_stream()

        def _full(self, model: str, text: str, truncated: bool = False) -> dict:
            usage_in, usage_out = 10, max(1, len(text.split()))
            if self.path == "/api/chat":
                return {
                    "model": model,
                    "message": {"role": "assistant", "content": text},
                    "done": True,
                    "done_reason": "length" if truncated else "stop",
                    "prompt_eval_count": usage_in,
                    "eval_count": usage_out,
                }
            if self.path == "/v1/messages":
                return {
                    "id": f"msg_{uuid.uuid4().hex[:12]}",
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [{"type": "text", "text": text}],
                    "stop_reason": "max_tokens" if truncated else "end_turn",
                    "usage": {"input_tokens": usage_in, "output_tokens": usage_out},
                }
            return {
                "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "length" if truncated else "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": usage_in,
                    "completion_tokens": usage_out,
                    "total_tokens": usage_in + usage_out,
                },
            }

        @staticmethod
        def _openai_events(model: str, pieces: list[str], truncated: bool) -> list[tuple[int | None, str]]:
            cid = f"chatcmpl-{uuid.uuid4().hex[:12]}"

            def ev(delta: dict, finish: str | None = None) -> str:
                chunk = {
                    "id": cid,
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                return f"data: {json.dumps(chunk)}\n\n"

            out: list[tuple[int | None, str]] = [(None, ev({"role": "assistant", "content": ""}))]
            out += [(i, ev({"content": p})) for i, p in enumerate(pieces)]
            out += [(None, ev({}, "length" if truncated else "stop")), (None, "data: [DONE]\n\n")]
            return out

        @staticmethod
        def _ollama_events(model: str, pieces: list[str], truncated: bool) -> list[tuple[int | None, str]]:
            out: list[tuple[int | None, str]] = [
                (
                    i,
                    json.dumps(
                        {"model": model, "message": {"role": "assistant", "content": p}, "done": False}
                    )
                    + "\n",
                )
                for i, p in enumerate(pieces)
            ]
            out.append(
                (
                    None,
                    json.dumps(
                        {
                            "model": model,
                            "message": {"role": "assistant", "content": ""},
                            "done": True,
                            "done_reason": "length" if truncated else "stop",
                        }
                    )
                    + "\n",
                )
            )
            return out

        @staticmethod
        def _anthropic_events(model: str, pieces: list[str], truncated: bool) -> list[tuple[int | None, str]]:
            def ev(name: str, data: dict) -> str:
                return f"event: {name}\ndata: {json.dumps(data)}\n\n"

            out: list[tuple[int | None, str]] = [
                (
                    None,
                    ev(
                        "message_start",
                        {
                            "type": "message_start",
                            "message": {
                                "id": f"msg_{uuid.uuid4().hex[:12]}",
                                "type": "message",
                                "role": "assistant",
                                "model": model,
                                "content": [],
                                "usage": {"input_tokens": 10, "output_tokens": 0},
                            },
                        },
                    ),
                ),
                (
                    None,
                    ev(
                        "content_block_start",
                        {
                            "type": "content_block_start",
                            "index": 0,
                            "content_block": {"type": "text", "text": ""},
                        },
                    ),
                ),
            ]
            out += [
                (
                    i,
                    ev(
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": 0,
                            "delta": {"type": "text_delta", "text": p},
                        },
                    ),
                )
                for i, p in enumerate(pieces)
            ]
            out += [
                (None, ev("content_block_stop", {"type": "content_block_stop", "index": 0})),
                (
                    None,
                    ev(
                        "message_delta",
                        {
                            "type": "message_delta",
                            "delta": {"stop_reason": "max_tokens" if truncated else "end_turn"},
                            "usage": {"output_tokens": len(pieces)},
                        },
                    ),
                ),
                (None, ev("message_stop", {"type": "message_stop"})),
            ]
            return out

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scriptable OpenAI/Ollama/Anthropic-compatible test server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed as PORT=<n>)")
    parser.add_argument("--reply", default="OK", help="default reply text")
    args = parser.parse_args(argv)
    llm = FakeLLM(args.reply, host=args.host, port=args.port)
    print(f"PORT={llm.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        llm._httpd.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
