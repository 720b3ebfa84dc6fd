"""Rules set A (AUR101/105/106/107/407) in a real stdio session: what the editor receives."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp_support import open_doc, rules_session, wait_until

URI = "file:///tmp/aurelis-rules-a-e2e/mod.py"


client = rules_session(resolve=True)


def diagnostics(client: LanguageClient) -> list[types.Diagnostic]:
    return [d for d in client.diagnostics.get(URI, []) if d.source == "aurelis"]


def codes(client: LanguageClient) -> list[str]:
    return sorted(str(d.code) for d in diagnostics(client))


def apply_text(
    text: str, edit: types.WorkspaceEdit
) -> tuple[str, list[types.TextDocumentContentChangePartial]]:
    """The editor's side of a WorkspaceEdit: the new text (ASCII here, so columns are bytes) and the changes."""
    (doc_edit,) = edit.document_changes
    lines = text.splitlines(keepends=True)
    starts = [sum(len(x) for x in lines[:i]) for i in range(len(lines) + 1)]
    ordered = sorted(
        doc_edit.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    )
    for e in ordered:
        a = starts[e.range.start.line] + e.range.start.character
        b = starts[e.range.end.line] + e.range.end.character
        text = text[:a] + e.new_text + text[b:]
    return text, [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in ordered]


def send(client: LanguageClient, changes, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
            content_changes=changes,
        )
    )


async def test_unreachable_code_is_tagged_and_its_quick_fix_removes_it(client: LanguageClient):
    text = "def f(x):\n    return x  # done\n    print(x)\n\n\n# TODO: tidy up\n"
    open_doc(client, URI, text)
    await wait_until(lambda: codes(client) == ["AUR105", "AUR407"])
    dead = next(d for d in diagnostics(client) if d.code == "AUR105")
    todo = next(d for d in diagnostics(client) if d.code == "AUR407")
    assert dead.range == types.Range(types.Position(2, 4), types.Position(2, 12))
    assert list(dead.tags) == [types.DiagnosticTag.Unnecessary]
    assert (
        dead.severity == types.DiagnosticSeverity.Warning and todo.severity == types.DiagnosticSeverity.Hint
    )
    assert dead.code_description.href.endswith("#aur105-unreachable-code")
    assert dead.data["fixable"] is True and todo.data["fixable"] is False
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(URI),
            range=dead.range,
            context=types.CodeActionContext(diagnostics=[dead]),
        )
    )
    fix = next(a for a in actions if a.title.startswith("Remove unreachable code"))
    resolved = fix if fix.edit is not None else await client.code_action_resolve_async(fix)
    new_text, changes = apply_text(text, resolved.edit)
    assert new_text == "def f(x):\n    return x  # done\n\n\n# TODO: tidy up\n"
    send(client, changes, 2)
    await wait_until(lambda: codes(client) == ["AUR407"])


async def test_fix_all_applies_the_safe_fixes_of_set_a_and_leaves_the_unsafe_one(client: LanguageClient):
    text = (
        '"""Orders."""\n'
        "\n"
        "\n"
        "def add(item, into=[], seen={}):\n"
        '    """Add."""\n'
        "    into.append(item)\n"
        "    return into\n"
        "\n"
        "\n"
        "def load(path, amount):\n"
        '    """Load."""\n'
        "    assert amount > 0\n"
        "    f = open(path)\n"
        "    data = f.read()\n"
        "    f.close()\n"
        "    return data\n"
    )
    open_doc(client, URI, text)
    await wait_until(lambda: codes(client) == ["AUR101", "AUR101", "AUR106", "AUR107"])
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(URI),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
        )
    )
    (fix_all,) = actions
    resolved = fix_all if fix_all.edit is not None else await client.code_action_resolve_async(fix_all)
    new_text, changes = apply_text(text, resolved.edit)
    assert new_text == (
        '"""Orders."""\n'
        "\n"
        "\n"
        "def add(item, into=None, seen=None):\n"
        '    """Add."""\n'
        "    if into is None:\n"
        "        into = []\n"
        "    if seen is None:\n"
        "        seen = {}\n"
        "    into.append(item)\n"
        "    return into\n"
        "\n"
        "\n"
        "def load(path, amount):\n"
        '    """Load."""\n'
        "    assert amount > 0\n"
        "    with open(path) as f:\n"
        "        data = f.read()\n"
        "    return data\n"
    )
    send(client, changes, 2)
    await wait_until(
        lambda: codes(client) == ["AUR107"]
    )  # its fix changes the exception type: not in fix-all
