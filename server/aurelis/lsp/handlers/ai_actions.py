"""Code actions of the AI commands: "Fix with Aurelis" on any diagnostic (other
servers' included), "Explain with Aurelis" and "Generate docstring". They are
offered only when a provider is configured and resolved lazily: ``resolve``
turns the action's data into the command the client then runs."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from aurelis.ai.context import enclosing_definition
from aurelis.lsp import convert
from aurelis.lsp.code_actions import Provider

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext
    from aurelis.workspace.document import Document
    from aurelis.workspace.positions import Pos

NAME = "aurelis-ai"
_MAX_FIXES = 5


def _range_json(r: types.Range) -> dict:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def _diag_json(d: types.Diagnostic) -> dict:
    return convert.lsp_json(d)


def provide(ctx: ServerContext, doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    ai = ctx.engine.settings_for(doc.uri).ai
    if not ai.enabled or not ai.providers:
        return []
    uri = doc.uri
    lazy = ctx.client_supports("text_document.code_action.resolve_support")
    actions: list[types.CodeAction] = []

    def action(
        title: str,
        kind: str,
        command: str,
        args: dict[str, Any],
        diagnostics: list[types.Diagnostic] | None = None,
    ) -> types.CodeAction:
        data = {"provider": NAME, "command": command, "title": title, "args": args}
        a = types.CodeAction(title=title, kind=kind, diagnostics=diagnostics, data=data)
        if not lazy:
            a.command = types.Command(title=title, command=command, arguments=[args])
        return a

    for d in list(params.context.diagnostics)[:_MAX_FIXES]:
        if d.source == "aurelis-ai":
            continue
        label = f"Fix with Aurelis: {d.message.splitlines()[0][:60]}" if d.message else "Fix with Aurelis"
        actions.append(
            action(
                label,
                types.CodeActionKind.QuickFix,
                "aurelis.fix",
                {"uri": uri, "range": _range_json(d.range), "diagnostic": _diag_json(d)},
                [d],
            )
        )
    actions.append(
        action(
            "Explain with Aurelis",
            types.CodeActionKind.RefactorRewrite + ".aurelis.explain",
            "aurelis.explain",
            {"uri": uri, "range": _range_json(params.range)},
        )
    )
    start = doc.offset_at(doc_pos(params.range.start))
    if doc.language_id == "python" and enclosing_definition(doc, start, start) is not None:
        pos = {"line": params.range.start.line, "character": params.range.start.character}
        actions.append(
            action(
                "Generate docstring with Aurelis",
                types.CodeActionKind.RefactorRewrite + ".aurelis.docstring",
                "aurelis.docstring",
                {"uri": uri, "position": pos},
            )
        )
    return actions


def doc_pos(p: types.Position) -> Pos:
    return convert.pos(p)


def resolve(action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    if data.get("command"):
        action.command = types.Command(
            title=action.title, command=data["command"], arguments=[data.get("args", {})]
        )
    return action


def register_actions(ctx: ServerContext) -> None:
    ctx.code_actions.add(
        Provider(
            NAME,
            functools.partial(provide, ctx),
            resolve,
            kinds=(types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite),
        )
    )
