"""AI commands end to end: a real `aurelis serve` over stdio, a real HTTP provider
on 127.0.0.1 (tests/support/fake_llm.py), a client that applies workspace edits
like an editor and sends the resulting didChange back."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_support import capabilities, command, open_doc, prepare, wait_until
from tests.support.fake_llm import FakeLLM, Hang, Reply, Status

API_KEY = "sk-test-" + "Zq81" * 8  # what the server reads from $AURELIS_E2E_KEY
STATE = Path(tempfile.mkdtemp(prefix="aurelis-ai-e2e-"))
LOG = STATE / "server.log"
ENV = {
    **os.environ,
    "AURELIS_CACHE_DIR": str(STATE / "cache"),
    "AURELIS_E2E_KEY": API_KEY,
    "HF_HUB_OFFLINE": "1",
}
SERVER = [sys.executable, "-m", "aurelis", "serve", "--log-level", "debug", "--log-file", str(LOG)]

SOURCE = """import math

API_TOKEN = "sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4"


def area(radius):
    return math.pi * radius ** 2


def total(values):
    s = 0
    for v in values:
        s += v
    return s
"""


class Editor:
    """The client side of workspace/applyEdit: applies TextDocumentEdits to its own copy
    (refusing a stale version, as editors do, and counting characters in the negotiated
    ``encoding``) and reports the change to the server."""

    def __init__(self, client: LanguageClient, encoding: str = "utf-16") -> None:
        self.client = client
        self.encoding = encoding
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.edits: list[types.ApplyWorkspaceEditParams] = []

    def open(self, uri: str, text: str) -> None:
        self.texts[uri], self.versions[uri] = text, 1
        open_doc(self.client, uri, text)

    def change(self, uri: str, text: str) -> None:
        self.texts[uri] = text
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def apply(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        self.edits.append(params)
        for change in params.edit.document_changes or []:
            if not isinstance(change, types.TextDocumentEdit):
                continue
            uri = change.text_document.uri
            if uri not in self.texts:
                self.texts[uri], self.versions[uri] = "", 0
            elif (
                change.text_document.version is not None
                and change.text_document.version != self.versions[uri]
            ):
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason="version mismatch")
            text = self.texts[uri]
            for e in sorted(
                change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
            ):
                a, b = offset(text, e.range.start, self.encoding), offset(text, e.range.end, self.encoding)
                text = text[:a] + e.new_text + text[b:]
            if self.versions[uri]:
                self.change(uri, text)
            else:
                self.texts[uri] = text
        return types.ApplyWorkspaceEditResult(applied=True)


def units(text: str, encoding: str = "utf-16") -> int:
    """Length of ``text`` in an LSP position encoding's units."""
    return len(text.encode("utf-8")) if encoding == "utf-8" else len(text.encode("utf-16-le")) // 2


def offset(text: str, p: types.Position, encoding: str = "utf-16") -> int:
    """The str index of ``p``, counting its character in ``encoding`` units as an editor does."""
    lines = text.split("\n")
    line, count, i = lines[p.line] if p.line < len(lines) else "", 0, 0
    while i < len(line) and count < p.character:
        count += units(line[i], encoding)
        i += 1
    return sum(len(line) + 1 for line in lines[: p.line]) + i


def provider(llm: FakeLLM, name: str = "local", **extra) -> dict:
    return {
        "name": name,
        "kind": "openai",
        "base_url": llm.openai_base_url,
        "model": "fake-model",
        "api_key_env": "AURELIS_E2E_KEY",
        "timeout": 10,
        **extra,
    }


def settings(*providers: dict, **extra) -> dict:
    return {
        "ai": {"providers": list(providers), "cache": False, "retries": 1, "backoff": 0.05, **extra},
        "index": {"enabled": False},
    }


async def start(client: LanguageClient, root: Path, ai: dict) -> Editor:
    prepare(client)
    editor = Editor(client)

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def _apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        return editor.apply(params)

    caps = capabilities()
    caps.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(
        document_changes=True, resource_operations=[types.ResourceOperationKind.Create]
    )
    await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
            initialization_options=ai,
        )
    )
    return editor


@pytest.fixture
def llm():
    with FakeLLM(reply="It computes the area of a circle.") as server:
        yield server


@pytest.fixture
def llm2():
    with FakeLLM(reply="Answer from the second provider.") as server:
        yield server


