"""A raw stdio pipe to a real `aurelis serve`: the test writes whatever bytes it likes
(unlike pytest-lsp's well-behaved client) and reads the server's frames on a thread."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from typing import Any

SERVE = [sys.executable, "-m", "aurelis", "serve", "--log-level", "warning"]
DOC = "file:///tmp/aurelis-raw/mod.py"


def frame(
    msg: Any, *, header: str = "Content-Length", eol: bytes = b"\r\n", length: int | None = None
) -> bytes:
    body = msg if isinstance(msg, bytes) else json.dumps(msg).encode()
    n = len(body) if length is None else length
    return f"{header}: {n}".encode() + eol + eol + body


class RawServer:
    def __init__(self, extra_args: list[str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [*SERVE, *(extra_args or [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: list[dict] = []
        self.cond = threading.Condition()
        self.closed = False
        self.stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self._next_id = 1000

    # -- io -------------------------------------------------------------------------
    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                assert length is not None, "the server sent a frame without Content-Length"
                msg = json.loads(out.read(length))
                with self.cond:
                    self.messages.append(msg)
                    self.cond.notify_all()
        finally:
            with self.cond:
                self.closed = True
                self.cond.notify_all()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg: Any, **kw: Any) -> None:
        self.write(frame(msg, **kw))

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def request(self, method: str, params: Any = None, msg_id: int | str | None = None) -> int | str:
        msg_id = self.new_id() if msg_id is None else msg_id
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return msg_id

    def notify(self, method: str, params: Any = None) -> None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    # -- replies --------------------------------------------------------------------
    def replies(self, msg_id: Any) -> list[dict]:
        with self.cond:
            return [m for m in self.messages if "method" not in m and m.get("id") == msg_id]

    def reply(self, msg_id: Any, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [m for m in self.messages if "method" not in m and m.get("id") == msg_id]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    raise AssertionError(
                        f"no reply to {msg_id!r} (server {'closed' if self.closed else 'silent'}); "
                        f"stderr tail: {b''.join(self.stderr[-20:]).decode(errors='replace')}"
                    )
                self.cond.wait(left)

    def call(self, method: str, params: Any = None, timeout: float = 30.0) -> dict:
        return self.reply(self.request(method, params), timeout)

    def error_code(self, msg_id: Any, timeout: float = 30.0) -> int | None:
        reply = self.reply(msg_id, timeout)
        return reply["error"]["code"] if "error" in reply else None

    def null_id_errors(self) -> list[int]:
        with self.cond:
            return [m["error"]["code"] for m in self.messages if "error" in m and m.get("id") is None]

    # -- session --------------------------------------------------------------------
    def initialize(self, options: dict | None = None) -> dict:
        reply = self.call(
            "initialize",
            {
                "processId": None,
                "rootUri": None,
                "capabilities": {},
                "initializationOptions": options or {"index": {"enabled": False}},
            },
        )
        assert "result" in reply, reply
        self.notify("initialized", {})
        return reply["result"]

    def open(self, uri: str = DOC, text: str = "def f(x):\n    return x\n", version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}},
        )

    def ping(self, uri: str = DOC, timeout: float = 30.0) -> dict:
        """A valid request that needs a real answer: the document's syntax tree."""
        reply = self.call(
            "workspace/executeCommand",
            {"command": "aurelis.syntaxTree", "arguments": [{"uri": uri}]},
            timeout=timeout,
        )
        assert "result" in reply, reply
        assert reply["result"]["sexp"].startswith("(module"), reply
        return reply["result"]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> int:
        """shutdown + exit when still running; the exit code."""
        if self.alive():
            try:
                self.call("shutdown", timeout=10)
                self.notify("exit")
            except (AssertionError, BrokenPipeError, OSError):
                pass
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
