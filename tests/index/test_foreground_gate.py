"""The index gives way to the foreground with the real model: a build makes no progress while
the gate is busy and finishes after; encoding pauses before every batch; the model's own
imports (onnxruntime, or torch and sentence-transformers) wait at the gate module by module,
and the loaded model is frozen out of the cyclic garbage collector's full collections."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aurelis.config.index import IndexSettings
from aurelis.index.embedder import Embedder
from aurelis.index.service import WorkspaceIndex
from aurelis.priority import ForegroundGate
from tests.index.workspace_fixture import make_workspace
from tests.priority.support import blocked_at, finish, start
from tests.support.torch_extra import TORCH_MARKS


@pytest.fixture(scope="module")
def embedder(tmp_path_factory):
    emb = Embedder(batch_size=2, cache_dir=tmp_path_factory.mktemp("embeddings"))
    emb.load()
    return emb


def test_encoding_pauses_before_every_batch(embedder):
    calls = []
    texts = [f"def f{i}(x):\n    return x + {i}\n" for i in range(5)]
    vecs = embedder.encode(texts, pause=lambda: calls.append(1))
    assert vecs.shape == (5, embedder.dim)
    assert len(calls) == 3  # batches of 2, 2 and 1
    calls.clear()
    embedder.encode(texts, pause=lambda: calls.append(1))
    assert calls == []  # all cached: no model batch, nothing to pause for


def test_a_build_waits_while_the_foreground_is_busy_and_finishes_after(tmp_path, embedder):
    root = make_workspace(tmp_path / "ws")
    gate = ForegroundGate(grace=0.0, max_wait=None)
    idx = WorkspaceIndex(root, IndexSettings(), embedder, index_dir=tmp_path / "index", gate=gate)

    gate.enter()
    worker = start(idx.build)
    blocked_at(gate)
    status = idx.status()
    assert status["state"] == "indexing" and status["files_indexed"] == 0 and status["chunks"] == 0
    gate.leave()
    finish(worker)
    status = idx.status()
    assert status["state"] == "ready" and status["files_indexed"] > 0 and status["chunks"] > 0
    assert gate.waits >= 1


def test_an_update_waits_while_the_foreground_is_busy(tmp_path, embedder):
    root = make_workspace(tmp_path / "ws")
    idx = WorkspaceIndex(root, IndexSettings(), embedder, index_dir=tmp_path / "index")
    idx.build()
    gate = ForegroundGate(grace=0.0, max_wait=None)
    idx.gate = gate
    path = root / "shop" / "returns.py"
    path.write_text(
        'def refund_window_days():\n    """Days a customer has to send a parcel back."""\n    return 30\n'
    )

    gate.enter()
    worker = start(lambda: idx.update_file(path))
    blocked_at(gate)
    assert idx.chunks_of("shop/returns.py") == []
    gate.leave()
    finish(worker)
    assert [c.short_name for c in idx.chunks_of("shop/returns.py")] == ["refund_window_days"]


# In a fresh interpreter: the runtime must not be imported yet for the load to have anything to pace.
_LOAD_SCRIPT = textwrap.dedent("""
    import gc, json, sys, threading, time
    from aurelis.index.backends.weights import physical_cores
    from aurelis.index.embedder import Embedder
    from aurelis.priority import ForegroundGate

    runtime = sys.argv[2]
    gate = ForegroundGate(grace=0.0, max_wait=None)
    emb = Embedder(backend=sys.argv[1])
    gate.enter()
    loader = threading.Thread(target=emb.load, args=(gate,))
    loader.start()
    while gate.waiting == 0 and loader.is_alive():
        time.sleep(0.005)
    held = {"runtime": runtime in sys.modules, "loaded": emb.loaded}
    gate.leave()
    loader.join()
    print(json.dumps({"held": held, "loaded": emb.loaded, "dim": emb.dim, "waits": gate.waits,
                      "threads": emb.backend.threads, "cores": physical_cores(),
                      "frozen": gc.get_freeze_count()}))
""")


@pytest.mark.parametrize(
    ("backend", "runtime", "frozen"),
    [
        ("onnx", "onnxruntime", 10_000),
        pytest.param("sentence-transformers", "torch", 100_000, marks=TORCH_MARKS),
    ],
)
def test_loading_the_model_imports_its_runtime_at_the_pace_of_the_gate(tmp_path, backend, runtime, frozen):
    env = {
        **os.environ,
        "AURELIS_CACHE_DIR": str(tmp_path),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_SCRIPT, backend, runtime],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["held"] == {"runtime": False, "loaded": False}  # held before the runtime's first module
    assert result["loaded"] is True and result["dim"] == 384
    assert result["waits"] >= 1
    assert result["threads"] == result["cores"]  # index.threads = 0: the physical cores
    assert result["frozen"] > frozen  # the model's objects are out of the cyclic collector's way