def ai(build):
    """Give one test its own settings: ``build(llm, llm2) -> initializationOptions``."""

    def mark(fn):
        fn.ai_settings = build
        return fn

    return mark


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "geometry.py").write_text('def square(x):\n    """x times x."""\n    return x * x\n')
    (tmp_path / "mod.py").write_text(SOURCE)
    return tmp_path


def uri_of(ws: Path) -> str:
    return (ws / "mod.py").as_uri()


async def server_text(client: LanguageClient, uri: str) -> str:
    return (await command(client, "aurelis.syntaxTree", {"uri": uri, "include_text": True}))["text"]


def rng(l1: int, c1: int, l2: int, c2: int) -> dict:
    return {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}


CONFIG = ClientServerConfig(server_command=SERVER, server_env=ENV)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, request, llm: FakeLLM, llm2: FakeLLM, ws: Path):
    build = getattr(request.function, "ai_settings", lambda llm, llm2: settings(provider(llm)))
    lsp_client.editor = await start(lsp_client, ws, build(llm, llm2))
    yield
    await lsp_client.shutdown_session()


# -- explain / generate / fix ------------------------------------------------------------------
async def test_explain_streams_progress_and_returns_markdown(client: LanguageClient, llm: FakeLLM, ws: Path):
    llm.enqueue(Reply("It computes **the area** of a circle of the given radius.", chunks=6))
    client.editor.open(uri_of(ws), SOURCE)
    result = await command(client, "aurelis.explain", {"uri": uri_of(ws), "range": rng(6, 4, 6, 4)})
    assert result["markdown"] == "It computes **the area** of a circle of the given radius."
    assert result["provider"] == "local" and result["cached"] is False
    prompt = llm.prompt_text(-1)
    assert "def area(radius):" in prompt and "return math.pi * radius ** 2" in prompt  # enclosing function
    assert "import math" in prompt  # the file's imports
    assert llm.requests[-1].body["stream"] is True
    reports = [v for values in client.progress_reports.values() for v in values]
    kinds = [type(v).__name__ for v in reports]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    partial = [v.message for v in reports if isinstance(v, types.WorkDoneProgressReport)]
    assert partial and partial[-1] == result["markdown"]  # the last report carries the whole streamed text


async def test_generate_inserts_code_at_position(client: LanguageClient, llm: FakeLLM, ws: Path):
    uri = uri_of(ws)
    client.editor.open(uri, SOURCE)
    llm.enqueue(
        Reply("Here you go:\n```python\ndef mean(values):\n    return total(values) / len(values)\n```\n")
    )
    result = await command(
        client,
        "aurelis.generate",
        {"uri": uri, "position": {"line": 9, "character": 0}, "instruction": "a mean function"},
    )
    assert result["applied"] is True
    expected = SOURCE.replace(
        "def total", "def mean(values):\n    return total(values) / len(values)\n\n\ndef total"
    )
    assert client.editor.texts[uri] == expected
    await wait_until(lambda: client.editor.versions[uri] == 2)
    assert await server_text(client, uri) == expected  # the server saw the editor's didChange
    assert "a mean function" in llm.prompt_text(-1)
    edit = client.editor.edits[-1].edit.document_changes[0]
    assert edit.text_document.version == 1  # computed for, and sent with, version 1
    # with a selection, the generated code replaces the selected lines (re-indented to them)
    llm.enqueue(Reply("```python\nreturn sum(values) / max(len(values), 1)\n```"))
    line = expected.split("\n").index("    return total(values) / len(values)")
    result = await command(
        client,
        "aurelis.generate",
        {"uri": uri, "range": rng(line, 4, line, 20), "instruction": "guard against empty input"},
    )
    assert result["applied"] is True
    assert "def mean(values):\n    return sum(values) / max(len(values), 1)\n" in client.editor.texts[uri]
    await wait_until(lambda: client.editor.versions[uri] == 3)
    assert await server_text(client, uri) == client.editor.texts[uri]


async def test_fix_for_a_diagnostic_replaces_the_function(client: LanguageClient, llm: FakeLLM, ws: Path):
    uri = uri_of(ws)
    client.editor.open(uri, SOURCE)
    llm.enqueue(Reply("```python\ndef total(values):\n    return sum(values)\n```"))
    diagnostic = {
        "range": rng(10, 4, 10, 9),
        "message": "Use the builtin sum()",
        "source": "other-linter",
        "code": "X100",
        "severity": 3,
    }
    result = await command(
        client, "aurelis.fix", {"uri": uri, "range": rng(10, 4, 10, 9), "diagnostic": diagnostic}
    )
    assert result["applied"] is True
    fixed = SOURCE.split("def total")[0] + "def total(values):\n    return sum(values)\n"
    assert client.editor.texts[uri] == fixed
    assert await wait_until(lambda: client.editor.versions[uri] == 2)
    assert await server_text(client, uri) == fixed
    prompt = llm.prompt_text(-1)
    assert "Use the builtin sum()" in prompt and "other-linter" in prompt


