"""One source of truth for the index state: while a build runs, `aurelis.status` and the
work-done progress count the same files (the status bar used to say `files_indexed 0` while
the progress said 28/83)."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_support import SERVER_COMMAND, capabilities, command, prepare

CACHE = tempfile.mkdtemp(prefix="aurelis-index-status-")
ENV = {**os.environ, "AURELIS_CACHE_DIR": CACHE, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
FILES = 40


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=ENV))
async def client(lsp_client: LanguageClient, tmp_path):
    prepare(lsp_client)
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    for i in range(FILES):
        (root / "pkg" / f"mod{i}.py").write_text(
            f'def compute_{i}(values):\n    """Sum of the values times {i}."""\n    return sum(values) * {i}\n'
        )
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=["utf-8"]),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
            initialization_options={"index": {"batch_size": 4}},
        )
    )
    yield
    await lsp_client.shutdown_session()


def _values(client):
    return [v for vs in client.progress_reports.values() for v in vs]


async def test_status_and_progress_count_the_same_files(client: LanguageClient):
    samples = []
    while not any(isinstance(v, types.WorkDoneProgressEnd) for v in _values(client)):
        status = await command(client, "aurelis.status")
        samples.append((status["state"], status["files_done"], status["files_total"]))
        await asyncio.sleep(0.05)
    reports = [v for v in _values(client) if isinstance(v, types.WorkDoneProgressReport)]
    counts = [tuple(map(int, re.fullmatch(r"(\d+)/(\d+) files", r.message).groups())) for r in reports]
    assert counts and all(total == FILES for _done, total in counts)
    assert counts[-1] == (FILES, FILES)
    # every report's percentage is its own count's
    assert all(r.percentage == int(100 * d / t) for r, (d, t) in zip(reports, counts, strict=True))
    during = [(d, t) for state, d, t in samples if state == "indexing" and t]
    assert all(t == FILES and 0 <= d <= FILES for d, t in during), samples
    final = await command(client, "aurelis.status")
    assert (final["state"], final["files_done"], final["files_total"]) == ("ready", FILES, FILES)
    assert final["files_indexed"] == FILES
