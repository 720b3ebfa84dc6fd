"""`workspace/executeCommand`: one registry, arguments validated with pydantic.

A command takes one JSON object argument (or none when every field has a
default). Unknown commands and wrong argument shapes are answered with
InvalidParams, naming the known commands or the pydantic problem.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from aurelis.lsp.errors import invalid_params
from aurelis.workspace.documents import DocumentError

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer

log = logging.getLogger(__name__)

Handler = Callable[["AurelisServer", Any], Any]


@dataclass(frozen=True)
class Command:
    name: str
    params: type[BaseModel] | None
    handler: Handler
    background: bool  # True: a blocking function run on the worker pool
    doc: str


class CommandRegistry:
    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def register(
        self, name: str, params: type[BaseModel] | None = None, *, background: bool = False, doc: str = ""
    ) -> Callable[[Handler], Handler]:
        def decorator(fn: Handler) -> Handler:
            if name in self._commands:
                raise ValueError(f"command {name!r} registered twice")
            self._commands[name] = Command(name, params, fn, background, doc or (fn.__doc__ or "").strip())
            return fn

        return decorator

    def names(self) -> list[str]:
        return sorted(self._commands)

    def get(self, name: str) -> Command | None:
        return self._commands.get(name)

    def parse_args(self, command: Command, arguments: list[Any] | None) -> Any:
        args = list(arguments or [])
        if command.params is None:
            return args
        if len(args) > 1:
            raise invalid_params(f"{command.name} takes one object argument, got {len(args)} arguments")
        raw = args[0] if args else {}
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise invalid_params(f"{command.name} takes one object argument, got {type(raw).__name__}")
        try:
            return command.params.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(argument)'}: {e['msg']}"
                for e in exc.errors(include_url=False)
            )
            raise invalid_params(f"invalid arguments for {command.name}: {problems}") from None

    async def execute(self, server: AurelisServer, name: str, arguments: list[Any] | None) -> Any:
        command = self._commands.get(name)
        if command is None:
            raise invalid_params(f"unknown command {name!r}; known commands: {', '.join(self.names())}")
        params = self.parse_args(command, arguments)
        try:
            if command.background:
                result = await asyncio.get_running_loop().run_in_executor(
                    server.thread_pool, command.handler, server, params
                )
            else:
                result = command.handler(server, params)
                if inspect.isawaitable(result):
                    result = await result
        except DocumentError as exc:
            raise invalid_params(str(exc.args[0] if exc.args else exc)) from None
        return to_json(result)


def to_json(value: Any) -> Any:
    """Pydantic models become plain JSON; lsprotocol objects are left for pygls' converter."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value