async def test_answer_that_breaks_syntax_is_not_applied(client: LanguageClient, llm: FakeLLM, ws: Path):
    uri = uri_of(ws)
    client.editor.open(uri, SOURCE)
    llm.enqueue(Reply("```python\ndef total(values:\n    return sum(values\n```"))
    result = await command(client, "aurelis.fix", {"uri": uri, "range": rng(10, 4, 10, 9)})
    assert result["applied"] is False and "syntax error" in result["message"]
    assert "def total(values:" in result["markdown"]  # the model's text is still shown
    assert client.editor.edits == []
    assert await server_text(client, uri) == SOURCE


async def test_edit_for_a_stale_version_is_not_applied(client: LanguageClient, llm: FakeLLM, ws: Path):
    uri = uri_of(ws)
    client.editor.open(uri, SOURCE)
    llm.enqueue(Reply("```python\ndef total(values):\n    return sum(values)\n```", delay=1.0))
    pending = asyncio.ensure_future(command(client, "aurelis.fix", {"uri": uri, "range": rng(10, 4, 10, 9)}))
    await wait_until(lambda: llm.requests)
    edited = SOURCE + "\nprint(total([1]))\n"
    client.editor.change(uri, edited)  # the user types while the model answers
    result = await pending
    assert result["applied"] is False and "changed" in result["message"]
    assert client.editor.edits == []
    assert await server_text(client, uri) == edited


# -- provider chain ------------------------------------------------------------------------------
@ai(lambda llm, llm2: settings(provider(llm, "first"), provider(llm2, "second"), retries=1))
async def test_fallback_after_500(client: LanguageClient, llm: FakeLLM, llm2: FakeLLM, ws: Path):
    client.editor.open(uri_of(ws), SOURCE)
    llm.enqueue(Status(500), Status(503))
    result = await command(client, "aurelis.explain", {"uri": uri_of(ws), "range": rng(6, 4, 6, 4)})
    assert result == {
        "markdown": "Answer from the second provider.",
        "provider": "second",
        "cached": False,
        "truncated": False,
    }
    assert len(llm.requests) == 2  # first try + one retry
    assert len(llm2.requests) == 1 and llm2.prompt_text(0) == llm.prompt_text(0)


@ai(lambda llm, llm2: settings(provider(llm, "slow", timeout=0.5), provider(llm2, "second"), retries=0))
async def test_fallback_after_timeout(client: LanguageClient, llm: FakeLLM, llm2: FakeLLM, ws: Path):
    client.editor.open(uri_of(ws), SOURCE)
    llm.enqueue(Hang(30))
    result = await command(client, "aurelis.explain", {"uri": uri_of(ws), "range": rng(6, 4, 6, 4)})
    assert result["provider"] == "second" and result["markdown"] == "Answer from the second provider."
    assert len(llm.requests) == 1 and len(llm2.requests) == 1
    await wait_until(lambda: llm.disconnects == [0])  # the timed-out request was closed, not left open


@ai(lambda llm, llm2: settings(provider(llm), retries=2))
async def test_retry_after_is_honoured(client: LanguageClient, llm: FakeLLM, ws: Path):
    client.editor.open(uri_of(ws), SOURCE)
    llm.enqueue(Status(429, retry_after=1.5))
    result = await command(client, "aurelis.explain", {"uri": uri_of(ws), "range": rng(6, 4, 6, 4)})
    assert result["markdown"] == "It computes the area of a circle."
    assert len(llm.requests) == 2
    assert llm.requests[1].at - llm.requests[0].at >= 1.5  # backoff alone would retry after 0.05 s


