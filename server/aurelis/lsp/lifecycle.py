"""The LSP session's life: which messages are admitted before `initialize`, after it and
after `shutdown`, and the exit code `exit` leaves with.

pygls answers a request before `initialize`, accepts a second `initialize` and drops
requests after `shutdown` without a reply; the specification says otherwise:

- before `initialize`: requests get -32002 (ServerNotInitialized), notifications are
  dropped, `exit` ends the process;
- a second `initialize` is refused (InvalidRequest);
- after `shutdown`: requests get InvalidRequest, notifications other than `exit` are dropped;
- `exit` ends the process with 0 after `shutdown`, else 1.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

SERVER_NOT_INITIALIZED = -32002
INVALID_REQUEST = -32600


class State(enum.Enum):
    NEW = "new"
    RUNNING = "running"
    SHUT_DOWN = "shut down"
    EXITED = "exited"


@dataclass(frozen=True, slots=True)
class Refusal:
    code: int
    message: str


DROP = Refusal(0, "dropped")  # a notification the state does not admit: no answer


class Lifecycle:
    def __init__(self) -> None:
        self.state = State.NEW
        self.exit_code: int | None = None

    def admit(self, method: str, is_request: bool) -> Refusal | None:
        """None when the message may be handled; else the refusal (``DROP`` for notifications)."""
        if method == "exit":
            return None
        if self.state is State.NEW:
            if method == "initialize" and is_request:
                return None
            if not is_request:
                return DROP
            return Refusal(SERVER_NOT_INITIALIZED, f"{method}: the server is not initialized yet")
        if self.state is State.RUNNING:
            if method == "initialize":
                if not is_request:
                    return DROP
                return Refusal(INVALID_REQUEST, "initialize: the server is already initialized")
            return None
        if not is_request:
            return DROP
        return Refusal(INVALID_REQUEST, f"{method}: the server is shutting down")

    def initialized(self) -> None:
        """An `initialize` request was accepted (its params were valid)."""
        self.state = State.RUNNING

    def shutting_down(self) -> None:
        """A `shutdown` request arrived: from now on requests are refused."""
        self.state = State.SHUT_DOWN

    def exit(self) -> int:
        self.exit_code = 0 if self.state is State.SHUT_DOWN else 1
        self.state = State.EXITED
        return self.exit_code
