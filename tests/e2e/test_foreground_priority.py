"""Background work gives way to the per-file diagnostics, over a real stdio session: while a
cold index is built (torch imported, chunks embedded) and the cross-file pass runs, every
edit still gets its own diagnostics; the background waits at the engine's foreground gate
(``aurelis.status`` counts the waits), and once the edits stop the build finishes and the
cross-file findings that need it (AUR410 through the index) are published. A cross-file pass
that newer input makes stale stops, and the next one finishes its work."""

from __future__ import annotations

import asyncio
import os
import tempfile

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.analysis.crossfile.support import write_tree
from tests.analysis.crossfile.workspace_fixture import make_project
from tests.lsp_support import ALL_RULES, SERVER_COMMAND, capabilities, command, open_doc, prepare, wait_until

CACHE = tempfile.mkdtemp(prefix="aurelis-priority-e2e-")  # a cold index and embeddings cache
ENV = {**os.environ, "AURELIS_CACHE_DIR": CACHE, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=ENV))
async def client(lsp_client: LanguageClient):
    yield lsp_client
    await lsp_client.shutdown_session()


def _messages(client: LanguageClient, uri: str) -> list[str]:
    return [d.message for d in client.diagnostics.get(uri, [])]


async def test_edits_during_a_cold_build_come_first_and_the_build_finishes_after(
    client: LanguageClient, tmp_path
):
    root = make_project(tmp_path / "ws")
    prepare(client)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-16"]),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
            initialization_options={
                "index": {"enabled": True},
                "analysis": {"cross_file": True, **ALL_RULES},
            },
        )
    )
    uri = (root / "shop/app.py").as_uri()
    open_doc(client, uri, "def go(value):\n    return value\n")

    # Edit without pause (each edit waits only for its own diagnostics) until the status
    # shows that background work has waited for them.
    waits = 0
    for i in range(2, 400):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=i),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(
                        text=f"def go(value):\n    unused_{i} = value\n    return value\n"
                    )
                ],
            )
        )
        await wait_until(lambda i=i: any(f"`unused_{i}`" in m for m in _messages(client, uri)), timeout=30)
        if i % 5 == 0:
            status = await command(client, "aurelis.status")
            waits = status["foreground"]["waits"]
            if waits:
                break
    assert waits >= 1, "background work never waited for the per-file diagnostics"

    # The edits stop: the build resumes and finishes, then the duplicates are published.
    status = await _index_ready(client)
    assert status["files_indexed"] > 0
    orders = (root / "shop/orders.py").as_uri()  # the later copy of the duplicate pair
    await wait_until(lambda: any(d.code == "AUR410" for d in client.diagnostics.get(orders, [])), timeout=120)
    # the last edit's diagnostics are the ones shown
    assert any(f"`unused_{i}`" in m for m in _messages(client, uri))


async def _index_ready(client: LanguageClient, timeout: float = 240.0) -> dict:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        status = await command(client, "aurelis.status")
        assert status["state"] != "error", status
        if status["state"] == "ready" and status["chunks"]:
            return status
        if loop.time() > deadline:
            raise TimeoutError(f"index not ready: {status}")
        await asyncio.sleep(0.1)


async def test_a_cross_file_pass_stops_for_newer_input_and_the_next_one_finishes(
    client: LanguageClient, tmp_path
):
    """The first pass publishes a dead-code finding for each of many files; an edit that arrives
    while it is publishing stops it (``superseded``), and the next pass publishes the rest
    computed with the edit."""
    body = "".join(f"\n\ndef unused_{j}(x):\n    return x * {j}\n" for j in range(40))  # work per file
    modules = {f"pkg/m{i:03}.py": f"def helper_{i}(x):\n    return x + {i}\n{body}" for i in range(300)}
    root = write_tree(tmp_path / "ws", {"pkg/__init__.py": "", **modules})
    prepare(client)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-16"]),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
            initialization_options={"index": {"enabled": False}, "analysis": ALL_RULES},  # no index needed
        )
    )

    def dead() -> set[str]:
        return {
            d.data["name"]
            for diags in client.diagnostics.values()
            for d in diags
            if d.code == "AUR411" and d.data["name"].startswith("helper_")
        }

    await wait_until(dead, interval=0.001)  # the pass has begun publishing
    app = (root / "pkg/app.py").as_uri()
    text = "from pkg.m007 import helper_7\n\n\ndef main():\n    return helper_7(1)\n"
    open_doc(client, app, text)
    # On a loaded machine the first pass may be done before the edit arrives: edit again, each time
    # after the scheduler's quiet time (an edit inside it only delays the pass), until one lands in a
    # pass. The edits alternate with a text that imports every helper, so that each later pass has
    # every module's findings to publish too (a pass over one changed import could end before the
    # next edit arrives, every time).
    every = (
        "".join(f"from pkg.m{i:03} import helper_{i}\n" for i in range(300))
        + "\n\ndef main():\n    return 0\n"
    )
    loop = asyncio.get_running_loop()
    deadline, version = loop.time() + 60, 1

    def change(new: str) -> None:
        nonlocal version
        version += 1
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=app, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=new)],
            )
        )

    while (await command(client, "aurelis.crossfileStatus", {}))["superseded"] < 1:
        assert loop.time() < deadline, "no pass was ever stopped by newer input"
        await asyncio.sleep(0.45)
        change(every if version % 2 else text)
    if version % 2 == 0:  # the last edit imported every helper: back to the one import
        change(text)

    expected = {f"helper_{i}" for i in range(300)} - {"helper_7"}
    await wait_until(lambda: dead() == expected, timeout=60)
    # the pass that follows a stopped one may still be running: wait until the scheduler settles,
    # then the findings must still be the last edit's
    settle = loop.time() + 60
    while not (status := await command(client, "aurelis.crossfileStatus", {}))["idle"]:
        assert loop.time() < settle, "the cross-file scheduler never settled"
        await asyncio.sleep(0.05)
    assert status["superseded"] >= 1
    assert dead() == expected