# -- cancellation ---------------------------------------------------------------------------------
async def test_cancel_request_closes_the_http_request(client: LanguageClient, llm: FakeLLM, ws: Path):
    client.editor.open(uri_of(ws), SOURCE)
    llm.enqueue(Reply("never finished " * 20, chunks=20, stall_after=2))
    msg_id = "ai-cancel-1"
    future = client.protocol.send_request(
        types.WORKSPACE_EXECUTE_COMMAND,
        types.ExecuteCommandParams(
            command="aurelis.explain", arguments=[{"uri": uri_of(ws), "range": rng(6, 4, 6, 4)}]
        ),
        msg_id=msg_id,
    )
    # streaming has started: partial output reached the progress report
    await wait_until(
        lambda: any(
            isinstance(v, types.WorkDoneProgressReport) for vs in client.progress_reports.values() for v in vs
        )
    )
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
    await wait_until(lambda: llm.disconnects == [0])
    with pytest.raises(Exception, match="cancel"):
        await asyncio.wrap_future(future)
    await wait_until(
        lambda: any(
            isinstance(v, types.WorkDoneProgressEnd) and v.message == "cancelled"
            for vs in client.progress_reports.values()
            for v in vs
        )
    )
    tree = await command(client, "aurelis.syntaxTree", {"uri": uri_of(ws)})  # the server goes on
    assert tree["version"] == 1


async def test_progress_cancel_closes_the_http_request(client: LanguageClient, llm: FakeLLM, ws: Path):
    client.editor.open(uri_of(ws), SOURCE)
    llm.enqueue(Hang(30))
    pending = asyncio.ensure_future(
        command(client, "aurelis.fix", {"uri": uri_of(ws), "range": rng(10, 4, 10, 9)})
    )
    await wait_until(lambda: llm.requests)
    (token,) = [t for t, vs in client.progress_reports.items() if vs and vs[0].cancellable]
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    await wait_until(lambda: llm.disconnects == [0])
    with pytest.raises(Exception, match="cancel"):
        await pending
    assert client.editor.edits == []


# -- cache, secrets, keys ------------------------------------------------------------------------
@ai(lambda llm, llm2: settings(provider(llm), cache=True, cache_ttl=600))
async def test_cache_hit_sends_no_second_request_and_can_be_bypassed(
    client: LanguageClient, llm: FakeLLM, ws: Path
):
    uri = uri_of(ws)
    client.editor.open(
        uri, SOURCE.replace("radius", "r_" + os.urandom(4).hex())
    )  # a prompt no earlier run cached
    args = {"uri": uri, "range": rng(6, 4, 6, 4)}
    first = await command(client, "aurelis.explain", args)
    second = await command(client, "aurelis.explain", args)
    assert first["cached"] is False and second["cached"] is True
    assert second["markdown"] == first["markdown"]
    assert len(llm.requests) == 1
    third = await command(client, "aurelis.explain", {**args, "no_cache": True})
    assert third["cached"] is False and len(llm.requests) == 2


async def test_secrets_never_reach_the_provider_and_the_key_never_reaches_the_log(
    client: LanguageClient, llm: FakeLLM, ws: Path
):
    uri = uri_of(ws)
    text = (
        SOURCE
        + '\n\ndef connect():\n    password = "hunter2-is-secret"\n    return login(API_TOKEN, password)\n'
    )
    client.editor.open(uri, text)
    await command(client, "aurelis.explain", {"uri": uri, "range": rng(0, 0, text.count("\n"), 0)})
    llm.enqueue(
        Reply(
            '```python\ndef connect():\n    password = "<redacted:assignment>"\n'
            "    return login(API_TOKEN, password.strip())\n```"
        )
    )
    fixed = await command(client, "aurelis.fix", {"uri": uri, "range": rng(17, 4, 17, 10)})
    sent = json.dumps([r.body for r in llm.requests])
    assert "hunter2-is-secret" not in sent and "sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4" not in sent
    assert "<redacted:assignment>" in sent and "<redacted:openai-key>" in sent
    # the user's file keeps its value even though the model echoed the marker back
    assert fixed["applied"] is True
    assert (
        'password = "hunter2-is-secret"\n    return login(API_TOKEN, password.strip())'
        in client.editor.texts[uri]
    )
    # the key was sent to the provider, and written nowhere in the server's log
    assert llm.requests[0].headers["authorization"] == f"Bearer {API_KEY}"
    log = LOG.read_text(encoding="utf-8")  # every server of this module appends here, at debug level
    assert "AI explain: calling local" in log  # the log is the one this server wrote
    assert API_KEY not in log


