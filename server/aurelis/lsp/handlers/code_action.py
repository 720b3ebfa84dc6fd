"""textDocument/codeAction and codeAction/resolve over the providers registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext


def register(ctx: ServerContext) -> None:
    @ctx.ls.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[
                types.CodeActionKind.QuickFix,
                types.CodeActionKind.Source,
                types.CodeActionKind.SourceFixAll,
                "source.fixAll.aurelis",
                types.CodeActionKind.RefactorRewrite,
            ],
            resolve_provider=True,
        ),
    )
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        doc = ctx.engine.documents.find(params.text_document.uri)
        if doc is None:
            return None
        return ctx.code_actions.provide(doc, params) or None

    @ctx.ls.feature(types.CODE_ACTION_RESOLVE)
    def code_action_resolve(action: types.CodeAction) -> types.CodeAction:
        return ctx.code_actions.resolve(action)
