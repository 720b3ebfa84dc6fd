"""The session's edge: bytes in, JSON-RPC checked, lifecycle applied, pygls dispatches.

Replaces pygls' reader loop (``pygls.io_.run_async``) and keeps the rest of pygls
through its public API: ``protocol.set_writer``, ``protocol.structure_message`` and
``protocol.handle_message``. Per message:

1. framing (``framing.FrameParser``): bad headers are logged and skipped, an
   oversized message is refused unread;
2. JSON (-32700) and the envelope (-32600, ``messages.kind``);
3. the lifecycle (``lifecycle.Lifecycle``): -32002 before initialize, a second
   initialize refused, -32600 after shutdown; ``exit`` stops the session;
4. params structured into lsprotocol types: a request whose params do not fit gets
   -32602 (pygls would log and answer nothing);
5. pygls handles it (unknown request -32601, unknown notification ignored).

Messages already buffered are taken as one batch: consecutive didChange of one
document are merged (``messages.merge_changes``), so a burst of keystrokes costs one
edit pass and one reparse, and the loop is yielded between messages so that requests
queued behind a long batch still run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, BinaryIO

from aurelis.lsp import framing, messages
from aurelis.lsp.lifecycle import DROP, Lifecycle, State

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer

log = logging.getLogger(__name__)

CHUNK = 1 << 20
STALL_SECONDS = 1.0  # a body shorter than its header said: after this long, try what came
YIELD_AFTER = 0.02  # seconds of dispatching before the loop gets a turn


class Writer:
    """pygls' writer interface over a binary stream; one frame at a time from any thread."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, data: bytes) -> None:
        with self._lock:
            self._stream.write(data)
            self._stream.flush()

    def close(self) -> None:
        with self._lock:
            self._stream.close()


class TransportWriter:
    """pygls' writer interface over an asyncio transport (TCP); safe from worker threads."""

    def __init__(self, writer: asyncio.StreamWriter, loop: asyncio.AbstractEventLoop) -> None:
        self._writer, self._loop = writer, loop

    def write(self, data: bytes) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._writer.write(data)
        else:
            self._loop.call_soon_threadsafe(self._writer.write, data)

    def close(self) -> None:
        self._writer.close()


class Source:
    """Reads chunks; a read that times out leaves its pending read for the next call."""

    def __init__(self, read) -> None:
        self._read = read
        self._pending: asyncio.Future[bytes] | None = None

    async def read(self, timeout: float | None) -> bytes | None:
        if self._pending is None:
            if timeout is None:  # the common case, once per message: no task, no wait set
                result: bytes = await self._read()
                return result
            self._pending = asyncio.ensure_future(self._read())
        done, _ = await asyncio.wait({self._pending}, timeout=timeout)
        if not done:
            return None
        fut, self._pending = self._pending, None
        return fut.result()