@ai(lambda llm, llm2: {"index": {"enabled": False}})
async def test_no_provider_is_a_clear_error_and_the_server_goes_on(client: LanguageClient, ws: Path):
    client.editor.open(uri_of(ws), SOURCE)
    with pytest.raises(Exception, match=r"no provider configured.*ai\.providers"):
        await command(client, "aurelis.explain", {"uri": uri_of(ws), "range": rng(6, 4, 6, 4)})
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri_of(ws)),
            range=types.Range(types.Position(6, 4), types.Position(6, 4)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert not any("Aurelis" in a.title and "with Aurelis" in a.title for a in actions or [])
    assert (await command(client, "aurelis.syntaxTree", {"uri": uri_of(ws)}))["version"] == 1


@ai(
    lambda llm, llm2: settings(
        provider(llm, "key-missing", api_key_env="AURELIS_UNSET_KEY"), provider(llm2, "second")
    )
)
async def test_missing_key_env_falls_back_without_a_request(
    client: LanguageClient, llm: FakeLLM, llm2: FakeLLM, ws: Path
):
    client.editor.open(uri_of(ws), SOURCE)
    result = await command(client, "aurelis.explain", {"uri": uri_of(ws), "range": rng(6, 4, 6, 4)})
    assert result["provider"] == "second" and llm.requests == []
    assert "authorization" in llm2.requests[0].headers


# -- other wire formats ---------------------------------------------------------------------------
@ai(
    lambda llm, llm2: settings(
        {"name": "ollama", "kind": "ollama", "base_url": llm.url, "model": "llama3"},
        {
            "name": "claude",
            "kind": "anthropic",
            "base_url": llm2.url,
            "model": "claude-x",
            "api_key_env": "AURELIS_E2E_KEY",
        },
        routing={"explain": ["ollama"], "fix": ["claude"]},
    )
)
async def test_ollama_and_anthropic_shapes_with_routing(
    client: LanguageClient, llm: FakeLLM, llm2: FakeLLM, ws: Path
):
    uri = uri_of(ws)
    client.editor.open(uri, SOURCE)
    llm.enqueue(Reply("Ollama says: area of a circle.", chunks=3))
    explained = await command(client, "aurelis.explain", {"uri": uri, "range": rng(6, 4, 6, 4)})
    assert explained["markdown"] == "Ollama says: area of a circle." and explained["provider"] == "ollama"
    assert llm.requests[0].path == "/api/chat" and llm.requests[0].body["model"] == "llama3"
    llm2.enqueue(Reply("```python\ndef total(values):\n    return sum(values)\n```", chunks=5))
    fixed = await command(client, "aurelis.fix", {"uri": uri, "range": rng(10, 4, 10, 9)})
    assert fixed["applied"] is True and fixed["provider"] == "claude"
    assert client.editor.texts[uri].endswith("def total(values):\n    return sum(values)\n")
    r = llm2.requests[0]
    assert r.path == "/v1/messages" and r.headers["x-api-key"] == API_KEY and r.headers["anthropic-version"]
    assert "def total(values):" in llm2.prompt_text(0) and r.body["system"]


# -- code actions, review, docstring, tests, ask ------------------------------------------------
async def test_code_actions_resolve_to_commands_for_any_servers_diagnostic(
    client: LanguageClient, llm: FakeLLM, ws: Path
):
    uri = uri_of(ws)
    client.editor.open(uri, SOURCE)
    foreign = types.Diagnostic(
        range=types.Range(types.Position(10, 4), types.Position(10, 9)),
        message="Local variable shadows builtin",
        source="pylint",
        code="W0622",
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=foreign.range,
            context=types.CodeActionContext(diagnostics=[foreign]),
        )
    )
    titles = {a.title: a for a in actions}
    fix = titles["Fix with Aurelis: Local variable shadows builtin"]
    assert fix.kind == types.CodeActionKind.QuickFix and fix.command is None and fix.edit is None  # lazy
    assert "Explain with Aurelis" in titles and "Generate docstring with Aurelis" in titles
    resolved = await client.code_action_resolve_async(fix)
    assert resolved.command.command == "aurelis.fix"
    llm.enqueue(Reply("```python\ndef total(values):\n    return sum(values)\n```"))
    result = await command(client, resolved.command.command, *resolved.command.arguments)
    assert result["applied"] is True
    assert "Local variable shadows builtin" in llm.prompt_text(-1) and "pylint" in llm.prompt_text(-1)


