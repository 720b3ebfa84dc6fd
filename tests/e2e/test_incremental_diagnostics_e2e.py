"""Diagnostics kept incrementally over a real session equal a from-scratch analysis.

A real module (asyncio's ``base_events.py``: a 2,000-line class) is edited the way the
latency bench and a typist do: methods inserted and removed at line starts (the edits
that are slid inside the line for tree-sitter), characters typed, lines deleted. After
every edit the server publishes diagnostics for that version from its warm caches (units
reused by content and by position); every few edits the same text is opened as a new
document, which the server analyses cold, and both sets of diagnostics must be equal.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp_support import open_doc, rules_session, wait_until

REAL = Path(asyncio.__file__).parent / "base_events.py"
FOLDER = "file:///tmp/aurelis-incremental-e2e"
EDITED = f"{FOLDER}/edited.py"
PROBE = "    def _probe(self, value):\n        unused = value == None\n        return value\n\n"

client = rules_session(resolve=True)


def _key(d: types.Diagnostic) -> tuple:
    r = d.range
    return (d.code, r.start.line, r.start.character, r.end.line, r.end.character, d.message, d.severity)


def _edit(rng: random.Random, text: str) -> tuple[str, types.TextDocumentContentChangePartial]:
    """One random edit of ``text`` (line-based, ASCII pieces) and the LSP change for it (UTF-8)."""
    lines = text.split("\n")
    roll = rng.random()
    if roll < 0.4:  # a method inserted before a method, at the line start (as the bench does)
        defs = [
            i
            for i, s in enumerate(lines)
            if s.startswith("    def ") and not lines[i - 1].strip().startswith("@")
        ]
        line = rng.choice(defs)
        new_lines = lines[:line] + PROBE.split("\n")[:-1] + lines[line:]
        change = _change(line, 0, line, 0, PROBE)
    elif roll < 0.6 and "    def _probe(" in text:  # and removed again
        line = lines.index("    def _probe(self, value):")
        new_lines = lines[:line] + lines[line + 4 :]
        change = _change(line, 0, line + 4, 0, "")
    elif roll < 0.85:  # a character typed or deleted inside a line
        line = rng.randrange(len(lines))
        col = rng.randint(0, len(lines[line].encode()))
        col = len(lines[line].encode()[:col].decode("utf-8", "ignore").encode())
        head = lines[line].encode()[:col].decode()
        if rng.random() < 0.5 or col == 0:
            piece = rng.choice("xy_ =(.,:1#")
            new_lines = [*lines[:line], head + piece + lines[line][len(head) :], *lines[line + 1 :]]
            change = _change(line, col, line, col, piece)
        else:
            cut = len(head[-1].encode())
            new_lines = [*lines[:line], head[:-1] + lines[line][len(head) :], *lines[line + 1 :]]
            change = _change(line, col - cut, line, col, "")
    else:  # a whole line deleted
        line = rng.randrange(len(lines) - 1)
        new_lines = lines[:line] + lines[line + 1 :]
        change = _change(line, 0, line + 1, 0, "")
    return "\n".join(new_lines), change


def _change(l1: int, c1: int, l2: int, c2: int, text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(l1, c1), types.Position(l2, c2)), text=text
    )


async def test_diagnostics_after_random_edits_equal_a_fresh_analysis(client: LanguageClient):
    published: dict[str, tuple[int | None, list[types.Diagnostic]]] = {}
    method = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
    original = client.protocol.fm.features[method]

    def record(params: types.PublishDiagnosticsParams):
        published[params.uri] = (params.version, list(params.diagnostics))
        return original(params)

    client.protocol.fm.features[method] = record
    text = REAL.read_text(encoding="utf-8")
    open_doc(client, EDITED, text)
    await wait_until(lambda: published.get(EDITED, (None,))[0] == 1, timeout=60)
    rng = random.Random(2026)
    compared = 0
    for version in range(2, 62):
        text, change = _edit(rng, text)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=EDITED, version=version),
                content_changes=[change],
            )
        )
        await wait_until(lambda v=version: published.get(EDITED, (None,))[0] == v, timeout=60)
        if version % 6:
            continue
        fresh = f"{FOLDER}/fresh_{version}.py"  # same folder, a new document: analysed cold
        open_doc(client, fresh, text)
        await wait_until(lambda u=fresh: u in published, timeout=60)
        incremental = sorted(_key(d) for d in published[EDITED][1])
        assert incremental == sorted(_key(d) for d in published[fresh][1]), f"after edit {version}"
        compared += len(incremental)
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=fresh))
        )
    assert compared > 50  # real diagnostics were compared, not empty lists
