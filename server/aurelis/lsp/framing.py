"""LSP base-protocol framing that survives a misbehaving client.

pygls' reader (``pygls.io_.run_async``) accepts exactly ``Content-Length: N\\r\\n``:
a lowercase or missing header, ``\\n``-only line ends or a wrong length desynchronise
it for the rest of the session, and it allocates whatever length it is told. This
parser is fed raw bytes and yields events instead:

- header names are case-insensitive, lines may end in ``\\n`` or ``\\r\\n``, other
  headers (``Content-Type``) are ignored;
- a bad header block is reported and skipped: the parser resynchronises on the next
  ``Content-Length: <digits>`` line, even when it is glued to junk before it;
- a length over ``max_bytes`` is refused without buffering the body: the bytes are
  discarded while scanning for the next header (so a lying length costs nothing);
- a header line longer than ``HEADER_LINE_MAX`` is junk, never buffered whole.

A ``Content-Length: <digits>`` line followed by a line end cannot occur inside a JSON
text (a string holds no raw line break, and outside strings there are no bare words),
so resynchronising on it never cuts a valid message in two.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
HEADER_LINE_MAX = 8 * 1024
_PEEK = 4096
STALL_RECOVERY_MAX = (
    1 << 20
)  # a stalled body bigger than this is a slow client, not a wrong length  # bytes of a refused message kept to find its id

_HEADER = re.compile(rb"([A-Za-z0-9!#$%&'*+.^_`|~-]+)[ \t]*:[ \t]*(.*?)[ \t]*")
_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*\d+[ \t]*(?:\r?\n|\Z)", re.IGNORECASE)
_RESYNC = re.compile(rb"content-length[ \t]*:[ \t]*\d+[ \t]*\r?\n", re.IGNORECASE)
_ID = re.compile(rb'"id"\s*:\s*(-?\d+|"(?:[^"\\\n]|\\.){0,200}")')


@dataclass(frozen=True, slots=True)
class Body:
    """A complete message body (not yet parsed as JSON)."""

    data: bytes


@dataclass(frozen=True, slots=True)
class Problem:
    """Bytes that were not a valid frame; logged, nothing to answer."""

    message: str


@dataclass(frozen=True, slots=True)
class Refused:
    """A message over the size cap, discarded unread; ``msg_id`` is its id when the first
    bytes showed one (so that a request still gets its one reply)."""

    length: int
    msg_id: int | str | None


Event = Body | Problem | Refused


class FrameParser:
    """Incremental: ``feed`` bytes, then take events from ``events()`` until it is empty."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._buf = bytearray()
        self._state = "header"  # header | body | skip
        self._length: int | None = None
        self._headers = 0  # header lines seen in the current block
        self._bad = False  # the current block had a malformed Content-Length
        self._junk = False  # inside a run of junk (reported once)
        self._skip_length = 0
        self._peek = bytearray()

    # -- input -------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        self._buf += data

    def unread(self, data: bytes) -> None:
        """Put bytes back in front of the buffer (the tail of a body that held the next frame)."""
        self._buf[:0] = data

    @property
    def waiting_for_body(self) -> bool:
        """A header promised more body bytes than have arrived."""
        return self._state == "body" and bool(self._buf)

    def events(self) -> list[Event]:
        out: list[Event] = []
        while (event := self.next_event()) is not None:
            out.append(event)
        return out

    def end(self) -> list[Event]:
        """End of stream: what is left over is reported."""
        out = self.events()
        if self._state == "skip":
            out.append(self._refused())
        elif self._state == "body" or self._buf.strip():
            out.append(Problem(f"stream ended inside a message ({len(self._buf)} bytes unread)"))
        self._buf.clear()
        return out

    def stalled(self) -> Event | None:
        """No bytes arrived for a while although the header promised more. When what did
        arrive starts with a complete JSON value, the length was too large and that value
        is the message (its client is waiting for the answer, not about to send the rest);
        when it holds the next frame's header, what comes before is junk."""
        if self._state != "body" or len(self._buf) > STALL_RECOVERY_MAX:
            return None
        data = bytes(self._buf)
        text = data.decode("utf-8", errors="surrogateescape")
        start = len(text) - len(text.lstrip())
        try:
            _, end = json.JSONDecoder().raw_decode(text, start)
        except ValueError:
            glued = split_glued(data)
            if glued is None:
                return None
            del self._buf[: len(glued[0])]
            self._reset("header")
            return Problem(f"{len(glued[0])} bytes shorter than their Content-Length, not JSON")
        end = len(text[:end].encode("utf-8", errors="surrogateescape"))
        del self._buf[:end]
        self._reset("header")
        return Body(data[start:end])

    # -- parsing -----------------------------------------------------------------
    def _reset(self, state: str = "header") -> None:
        self._state = state
        self._length = None
        self._headers = 0
        self._bad = False

    def next_event(self) -> Event | None:
        while True:
            if self._state == "body":
                return self._body()
            if self._state == "skip":
                return self._skip()
            event = self._header_line()
            if event is not _AGAIN:
                return event  # type: ignore[return-value]

    def _body(self) -> Event | None:
        assert self._length is not None
        if len(self._buf) < self._length:
            return None
        data = bytes(self._buf[: self._length])
        del self._buf[: self._length]
        self._reset("header")
        return Body(data)

    def _skip(self) -> Event | None:
        m = _RESYNC.search(self._buf)
        end = len(self._buf) if m is None else m.start()
        if len(self._peek) < _PEEK:
            self._peek += self._buf[: min(end, _PEEK - len(self._peek))]
        if m is None:
            # Keep a tail in case the next header straddles two reads.
            tail = 64
            if len(self._buf) > tail:
                del self._buf[:-tail]
            return None
        del self._buf[:end]
        event = self._refused()
        self._reset("header")
        return event

    def _refused(self) -> Refused:
        head = bytes(self._peek)
        params = head.find(b'"params"')
        m = _ID.search(head if params < 0 else head[:params])
        msg_id: int | str | None = None
        if m is not None:
            try:
                value = json.loads(m.group(1))
                msg_id = value if isinstance(value, (int, str)) else None
            except ValueError:
                msg_id = None
        self._peek.clear()
        return Refused(self._skip_length, msg_id)

    def _header_line(self) -> Event | object | None:
        nl = self._buf.find(b"\n")
        if nl < 0:
            if len(self._buf) > HEADER_LINE_MAX:
                # An endless line: drop it (keeping a tail a header may start in).
                del self._buf[:-64]
                return self._junk_line(f"a header line over {HEADER_LINE_MAX} bytes")
            return None
        line = bytes(self._buf[:nl]).rstrip(b"\r")
        del self._buf[: nl + 1]
        if not line.strip():
            return self._end_of_headers()
        m = _HEADER.fullmatch(line)
        if m is not None:
            self._junk = False
            self._headers += 1
            if m.group(1).lower() == b"content-length":
                value = m.group(2)
                if value.isdigit() and self._length is None:
                    self._length = int(value)
                else:
                    self._bad = True
                    return Problem(f"bad Content-Length header: {line[:80]!r}")
            return _AGAIN
        # Not a header: junk, possibly with the next frame's header glued to its end.
        glued = _CONTENT_LENGTH.search(line)
        if glued is not None and glued.start() > 0:
            self.unread(line[glued.start() :] + b"\n")
            self._reset("header")
            return Problem(f"{glued.start()} junk bytes before a header")
        return self._junk_line(f"not a header line: {line[:80]!r}")

    def _junk_line(self, what: str) -> Event | object:
        self._reset("header")
        if self._junk:
            return _AGAIN
        self._junk = True
        return Problem(what)

    def _end_of_headers(self) -> Event | object:
        if self._length is None or self._bad:
            had_headers = self._headers > 0
            self._reset("header")
            if had_headers:
                return Problem("a header block without a valid Content-Length")
            return _AGAIN  # a stray blank line between messages
        self._junk = False
        if self._length > self.max_bytes:
            self._skip_length = self._length
            self._peek.clear()
            self._reset("skip")
            return _AGAIN
        self._state = "body"
        return _AGAIN


_AGAIN = object()


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def split_glued(body: bytes) -> tuple[bytes, bytes] | None:
    """A body that is not JSON but holds the next frame's header (its Content-Length
    was too large): (the part before that header, the rest from the header on)."""
    m = _RESYNC.search(body)
    if m is None:
        return None
    return body[: m.start()], body[m.start() :]
