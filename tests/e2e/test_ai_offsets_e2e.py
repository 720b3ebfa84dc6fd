"""AI edits on text that is not ASCII land exactly, in both position encodings.

Inside the server every offset is a byte of the UTF-8 source; positions are converted
once, at the LSP edge. The client here applies edits the way an editor does, counting
characters in the negotiated encoding (UTF-16 code units: an astral character such as
an emoji is two of them; UTF-8: bytes), so an edit placed with the wrong unit lands
beside its target and the text comparison fails. The provider is a real HTTP server on
127.0.0.1 (tests/support/fake_llm.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.test_ai_e2e import ENV, SERVER, Editor, provider, settings, units
from tests.lsp_support import capabilities, command, prepare, wait_until
from tests.support.fake_llm import FakeLLM, Reply

SOURCE = (
    '"""Café — 数据 🐍 module."""\n'
    "\n"
    "\n"
    "def greet(name):\n"
    '    return "héllo 🌍 " + name  # 挨拶 😀\n'
    "\n"
    "\n"
    "def total(values):\n"
    "    s = 0  # 合計 🧮\n"
    "    for v in values:\n"
    "        s += v\n"
    "    return s\n"
)
GREET = 4  # the line of greet's return
LINE = SOURCE.split("\n")[GREET]


@pytest.fixture
def llm():
    with FakeLLM(reply="unused") as server:
        yield server


@pytest.fixture(params=["utf-16", "utf-8"])
def encoding(request) -> str:
    return request.param


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient, llm: FakeLLM, encoding: str, tmp_path: Path):
    prepare(lsp_client)
    editor = Editor(lsp_client, encoding)

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def _apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        return editor.apply(params)

    caps = capabilities(encodings=[encoding])
    caps.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(document_changes=True)
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
            initialization_options=settings(provider(llm)),
        )
    )
    assert result.capabilities.position_encoding == encoding
    (tmp_path / "mod.py").write_text(SOURCE, "utf-8")
    lsp_client.uri = (tmp_path / "mod.py").as_uri()
    editor.open(lsp_client.uri, SOURCE)
    lsp_client.editor = editor
    yield
    await lsp_client.shutdown_session()


async def server_text(client: LanguageClient) -> str:
    return (await command(client, "aurelis.syntaxTree", {"uri": client.uri, "include_text": True}))["text"]


def pos(line: int, before: str, encoding: str) -> dict:
    """The position just after ``before`` (the start of the line) in ``encoding`` units."""
    return {"line": line, "character": units(before, encoding)}


async def rewrite_greet(client: LanguageClient, llm: FakeLLM, encoding: str, new_line: str) -> types.Range:
    """aurelis.generate over greet's return line, answered with ``new_line``: the one edit's range."""
    llm.enqueue(Reply(f"```python\n{new_line.strip()}\n```"))
    rng = {"start": pos(GREET, "", encoding), "end": pos(GREET, LINE, encoding)}
    result = await command(
        client, "aurelis.generate", {"uri": client.uri, "range": rng, "instruction": "edit"}
    )
    assert result["applied"] is True, result
    assert client.editor.texts[client.uri] == SOURCE.replace(LINE, new_line)
    (edit,) = client.editor.edits[-1].edit.document_changes[0].edits
    return edit.range


async def test_a_one_line_change_after_astral_characters_lands_on_its_characters(
    client: LanguageClient, llm: FakeLLM, encoding: str
):
    new_line = LINE.replace("+ name  #", "+ name.title()  #")
    edit = await rewrite_greet(client, llm, encoding, new_line)
    # narrowed to the inserted characters, which sit after an emoji (2 UTF-16 units, 4 bytes)
    assert edit.start == edit.end
    assert edit.start.character == units('    return "héllo 🌍 " + name', encoding)
    await wait_until(lambda: client.editor.versions[client.uri] == 2)
    assert await server_text(client) == SOURCE.replace(LINE, new_line)


async def test_changing_one_accented_letter_replaces_the_whole_character(
    client: LanguageClient, llm: FakeLLM, encoding: str
):
    # é and è share their first UTF-8 byte: a byte-level narrowing would split the character
    edit = await rewrite_greet(client, llm, encoding, LINE.replace("héllo", "hèllo"))
    assert edit.start.character == units('    return "h', encoding)
    assert edit.end.character == units('    return "hé', encoding)


async def test_a_fix_replaces_a_function_below_lines_with_cjk_and_emoji(
    client: LanguageClient, llm: FakeLLM, encoding: str
):
    llm.enqueue(Reply("```python\ndef total(values):\n    return sum(values)  # 合計 🧮\n```"))
    start = SOURCE.split("\n").index("    s = 0  # 合計 🧮")
    rng = {"start": pos(start, "    ", encoding), "end": pos(start, "    s = 0", encoding)}
    result = await command(client, "aurelis.fix", {"uri": client.uri, "range": rng})
    assert result["applied"] is True, result
    head = SOURCE[: SOURCE.index("def total")]
    assert client.editor.texts[client.uri] == head + "def total(values):\n    return sum(values)  # 合計 🧮\n"


async def test_a_selection_after_an_emoji_reaches_the_prompt_exactly(
    client: LanguageClient, llm: FakeLLM, encoding: str
):
    # the fix prompt quotes the selected characters: a position read in the wrong unit
    # would quote a shifted slice
    llm.enqueue(Reply('```python\nreturn "héllo 🌍 " + str(name)  # 挨拶 😀\n```'))
    before = '    return "héllo 🌍 " + '
    rng = {"start": pos(GREET, before, encoding), "end": pos(GREET, before + "name", encoding)}
    diagnostic = {"range": rng, "message": "name may not be a str", "source": "other"}
    result = await command(client, "aurelis.fix", {"uri": client.uri, "range": rng, "diagnostic": diagnostic})
    assert "(at line 5: `name`)" in llm.prompt_text(-1)
    assert result["applied"] is True, result
    assert client.editor.texts[client.uri] == SOURCE.replace("+ name  #", "+ str(name)  #")


async def test_review_findings_span_the_line_in_client_units(
    client: LanguageClient, llm: FakeLLM, encoding: str
):
    llm.enqueue(Reply("5: info: greet could use an f-string"))
    result = await command(client, "aurelis.review", {"uri": client.uri})
    assert result["findings"] == 1
    diags = await wait_until(
        lambda: [d for d in client.diagnostics.get(client.uri, []) if d.source == "aurelis-ai"]
    )
    assert (diags[0].range.start.line, diags[0].range.start.character) == (GREET, 4)
    assert (diags[0].range.end.line, diags[0].range.end.character) == (GREET, units(LINE, encoding))


UTIL = '"""Ünïcode 数据 🐍."""\n\n\ndef add(item, items=[]):\n    items.append(item)\n    return items  # 合計 🧮'


async def test_an_implementation_replaces_a_closed_file_up_to_its_real_end(
    client: LanguageClient, llm: FakeLLM, encoding: str, tmp_path: Path
):
    # util.py is not open: the end of its whole-file edit comes from the text on disk, whose
    # last line (no final newline) holds CJK and an emoji
    (tmp_path / "util.py").write_text(UTIL, "utf-8")
    site = {"path": "util.py", "start_line": 4, "end_line": 6, "symbol": "add"}
    opportunity = {"kind": "finding", "code": "AUR101", "title": "mutable default", "severity": "warning"}
    plan = {"opportunity": {**opportunity, "sites": [site]}, "markdown": "Use None as the default."}
    fixed = UTIL.replace("items=[]):\n", "items=None):\n    items = [] if items is None else items\n")
    llm.enqueue(Reply(f"```python path=util.py\n{fixed}\n```"))
    result = await command(client, "aurelis.implement", {"plan": plan})
    assert result["verified"] is True, result.get("message")
    (change,) = [c for c in result["edit"]["documentChanges"] if c["textDocument"]["uri"].endswith("util.py")]
    (edit,) = change["edits"]
    last = UTIL.split("\n")[-1]
    assert edit["range"]["start"] == {"line": 0, "character": 0}
    assert edit["range"]["end"] == {"line": UTIL.count("\n"), "character": units(last, encoding)}