class Session:
    def __init__(self, server: AurelisServer, writer: Any, max_bytes: int | None = None) -> None:
        self.server = server
        self.protocol = server.protocol
        self.writer = writer
        self.protocol.set_writer(writer)
        self.lifecycle = Lifecycle()
        server.lifecycle = self.lifecycle
        self.parser = framing.FrameParser(max_bytes or framing.DEFAULT_MAX_MESSAGE_BYTES)
        self.stopped = False

    # -- replies -------------------------------------------------------------------
    def send_error(self, msg_id: int | str | None, code: int, message: str) -> None:
        body = json.dumps(messages.error_response(msg_id, code, message)).encode("utf-8")
        self.writer.write(framing.frame(body))

    # -- the loop --------------------------------------------------------------------
    async def run(self, source: Source) -> int:
        try:
            while not self.stopped:
                chunk = await source.read(STALL_SECONDS if self.parser.waiting_for_body else None)
                if chunk is None:
                    event = self.parser.stalled()
                    if event is not None:
                        if isinstance(event, framing.Body):
                            log.warning("a message was shorter than its Content-Length; taken as it is")
                        await self._dispatch_all(self._decode([event]) + self._take())
                    continue
                if not chunk:
                    await self._dispatch_all(self._decode(self.parser.end()))
                    break
                self.parser.feed(chunk)
                await self._dispatch_all(self._take())
        except BrokenPipeError:
            log.error("the client closed the connection")
        return self.lifecycle.exit_code if self.lifecycle.exit_code is not None else 1

    def _take(self) -> list[Any]:
        """Every message already buffered, as JSON values (frames that fail are answered here)."""
        out: list[Any] = []
        while (event := self.parser.next_event()) is not None:
            out.extend(self._decode([event]))
        return out

    def _decode(self, events: list[framing.Event]) -> list[Any]:
        out: list[Any] = []
        for event in events:
            if isinstance(event, framing.Problem):
                log.warning("framing: %s; skipped to the next header", event.message)
            elif isinstance(event, framing.Refused):
                limit = self.parser.max_bytes
                log.warning("refused a message of %d bytes (limit %d)", event.length, limit)
                if event.msg_id is not None:
                    self.send_error(
                        event.msg_id,
                        messages.INVALID_REQUEST,
                        f"message of {event.length} bytes exceeds the limit of {limit} bytes",
                    )
            else:
                out.extend(self._parse(event.data))
        return out

    def _parse(self, body: bytes) -> list[Any]:
        try:
            return [json.loads(body)]
        except ValueError:
            pass
        glued = framing.split_glued(body)
        if glued is not None:
            # The Content-Length was too large: the body ran into the next frame.
            head, rest = glued
            self.parser.unread(rest)
            try:
                value = json.loads(head)
                log.warning("a message was shorter than its Content-Length; taken as it is")
                return [value]
            except ValueError:
                pass
        log.warning("parse error in a message of %d bytes", len(body))
        self.send_error(None, messages.PARSE_ERROR, "parse error: the message is not valid JSON")
        return []

    async def _dispatch_all(self, objs: list[Any]) -> None:
        if not objs:
            return
        if self.lifecycle.state is State.RUNNING:
            objs = messages.merge_changes(objs)
        started = time.perf_counter()
        for obj in objs:
            if self.stopped:
                return
            try:
                self.dispatch(obj)
            except (BrokenPipeError, SystemExit, KeyboardInterrupt):
                raise
            except Exception:  # a bug of ours must not end the session
                log.exception("dispatching a message failed")
            if time.perf_counter() - started > YIELD_AFTER:
                await asyncio.sleep(0)
                started = time.perf_counter()

    def dispatch(self, obj: Any) -> None:
        try:
            what = messages.kind(obj)
        except messages.EnvelopeError as exc:
            log.warning("invalid message: %s", exc.message)
            self.send_error(exc.msg_id, exc.code, exc.message)
            return
        if what == "response":
            try:
                self._handle(self.protocol.structure_message(obj), None)
            except Exception as exc:
                log.warning("a response that does not fit its request was ignored: %s", exc)
            return
        method: str = obj["method"]
        is_request = what == "request"
        refusal = self.lifecycle.admit(method, is_request)
        if refusal is DROP:
            log.info("dropped %s (%s)", method, self.lifecycle.state.value)
            return
        if refusal is not None:
            self.send_error(obj["id"], refusal.code, refusal.message)
            return
        if method == "exit":
            self._exit()
            return
        if "params" not in obj and self.protocol.get_message_type(method) is None:
            obj["params"] = None  # a method pygls has no type for: unknown (-32601), not -32602
        try:
            message = self.protocol.structure_message(obj)
        except Exception as exc:
            cause = exc.__cause__ or exc
            text = f"invalid params for {method}: {str(cause).splitlines()[0] if str(cause) else cause!r}"
            if is_request:
                self.send_error(obj["id"], messages.INVALID_PARAMS, text)
            else:
                log.warning("%s; notification ignored", text)
            return
        if is_request and not hasattr(message, "id"):
            # A notification's method sent with an id: there is no such request to answer.
            self.send_error(
                obj["id"], messages.METHOD_NOT_FOUND, f"{method} is a notification, not a request"
            )
            return
        if method == "initialize":
            self.lifecycle.initialized()
        elif method == "shutdown":
            self.lifecycle.shutting_down()
        self._handle(message, method)
        if method == "initialize":
            self.apply_settings()

    def _handle(self, message: Any, method: str | None) -> None:
        try:
            self.protocol.handle_message(message)
        except (BrokenPipeError, SystemExit):
            raise
        except Exception:
            log.exception("handling %s failed", method or "a response")

    def _exit(self) -> None:
        code = self.lifecycle.exit()
        log.info("exit (code %d)", code)
        self.stopped = True

    def apply_settings(self) -> None:
        """The message size cap follows the user's setting once it is known."""
        try:
            cap = self.server.engine.settings_for(None).max_message_bytes
        except Exception:
            log.exception("reading max_message_bytes failed")
            return
        self.parser.max_bytes = cap


# -- entry points ------------------------------------------------------------------------


def serve_stdio(server: AurelisServer, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Run one session over stdin/stdout; the exit code the LSP lifecycle asks for."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    session = Session(server, Writer(stdout))
    server.ctx.events.settings_changed.subscribe(session.apply_settings)

    async def main() -> int:
        return await session.run(await _stdin_source(stdin, stdout))

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        return 1
    finally:
        server.shutdown()


async def _stdin_source(stdin: BinaryIO, stdout: BinaryIO) -> Source:
    loop = asyncio.get_running_loop()
    shared = _same_file(stdin, stdout)  # a non-blocking stdin would make stdout non-blocking too
    if not shared:
        try:
            reader = asyncio.StreamReader(limit=CHUNK)
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
            return Source(lambda: reader.read(CHUNK))
        except (ValueError, OSError):
            pass  # a regular file or a terminal: read it on a thread
    pool = ThreadPoolExecutor(1, thread_name_prefix="aurelis-stdin")
    fd = stdin.fileno()
    return Source(lambda: loop.run_in_executor(pool, os.read, fd, CHUNK))


def _same_file(a: BinaryIO, b: BinaryIO) -> bool:
    try:
        return os.path.samestat(os.fstat(a.fileno()), os.fstat(b.fileno()))
    except (OSError, ValueError):
        return True


def serve_tcp(server: AurelisServer, host: str, port: int) -> int:
    """Listen on host:port and run one session with the first client."""

    async def main() -> int:
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            if done.done():
                writer.close()
                return
            session = Session(server, TransportWriter(writer, asyncio.get_running_loop()))
            server.ctx.events.settings_changed.subscribe(session.apply_settings)
            code = await session.run(Source(lambda: reader.read(CHUNK)))
            writer.close()
            if not done.done():
                done.set_result(code)

        listener = await asyncio.start_server(connected, host, port, limit=CHUNK)
        log.info("listening on %s:%d", host, port)
        async with listener:
            return await done

    try:
        return asyncio.run(main())
    finally:
        server.shutdown()
