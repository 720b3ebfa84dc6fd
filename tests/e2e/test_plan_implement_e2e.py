"""Plan and implement end to end: a real `aurelis serve` with the index on a project whose
function is copied into three files, the local OpenAI-compatible test server answering as a
capable model. The duplicate diagnostic offers "Plan with Aurelis"; the plan is grounded in
the three copies; the implementation comes back as one multi-file WorkspaceEdit with a
needsConfirmation annotation, verified (parses, duplicate gone, imports resolve, the
project's own tests pass in a copy). Applied, the workspace parses, `aurelis check` finds no
duplicate and the tests pass. An answer that breaks an import is not offered, with the reason."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.test_ai_e2e import provider
from tests.lsp_support import SERVER_COMMAND, capabilities, command, open_doc, prepare, wait_until
from tests.opportunities.fixture import COPIES, PLAN, implementation, make_project
from tests.support.fake_llm import FakeLLM, Reply

CACHE = tempfile.mkdtemp(prefix="aurelis-plan-e2e-")
ENV = {**os.environ, "AURELIS_CACHE_DIR": CACHE, "HF_HUB_OFFLINE": "1", "AURELIS_E2E_KEY": "sk-test-key-e2e"}
TESTS = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]


@pytest.fixture
def llm():
    with FakeLLM(reply="unused") as server:
        yield server


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=ENV))
async def client(lsp_client: LanguageClient, llm: FakeLLM, tmp_path: Path):
    prepare(lsp_client)
    lsp_client.root = make_project(tmp_path / "ws")
    options = {
        "ai": {
            "providers": [provider(llm, timeout=30)],
            "cache": False,
            "retries": 0,
            "implement_test_command": TESTS,  # the user's own setting: it runs something
        },
        "analysis": {"extend_select": ["AUR410"]},  # off by default: this user selects it
    }
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            root_uri=lsp_client.root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=lsp_client.root.as_uri(), name="ws")],
            initialization_options=options,
        )
    )
    yield
    await lsp_client.shutdown_session()


async def plan_for_duplicate(client: LanguageClient, llm: FakeLLM) -> dict:
    root = client.root
    uris = {rel: (root / rel).as_uri() for rel in COPIES}
    for rel, uri in uris.items():
        open_doc(client, uri, (root / rel).read_text())
    found = await wait_until(
        lambda: [(u, d) for u in uris.values() for d in client.diagnostics.get(u, []) if d.code == "AUR410"],
        timeout=180,
    )
    uri, diagnostic = found[0]
    assert len(diagnostic.related_information or []) == 2  # one group: the other two copies
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    plan_action = next(a for a in actions if a.title == "Plan with Aurelis")
    llm.enqueue(Reply(PLAN))
    assert plan_action.kind == "refactor.rewrite.aurelis.plan" and plan_action.command is None  # lazy
    run = (await client.code_action_resolve_async(plan_action)).command
    assert run.command == "aurelis.plan"
    result = await command(client, "aurelis.plan", *run.arguments)
    prompt = llm.prompt_text(-1)
    for rel, (name, *_rest) in COPIES.items():  # grounded: every copy's code and place
        assert f"`{rel}` lines 4-11 (`{name}`)" in prompt and f"def {name}(" in prompt
    assert "tests/test_pricing.py" in prompt  # references found by jedi
    assert result["markdown"].count("## Steps") == 1 and "pricing/common.py" in result["markdown"]
    return result["plan"]


def apply_edit(edit: dict) -> None:
    """What the client does after the user confirms the preview: write every file."""
    for change in edit["documentChanges"]:
        if change.get("kind") == "create":
            continue
        path = Path(change["textDocument"]["uri"].removeprefix("file://"))
        (text,) = [e["newText"] for e in change["edits"]]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


async def test_plan_and_implement_a_duplicate_group_across_three_files(client: LanguageClient, llm: FakeLLM):
    root = client.root
    plan = await plan_for_duplicate(client, llm)
    llm.enqueue(Reply(implementation()))
    result = await command(client, "aurelis.implement", {"plan": plan})
    assert result["verified"] is True, result.get("message")
    assert [c["name"] for c in result["checks"]] == [
        "parses",
        "targeted findings gone",
        "no new errors",
        "imports resolve",
        "tests",
    ]
    edit = result["edit"]
    annotation = edit["changeAnnotations"]["aurelis.implement"]
    assert annotation["needsConfirmation"] is True
    kinds = [c.get("kind", "edit") for c in edit["documentChanges"]]
    assert kinds.count("create") == 1 and kinds.count("edit") == 4  # common.py created, four files edited
    assert all(
        e["annotationId"] == "aurelis.implement" for c in edit["documentChanges"] for e in c.get("edits", [])
    )
    assert (root / "pricing" / "retail.py").read_text().count(
        "subtotal"
    ) > 0  # nothing written before consent
    apply_edit(edit)
    for path in root.rglob("*.py"):
        ast.parse(path.read_text())  # the workspace parses
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "aurelis",
            "check",
            str(root),
            "--select",
            "AUR410",
            "--duplicates",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert check.returncode == 0 and json.loads(check.stdout) == [], check.stdout  # the duplicate is gone
    tests = subprocess.run(TESTS, cwd=root, capture_output=True, text=True, timeout=300)
    assert tests.returncode == 0, tests.stdout + tests.stderr  # the project's own tests pass


async def test_an_implementation_that_breaks_an_import_is_not_offered(client: LanguageClient, llm: FakeLLM):
    plan = await plan_for_duplicate(client, llm)
    llm.enqueue(Reply(implementation("order_totals")))  # imports a name common.py does not define
    result = await command(client, "aurelis.implement", {"plan": plan})
    assert result["verified"] is False and "edit" not in result
    assert (
        "imports resolve" in result["message"] and "`order_totals` imported at pricing/" in result["message"]
    )
    assert "+from pricing.common import order_totals" in result["diff"]  # still shown, as a diff
    await wait_until(lambda: any("failed verification" in m.message for m in client.messages))
    assert "subtotal" in (client.root / "pricing" / "retail.py").read_text()  # nothing changed
