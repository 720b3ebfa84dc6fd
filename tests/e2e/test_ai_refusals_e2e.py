"""AI edits you can trust, end to end: a real `aurelis serve`, the local OpenAI-compatible
test server answering junk, cut-off and wrong-target answers. Each is refused with a
message to the user (window/showMessage and the command's result) and the document is
left unchanged; the docstring command at column 0 of an indented method keeps its class."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.test_ai_e2e import ENV, SERVER, Editor, provider, rng, server_text, settings
from tests.lsp_support import capabilities, command, prepare, wait_until
from tests.support.fake_llm import FakeLLM, Reply

CLASS = '''class Inventory:
    """Items and their counts."""

    def __init__(self):
        self.items = {}

    def add(self, name, count=1):
        self.items[name] = self.items.get(name, 0) + count
        return self.items[name]

    def remove(self, name):
        del self.items[name]
'''

BAD_DEFAULT = """def collect(item, bucket=[]):
    bucket.append(item)
    return bucket
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient, llm: FakeLLM, tmp_path: Path):
    prepare(lsp_client)
    editor = Editor(lsp_client)

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def _apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        return editor.apply(params)

    caps = capabilities()
    caps.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(
        document_changes=True,
        change_annotation_support=types.ChangeAnnotationsSupportOptions(groups_on_label=True),
    )
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
            initialization_options=settings(provider(llm)),
        )
    )
    lsp_client.editor = editor
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def llm():
    with FakeLLM(reply="unused") as server:
        yield server


