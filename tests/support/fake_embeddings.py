"""An OpenAI-compatible ``/v1/embeddings`` server on 127.0.0.1 (the allowed stand-in for a team's
GPU box running text-embeddings-inference, vLLM, llama.cpp or Ollama).

The vectors are real: it encodes with the project's default onnx backend (all-MiniLM-L6-v2), so
searches through it rank like the local model does. What it answers can be scripted, to test
the client's unhappy paths::

    with FakeEmbeddings() as srv:
        srv.base_url                 # "http://127.0.0.1:PORT/v1"
        srv.fail_next(2, status=503) # the next two requests get a 503
        srv.hang_next(1, seconds=5)  # the next request answers after 5 s
        srv.junk_next(1)             # the next request gets a body that is not an embeddings list
        srv.model = "other-model"    # reported back as the serving model
        srv.requests                 # (headers, body) of every request, in order
        srv.texts_encoded            # how many texts reached the model
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aurelis.index.backends import make_backend


class FakeEmbeddings:
    def __init__(self, model: str = "all-MiniLM-L6-v2", dim: int | None = None) -> None:
        self.model = model
        self.dim = dim  # None: the model's own (384); else vectors are cut or padded to it
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.texts_encoded = 0
        self._script: deque[tuple[str, Any]] = deque()
        self._backend = make_backend("onnx")
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- scripting -----------------------------------------------------------------
    def fail_next(self, n: int = 1, status: int = 503) -> None:
        self._script.extend([("status", status)] * n)

    def hang_next(self, n: int = 1, seconds: float = 5.0) -> None:
        self._script.extend([("hang", seconds)] * n)

    def junk_next(self, n: int = 1) -> None:
        self._script.extend([("junk", None)] * n)

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    # -- serving -------------------------------------------------------------------
    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        try:
            body = json.loads(handler.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        with self._lock:
            self.requests.append(({k.lower(): v for k, v in handler.headers.items()}, body))
            step = self._script.popleft() if self._script else None
        if step is not None and step[0] == "status":
            return _send(handler, step[1], {"error": {"message": "scripted failure"}})
        if step is not None and step[0] == "hang":
            time.sleep(step[1])
        if step is not None and step[0] == "junk":
            return _send(handler, 200, {"object": "list", "data": "not a list of vectors"})
        texts = body.get("input")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            return _send(handler, 400, {"error": {"message": "input must be a string or a list of strings"}})
        with self._lock:
            vecs = self._backend.encode(texts)
            self.texts_encoded += len(texts)
        if self.dim is not None:
            vecs = vecs[:, : self.dim]
        data = [{"object": "embedding", "index": i, "embedding": v.tolist()} for i, v in enumerate(vecs)]
        _send(handler, 200, {"object": "list", "model": self.model, "data": data})

    def __enter__(self) -> FakeEmbeddings:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path.rstrip("/") in ("/v1/embeddings", "/embeddings"):
                    owner._answer(self)
                else:
                    _send(self, 404, {"error": {"message": f"no route {self.path}"}})

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _send(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
    data = json.dumps(payload).encode()
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up (a timeout test)
