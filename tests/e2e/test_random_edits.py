"""2,000+ random incremental edits per position encoding, sent through a real LSP session.

After every batch the server's text must equal a reference string the test
edits independently, and the server's incrementally kept tree must print the
same S-expression as a fresh parse of that text.
"""

from __future__ import annotations

import random
import re

import pytest_lsp
import tree_sitter_python
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tree_sitter import Language, Parser

from aurelis.lsp.handlers.debug import span_digest
from tests.lsp_support import SERVER_COMMAND, capabilities, command, open_doc, prepare

EDITS_PER_ENCODING = 2000
PIECES = [
    "a",
    "x",
    " ",
    "  ",
    "\n",
    "\r\n",
    "é",
    "名前",
    "😀",
    "e\u0301",
    "(",
    ")",
    ":",
    "def f(x):\n    ",
    "return x\n",
    "'s'",
    '"',
    "#",
    "    ",
    "if x:\r\n    pass\r\n",
    "🎉🎉",
    "[1, 2]",
    "\\",
    "class C:\n",
]
SEED = (
    "import os\r\n\r\n"
    'def greet(name):\r\n    """Say héllo 😀."""\r\n    return f\'名前: {name}\'\r\n\r\n'
    "class Shop:\n    def total(self, items):\n        return sum(i.price for i in items)  # e\u0301\n"
)
_BREAK = re.compile(r"\r\n|\r|\n")
_parser = Parser(Language(tree_sitter_python.language()))


def lsp_position(text: str, offset: int, encoding: str) -> types.Position:
    """The LSP position of code-point ``offset`` in ``text``, computed independently of the server."""
    line, line_start = 0, 0
    for m in _BREAK.finditer(text, 0, offset):
        if m.end() <= offset:
            line, line_start = line + 1, m.end()
    segment = text[line_start:offset]
    if encoding == "utf-8":
        units = len(segment.encode("utf-8"))
    else:
        units = len(segment) + sum(1 for ch in segment if ord(ch) > 0xFFFF)
    return types.Position(line=line, character=units)


def pick_offset(rng: random.Random, text: str) -> int:
    """A random offset a client could address: never between the \\r and \\n of a CRLF."""
    off = rng.randint(0, len(text))
    if 0 < off < len(text) and text[off - 1] == "\r" and text[off] == "\n":
        off -= 1
    return off


def random_change(
    rng: random.Random, text: str, encoding: str
) -> tuple[str, types.TextDocumentContentChangePartial]:
    a, b = sorted((pick_offset(rng, text), pick_offset(rng, text)))
    if rng.random() < 0.6:  # mostly small edits, like typing
        b = min(len(text), a + rng.choice([0, 0, 1, 2, 5]))
        if 0 < b < len(text) and text[b - 1] == "\r" and text[b] == "\n":
            b += 1
    insert = "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 1, 2, 3])))
    change = types.TextDocumentContentChangePartial(
        range=types.Range(start=lsp_position(text, a, encoding), end=lsp_position(text, b, encoding)),
        text=insert,
    )
    return text[:a] + insert + text[b:], change


@pytest_lsp.fixture(
    params=["utf-8", "utf-16"],
    config=ClientServerConfig(server_command=[*SERVER_COMMAND[:-2], "--log-level", "warning"]),
)
async def client(lsp_client: LanguageClient, request):
    prepare(lsp_client)
    offered = ["utf-8", "utf-16"] if request.param == "utf-8" else ["utf-16"]
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=offered), initialization_options={"index": {"enabled": False}}
        )
    )
    assert result.capabilities.position_encoding == request.param
    lsp_client.encoding = request.param
    yield
    await lsp_client.shutdown_session()


async def test_random_incremental_edits_keep_text_and_tree_exact(client: LanguageClient):
    encoding = client.encoding
    rng = random.Random(f"aurelis-{encoding}")
    uri = f"file:///tmp/aurelis-random/{encoding}.py"
    text = SEED
    open_doc(client, uri, text)
    version, sent = 1, 0
    while sent < EDITS_PER_ENCODING:
        changes = []
        for _ in range(rng.choice([1, 1, 3, 10, 25])):
            if len(text) > 4000:  # keep the document a realistic size: delete a random chunk
                a = pick_offset(rng, text)
                b = min(len(text), a + 1500)
                if 0 < b < len(text) and text[b - 1] == "\r" and text[b] == "\n":
                    b += 1
                change = types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=lsp_position(text, a, encoding), end=lsp_position(text, b, encoding)
                    ),
                    text="",
                )
                text = text[:a] + text[b:]
            else:
                text, change = random_change(rng, text, encoding)
            changes.append(change)
        version += 1
        sent += len(changes)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=changes,
            )
        )
        state = await command(
            client, "aurelis.syntaxTree", {"uri": uri, "include_text": True, "include_spans": True}
        )
        assert state["version"] == version
        assert state["text"] == text, f"text diverged after {sent} edits"
        fresh = _parser.parse(text.encode("utf-8")).root_node
        assert state["sexp"] == str(fresh), f"tree diverged after {sent} edits"
        assert state["spans"] == span_digest(fresh), f"node positions diverged after {sent} edits"
    # Every didChange was one incremental reparse (its changes edit the tree, then one parse).
    assert state["incremental_parses"] == version - 1