def open_file(client: LanguageClient, tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    client.editor.open(path.as_uri(), text)
    return path.as_uri()


async def refused(client: LanguageClient, uri: str, result: dict, text: str, reason: str) -> None:
    """The command was refused for ``reason``, the user was told, nothing changed anywhere."""
    assert result["applied"] is False and reason in result["message"], result
    await wait_until(lambda: any(reason in m.message for m in client.messages))
    assert client.editor.edits == []
    assert client.editor.texts[uri] == text
    assert await server_text(client, uri) == text


async def test_docstring_at_column_zero_of_an_indented_method_keeps_the_class(
    client: LanguageClient, llm: FakeLLM, tmp_path: Path
):
    uri = open_file(client, tmp_path, "inventory.py", CLASS)
    line = CLASS.split("\n").index("    def add(self, name, count=1):")
    # a small model answers with the method only, its body "simplified"
    llm.enqueue(
        Reply('```python\ndef add(self, name, count=1):\n    """Add ``count`` of ``name``."""\n    pass\n```')
    )
    result = await command(
        client, "aurelis.docstring", {"uri": uri, "position": {"line": line, "character": 0}}
    )
    assert result["applied"] is True
    expected = CLASS.replace(
        "    def add(self, name, count=1):\n",
        '    def add(self, name, count=1):\n        """Add ``count`` of ``name``."""\n',
    )
    assert client.editor.texts[uri] == expected  # the class, __init__, remove and add's body intact
    assert "Document the function `add`" in llm.prompt_text(-1)
    await wait_until(lambda: client.editor.versions[uri] == 2)
    assert await server_text(client, uri) == expected


async def test_docstring_answer_for_another_definition_is_refused(
    client: LanguageClient, llm: FakeLLM, tmp_path: Path
):
    uri = open_file(client, tmp_path, "inventory.py", CLASS)
    line = CLASS.split("\n").index("    def add(self, name, count=1):")
    llm.enqueue(Reply('```python\nclass Inventory:\n    """Rewritten."""\n\n    items = []\n```'))
    result = await command(
        client, "aurelis.docstring", {"uri": uri, "position": {"line": line, "character": 4}}
    )
    await refused(client, uri, result, CLASS, "the answer documents `Inventory`, not `add`")
    assert "Rewritten" in result["markdown"]  # the model's text is still shown


async def test_junk_answers_are_refused(client: LanguageClient, llm: FakeLLM, tmp_path: Path):
    uri = open_file(client, tmp_path, "inventory.py", CLASS)
    llm.enqueue(Reply("Sure! I'd be happy to help. Let me know what you need."))
    result = await command(client, "aurelis.docstring", {"uri": uri, "position": {"line": 3, "character": 8}})
    await refused(client, uri, result, CLASS, "contains no code block")
    llm.enqueue(Reply("Here is the fixed version: it now handles missing names gracefully."))
    result = await command(
        client,
        "aurelis.generate",
        {"uri": uri, "range": rng(10, 0, 11, 27), "instruction": "tolerate a missing name"},
    )
    assert result["applied"] is False and "no code block" in result["message"]
    assert client.editor.edits == [] and client.editor.texts[uri] == CLASS


async def test_truncated_answers_are_refused_and_said_to_be_cut_off(
    client: LanguageClient, llm: FakeLLM, tmp_path: Path
):
    uri = open_file(client, tmp_path, "inventory.py", CLASS)
    # a cut-off answer that still parses: applying it would silently drop `remove`'s body
    llm.enqueue(Reply("```python\ndef remove(self, name):\n    pass\n```", truncated=True))
    result = await command(client, "aurelis.fix", {"uri": uri, "range": rng(11, 8, 11, 27)})
    await refused(
        client, uri, result, CLASS, "cut off at its token limit (max_tokens 1024 of provider `local`)"
    )
    assert result["truncated"] is True
    llm.enqueue(Reply("It keeps a dict of", truncated=True))
    result = await command(client, "aurelis.explain", {"uri": uri, "range": rng(3, 4, 3, 4)})
    assert (
        result["truncated"] is True
        and "cut off" in result["message"]
        and "It keeps a dict of" in result["markdown"]
    )


async def test_wrong_target_diff_is_refused(client: LanguageClient, llm: FakeLLM, tmp_path: Path):
    uri = open_file(client, tmp_path, "inventory.py", CLASS)
    # asked to fix `remove`, the model sends a diff that rewrites __init__ as well
    diff = (
        "```diff\n@@ -4,2 +4,2 @@\n     def __init__(self):\n-        self.items = {}\n+        self.items = []\n"
        "@@ -11,2 +11,2 @@\n     def remove(self, name):\n-        del self.items[name]\n"
        "+        self.items.pop(name, None)\n```"
    )
    llm.enqueue(Reply(diff))
    result = await command(client, "aurelis.fix", {"uri": uri, "range": rng(11, 8, 11, 27)})
    await refused(client, uri, result, CLASS, "changes code outside its target (lines 11-12)")


async def test_a_fix_that_fixes_nothing_is_refused(client: LanguageClient, llm: FakeLLM, tmp_path: Path):
    uri = open_file(client, tmp_path, "collect.py", BAD_DEFAULT)
    diags = await wait_until(lambda: [d for d in client.diagnostics.get(uri, []) if d.code == "AUR101"])
    diagnostic = client.protocol._converter.unstructure(diags[0])
    llm.enqueue(
        Reply(
            "```python\ndef collect(item, bucket=[]):\n    bucket.append(item)\n    return list(bucket)\n```"
        )
    )
    result = await command(
        client, "aurelis.fix", {"uri": uri, "range": diagnostic["range"], "diagnostic": diagnostic}
    )
    await refused(client, uri, result, BAD_DEFAULT, "re-analysis still reports AUR101")
    fixed = "def collect(item, bucket=None):\n    bucket = [] if bucket is None else bucket\n    bucket.append(item)\n    return bucket\n"
    llm.enqueue(Reply(f"```python\n{fixed}```"))
    result = await command(
        client, "aurelis.fix", {"uri": uri, "range": diagnostic["range"], "diagnostic": diagnostic}
    )
    assert result["applied"] is True and client.editor.texts[uri] == fixed


async def test_an_edit_deleting_most_of_its_target_needs_confirmation(
    client: LanguageClient, llm: FakeLLM, tmp_path: Path
):
    uri = open_file(client, tmp_path, "inventory.py", CLASS)
    llm.enqueue(Reply("```python\nclass Inventory:\n    pass\n```"))
    result = await command(
        client, "aurelis.generate", {"uri": uri, "range": rng(0, 0, 11, 27), "instruction": "simplify"}
    )
    assert "deletes 11 of the target's 12 lines" in result["confirm"]
    edit = client.editor.edits[-1].edit
    annotation = edit.change_annotations["aurelis.confirm"]
    assert annotation.needs_confirmation is True and "review it before applying" in annotation.description
    assert edit.document_changes[0].edits[0].annotation_id == "aurelis.confirm"


async def test_a_review_answer_that_cannot_be_read_is_not_reported_clean(
    client: LanguageClient, llm: FakeLLM, tmp_path: Path
):
    uri = open_file(client, tmp_path, "inventory.py", CLASS)
    llm.enqueue(Reply("The code looks reasonable overall, though naming could improve."))
    result = await command(client, "aurelis.review", {"uri": uri})
    assert result.get("findings") is None and "could not be read as findings" in result["message"]
    await wait_until(lambda: any("could not be read" in m.message for m in client.messages))
    llm.enqueue(Reply("NO FINDINGS"))
    result = await command(client, "aurelis.review", {"uri": uri})
    assert result["findings"] == 0 and "message" not in result