async def test_review_publishes_ai_diagnostics(client: LanguageClient, llm: FakeLLM, ws: Path):
    uri = uri_of(ws)
    client.editor.open(uri, SOURCE)
    llm.enqueue(Reply("11: warning: `s` shadows nothing but `sum` is clearer\n13: info: loop could be sum()"))
    result = await command(client, "aurelis.review", {"uri": uri})
    assert result["findings"] == 2
    diags = await wait_until(lambda: [d for d in client.diagnostics.get(uri, []) if d.source == "aurelis-ai"])
    assert [(d.range.start.line, d.severity) for d in diags] == [
        (10, types.DiagnosticSeverity.Warning),
        (12, types.DiagnosticSeverity.Information),
    ]
    assert "11| " in llm.prompt_text(-1)  # the target was numbered with file lines
    client.editor.change(uri, SOURCE + "\n")  # the line numbers no longer hold: the findings go
    await wait_until(lambda: not [d for d in client.diagnostics.get(uri, []) if d.source == "aurelis-ai"])


async def test_docstring_replaces_the_definition(client: LanguageClient, llm: FakeLLM, ws: Path):
    uri = uri_of(ws)
    client.editor.open(uri, SOURCE)
    llm.enqueue(
        Reply(
            '```python\ndef area(radius):\n    """Area of a circle of ``radius``."""\n'
            "    return math.pi * radius ** 2\n```"
        )
    )
    result = await command(client, "aurelis.docstring", {"uri": uri, "position": {"line": 6, "character": 8}})
    assert result["applied"] is True
    assert (
        'def area(radius):\n    """Area of a circle of ``radius``."""\n    return math.pi'
        in client.editor.texts[uri]
    )
    edit = client.editor.edits[-1].edit.document_changes[0].edits[0]
    assert (
        edit.new_text.strip().startswith('"""Area') and edit.range.start.line == 6
    )  # minimal: only the new line


async def test_tests_are_written_to_the_matching_test_file(client: LanguageClient, llm: FakeLLM, ws: Path):
    uri = uri_of(ws)
    client.editor.open(uri, SOURCE)
    llm.enqueue(
        Reply("```python\nfrom mod import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n```")
    )
    result = await command(client, "aurelis.tests", {"uri": uri, "range": rng(9, 0, 13, 12)})
    test_uri = (ws / "tests" / "test_mod.py").as_uri()
    assert result["applied"] is True and result["uri"] == test_uri
    changes = client.editor.edits[-1].edit.document_changes
    assert isinstance(changes[0], types.CreateFile) and changes[0].uri == test_uri
    assert (
        client.editor.texts[test_uri]
        == "from mod import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n"
    )
    assert "Import the code under test from `mod`" in llm.prompt_text(-1)


async def test_ask_cites_locations_and_gets_workspace_summary(client: LanguageClient, llm: FakeLLM, ws: Path):
    (ws / "README.md").write_text("# Geometry kit\nHelpers for circles.\n")
    (ws / "pyproject.toml").write_text('[project]\nname = "geokit"\ndescription = "Circle helpers"\n')
    llm.enqueue(Reply("The area is computed in `mod.py:6` using `pkg/geometry.py:1`."))
    result = await command(client, "aurelis.ask", {"question": "Where is the area computed?"})
    assert result["markdown"].startswith("The area is computed")
    assert [(c["uri"], c["range"]["start"]["line"]) for c in result["citations"]] == [
        ((ws / "mod.py").as_uri(), 5),
        ((ws / "pkg" / "geometry.py").as_uri(), 0),
    ]
    prompt = llm.prompt_text(-1)
    assert "Where is the area computed?" in prompt and "geokit" in prompt and "Geometry kit" in prompt


# -- grounding in the workspace index -----------------------------------------------------------
async def index_ready(client: LanguageClient, timeout: float = 240.0) -> dict:
    """Poll aurelis.status until the folder's index is built (the real model, on a worker)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        status = await command(client, "aurelis.status")
        if status["state"] == "ready" and status["chunks"]:
            return status
        assert status["state"] != "error", status
        if loop.time() > deadline:
            raise TimeoutError(f"index not ready: {status}")
        await asyncio.sleep(0.1)


@ai(lambda llm, llm2: {"ai": {"providers": [provider(llm)], "cache": False}})  # index enabled (the default)
async def test_context_includes_related_chunks_from_the_index(client: LanguageClient, llm: FakeLLM, ws: Path):
    await index_ready(client)
    client.editor.open(uri_of(ws), SOURCE)
    await command(client, "aurelis.explain", {"uri": uri_of(ws), "range": rng(6, 4, 6, 4)})
    prompt = llm.prompt_text(-1)
    assert "### related: pkg/geometry.py:1-3" in prompt and "def square(x):" in prompt
    assert "### related: mod.py:6-7" not in prompt  # the target itself is not "related"
