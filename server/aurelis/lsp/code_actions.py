"""Code-action providers. pygls has one handler per method, so features add a
provider here instead of their own ``textDocument/codeAction`` handler.

A provider returns actions for a document and range (it closes over the handler
context it needs); an action it wants to
compute lazily carries ``data={"provider": name, ...}`` and no edit, and the
provider's ``resolve`` fills it in on ``codeAction/resolve``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

if TYPE_CHECKING:
    from aurelis.workspace.document import Document

log = logging.getLogger(__name__)

Provide = Callable[["Document", types.CodeActionParams], list[types.CodeAction]]
Resolve = Callable[[types.CodeAction], types.CodeAction]


@dataclass(frozen=True)
class Provider:
    name: str
    provide: Provide
    resolve: Resolve | None = None
    kinds: tuple[str, ...] = (types.CodeActionKind.QuickFix,)


class CodeActionProviders:
    def __init__(self) -> None:
        self._providers: dict[str, Provider] = {}

    def add(self, provider: Provider) -> None:
        self._providers[provider.name] = provider

    def kinds(self) -> list[str]:
        seen: dict[str, None] = {}
        for p in self._providers.values():
            for k in p.kinds:
                seen[k] = None
        return list(seen)

    def provide(self, doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
        wanted = params.context.only
        out: list[types.CodeAction] = []
        for p in self._providers.values():
            if wanted and not any(k == w or k.startswith(f"{w}.") for k in p.kinds for w in wanted):
                continue
            try:
                out.extend(p.provide(doc, params))
            except Exception:  # one broken provider must not hide the others' actions
                log.exception("code action provider %s failed", p.name)
        if wanted:
            out = [
                a
                for a in out
                if a.kind is None or any(a.kind == w or a.kind.startswith(f"{w}.") for w in wanted)
            ]
        return out

    def resolve(self, action: types.CodeAction) -> types.CodeAction:
        data: Any = action.data
        name = data.get("provider") if isinstance(data, dict) else None
        provider = self._providers.get(name) if name else None
        if provider is None or provider.resolve is None:
            return action
        return provider.resolve(action)
