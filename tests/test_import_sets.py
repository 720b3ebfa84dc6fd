"""Nothing heavy is imported unless something must be encoded.

Each command runs in a fresh `aurelis` process whose loaded modules are written at exit
(``sys.modules`` through an atexit hook, so the imports of the whole run count): the light
commands and a server up to its ``initialize`` answer import no model runtime and no hnswlib;
``index`` with nothing to encode loads no model; ``search`` loads what one query needs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aurelis.workspace.uris import from_path
from tests.test_process import INIT, frame, read_response

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample_workspace"
RUNTIMES = {"onnxruntime", "tokenizers", "torch", "sentence_transformers", "transformers"}
HEAVY = RUNTIMES | {"hnswlib"}

# Runs `aurelis ARGS...` and writes the names of every module loaded by the end of the process.
PROBE = (
    "import atexit, json, os, sys\n"
    "atexit.register(lambda: open(os.environ['AURELIS_PROBE_OUT'], 'w').write(json.dumps(sorted(sys.modules))))\n"
    "from aurelis.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "AURELIS_CACHE_DIR": str(tmp_path / "cache"),
        "AURELIS_PROBE_OUT": str(tmp_path / "modules.json"),
        "HF_HUB_OFFLINE": "1",
    }


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE, ws)
    return ws


def run(env: dict, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode in (0, 1), out.stderr  # check exits 1 on findings
    return out, {m.split(".")[0] for m in json.loads(Path(env["AURELIS_PROBE_OUT"]).read_text())}


@pytest.mark.parametrize(
    "args",
    [["--version"], ["summary", "{ws}"], ["check", "{ws}"], ["check", "--format", "json", "{ws}/shop"]],
    ids=["version", "summary", "check", "check-json"],
)
def test_light_commands_import_no_model_runtime_and_no_hnswlib(env, workspace, args):
    out, loaded = run(env, *(a.format(ws=workspace) for a in args))
    assert loaded & HEAVY == set(), out.stdout[-2000:]
    assert "aurelis" in loaded


def test_check_duplicates_needs_the_index_and_loads_it(env, workspace):
    """The probe sees imports: asking for duplicates builds the index with the model."""
    _, loaded = run(env, "check", "--duplicates", str(workspace))
    assert {"onnxruntime", "hnswlib"} <= loaded
    assert loaded & {"torch", "sentence_transformers", "transformers"} == set()


def test_index_with_nothing_to_encode_loads_no_model_and_search_only_what_one_query_needs(env, workspace):
    first, loaded = run(env, "index", str(workspace))
    assert "onnxruntime" in loaded and "encoded 0," not in first.stdout  # the cold build encodes
    again, loaded = run(env, "index", str(workspace))
    assert "(encoded 0, cached 0)" in again.stdout
    assert loaded & RUNTIMES == set(), again.stdout
    assert "bm25s" not in loaded  # nothing to search: the lexical side is not built either

    hits, loaded = run(env, "search", "shipping cost of a parcel", "--path", str(workspace), "--k", "1")
    assert "shipping_cost" in hits.stdout
    assert {"onnxruntime", "tokenizers", "hnswlib", "bm25s"} <= loaded  # the query vector, both sides
    assert loaded & {"torch", "sentence_transformers", "transformers"} == set()
    _, loaded = run(env, "search", "shipping", "--path", str(workspace), "--mode", "lexical")
    assert loaded & RUNTIMES == set()  # a lexical query needs no model


def test_serve_answers_initialize_without_model_runtime_or_hnswlib(env, workspace):
    proc = subprocess.Popen(
        [sys.executable, "-c", PROBE, "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        uri = from_path(workspace)
        init = {
            **INIT,
            "params": {
                **INIT["params"],
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "ws"}],
            },
        }
        proc.stdin.write(frame(init))
        proc.stdin.flush()
        result = read_response(proc.stdout, 1)["result"]
        assert result["serverInfo"]["name"] == "aurelis"
        for msg in (
            {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
            {"jsonrpc": "2.0", "method": "exit"},
        ):
            proc.stdin.write(frame(msg))
            proc.stdin.flush()
        read_response(proc.stdout, 2)
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
        proc.wait()
    loaded = {m.split(".")[0] for m in json.loads(Path(env["AURELIS_PROBE_OUT"]).read_text())}
    assert loaded & HEAVY == set()
    assert "pygls" in loaded  # it did serve
