"""The shared index over a real stdio session: CI publishes with `aurelis index --push` into a
Qdrant collection (qdrant-client's local mode), the server (index.store.kind = "qdrant", from
the user config file) searches it without encoding a published chunk, and an edited buffer
wins over the published vectors through the local overlay."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.index.workspace_fixture import make_workspace
from tests.lsp_support import SERVER_COMMAND, capabilities, command, open_doc, prepare

pytest.importorskip("qdrant_client", reason="the aurelis[qdrant] extra (in the dev extra)")

BASE = Path(tempfile.mkdtemp(prefix="aurelis-shared-e2e-"))
CONFIG = BASE / "user-config"
CONFIG.mkdir()
(CONFIG / "config.toml").write_text(
    f'[index.store]\nkind = "qdrant"\npath = "{BASE / "qdrant"}"\npublish = "never"\n', encoding="utf-8"
)
ENV = {
    **os.environ,
    "AURELIS_CONFIG_DIR": str(CONFIG),
    "AURELIS_CACHE_DIR": str(BASE / "cache"),
    "HF_HUB_OFFLINE": "1",
}
ROOT = Path(__file__).resolve().parents[2]


def push(folder: Path) -> str:
    """What CI runs for a commit."""
    env = {**ENV, "PYTHONPATH": str(ROOT / "server") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run(
        [sys.executable, "-m", "aurelis", "index", str(folder), "--push"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=ENV))
async def client(lsp_client: LanguageClient):
    root = make_workspace(BASE / "ws")
    assert "pushed 5 files" in push(root)  # before initialize: the server opens the store on its first build
    lsp_client.root = root
    prepare(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-8"]),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_search_on_the_shared_collection_and_the_overlay(client: LanguageClient):
    root = client.root

    async def ready():
        status = await command(client, "aurelis.status")
        return status if status["state"] == "ready" and status["files_indexed"] == 5 else None

    status = await wait_until_async(ready)
    folder = status["folders"][0]
    assert folder["store"].startswith("qdrant collection 'aurelis-ws-")
    assert folder["shared_files"] == 5 and folder["overlay_files"] == 0

    hits = await command(client, "aurelis.search", {"query": "how much does it cost to send a package"})
    assert hits[0]["name"] == "shop.shipping.shipping_cost"
    assert hits[0]["uri"] == (root / "shop/shipping.py").as_uri()

    # An edit in the editor: the buffer is indexed locally and wins over the published file.
    uri = (root / "shop/shipping.py").as_uri()
    open_doc(client, uri, (root / "shop/shipping.py").read_text())
    new = 'def customs_declaration(parcel, country):\n    """Fill in the customs form for a parcel."""\n    return {"to": country}\n'
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new)],
        )
    )

    async def overlay_wins():
        hits = await command(
            client, "aurelis.search", {"query": "customs form for a parcel", "k": 5, "mode": "dense"}
        )
        names = [h["name"] for h in hits]
        return names if names and names[0] == "shop.shipping.customs_declaration" else None

    names = await wait_until_async(overlay_wins)
    assert "shop.shipping.shipping_cost" not in names  # the published vector of the old text is not used
    status = await command(client, "aurelis.status")
    assert status["folders"][0]["overlay_files"] == 1


async def wait_until_async(fn, timeout: float = 120.0):
    """Await ``fn()`` (a request to the server) until it returns something truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := await fn()):
        if loop.time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.2)
    return value
