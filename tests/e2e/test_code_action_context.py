"""Code actions follow ``context.diagnostics``: a client that asks with the cursor position and
the diagnostics of the cursor's line (Neovim's vim.lsp.buf.code_action) gets the fixes of those
diagnostics even where the cursor is outside the flagged range."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp_support import open_doc, rules_session, wait_until

URI = "file:///tmp/aurelis-context-e2e/mod.py"
TEXT = "def f(x):\n    if x == None:\n        return 0\n    return x\n"

client = rules_session(resolve=False)


def _ours(client: LanguageClient) -> list[types.Diagnostic]:
    return [d for d in client.diagnostics.get(URI, []) if d.source == "aurelis" and d.code == "AUR104"]


async def _actions(client, at: types.Position, diagnostics) -> list[str]:
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(URI),
            range=types.Range(at, at),
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    return [a.title for a in actions or [] if "AUR104" in a.title]


async def test_line_diagnostics_in_context_get_their_fix_outside_the_range(client: LanguageClient):
    open_doc(client, URI, TEXT)
    await wait_until(lambda: _ours(client))
    (diag,) = _ours(client)
    start_of_line = types.Position(diag.range.start.line, 0)  # before `x == None`
    assert start_of_line.character < diag.range.start.character
    assert await _actions(client, start_of_line, []) == []  # no context: nothing here, as before
    titles = await _actions(client, start_of_line, [diag])
    assert any(t.endswith("(AUR104)") and "is None" in t for t in titles), titles
    assert "Ignore AUR104 on this line" in titles
    # a diagnostic of another tool, or one that no longer matches a finding, brings nothing
    foreign = types.Diagnostic(range=diag.range, message=diag.message, code="AUR104", source="ruff")
    assert await _actions(client, start_of_line, [foreign]) == []
    moved = types.Diagnostic(
        range=types.Range(types.Position(3, 4), types.Position(3, 12)),
        message="x",
        code="AUR104",
        source="aurelis",
    )
    assert await _actions(client, start_of_line, [moved]) == []
