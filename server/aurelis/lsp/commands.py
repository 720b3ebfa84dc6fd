"""`workspace/executeCommand`: one declarative table, arguments validated with pydantic.

A row (``Command``) names the command, its params model (a pydantic model of the
one JSON object argument; none at all is allowed when every field has a
default), the service call and the result handling (by default: pydantic models
become plain JSON, lsprotocol objects are left to pygls). Rows are registered
with pygls' public ``LanguageServer.command``, so pygls lists them in the
``executeCommandProvider`` capability and holds the dispatch table; the protocol
(``lsp/protocol.py``) awaits the registered coroutine, so ``$/cancelRequest``
cancels a running command. Unknown commands and wrong argument shapes are
answered with InvalidParams, naming the known commands or the pydantic problem.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pygls.lsp.server import LanguageServer

from aurelis.lsp.errors import invalid_params
from aurelis.workspace.documents import DocumentError

log = logging.getLogger(__name__)

P = TypeVar("P", bound=BaseModel)


def to_json(value: Any) -> Any:
    """Pydantic models become plain JSON; lsprotocol objects are left for pygls' converter."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Command(Generic[P]):
    """One row of the table."""

    name: str
    params: type[P]
    call: Callable[[P], Any]  # the service call: a plain function or a coroutine function
    result: Callable[[Any], Any] = field(default=to_json)  # what the client gets from its return value
    background: bool = False  # True: ``call`` blocks, so it runs on the worker pool
    doc: str = ""


class CommandTable:
    def __init__(self, ls: LanguageServer) -> None:
        self._ls = ls
        self._rows: dict[str, Command[Any]] = {}

    def add(self, row: Command[Any]) -> None:
        if row.name in self._rows:
            raise ValueError(f"command {row.name!r} registered twice")
        if not row.doc:
            row = Command(row.name, row.params, row.call, row.result, row.background, _doc(row.call))
        self._rows[row.name] = row

        async def entry(*arguments: Any) -> Any:
            return await self.run(row, list(arguments))

        self._ls.command(row.name)(entry)

    def register(
        self, name: str, params: type[P], *, background: bool = False, doc: str = ""
    ) -> Callable[[Callable[[P], Any]], Callable[[P], Any]]:
        """Decorator form of ``add`` for a handler that is its own service call."""

        def decorator(fn: Callable[[P], Any]) -> Callable[[P], Any]:
            self.add(Command(name, params, fn, background=background, doc=doc or _doc(fn)))
            return fn

        return decorator

    def names(self) -> list[str]:
        return sorted(self._rows)

    def get(self, name: str) -> Command[Any] | None:
        return self._rows.get(name)

    def parse_args(self, row: Command[P], arguments: list[Any] | None) -> P:
        args = list(arguments or [])
        if len(args) > 1:
            raise invalid_params(f"{row.name} takes one object argument, got {len(args)} arguments")
        raw = args[0] if args else {}
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise invalid_params(f"{row.name} takes one object argument, got {type(raw).__name__}")
        try:
            return row.params.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(argument)'}: {e['msg']}"
                for e in exc.errors(include_url=False)
            )
            raise invalid_params(f"invalid arguments for {row.name}: {problems}") from None

    async def run(self, row: Command[P], arguments: list[Any] | None) -> Any:
        params = self.parse_args(row, arguments)
        try:
            if row.background:
                value = await asyncio.get_running_loop().run_in_executor(
                    self._ls.thread_pool, row.call, params
                )
            else:
                value = row.call(params)
                if inspect.isawaitable(value):
                    value = await value
        except DocumentError as exc:
            raise invalid_params(str(exc.args[0] if exc.args else exc)) from None
        out = row.result(value)
        return await out if inspect.isawaitable(out) else out

    def unknown(self, name: str) -> Exception:
        return invalid_params(f"unknown command {name!r}; known commands: {', '.join(self.names())}")


def _doc(fn: Callable[..., Any] | Callable[..., Awaitable[Any]]) -> str:
    return (fn.__doc__ or "").strip()
