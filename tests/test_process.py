"""The `aurelis` process: version, stdio shutdown/exit codes, TCP transport, light start-up."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

from aurelis import __version__

AURELIS = [sys.executable, "-m", "aurelis"]


def frame(msg: dict) -> bytes:
    body = json.dumps(msg).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def read_frame(stream) -> dict:
    length = None
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("server closed the stream")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


def read_response(stream, msg_id) -> dict:
    while True:
        msg = read_frame(stream)
        if msg.get("id") == msg_id and "method" not in msg:
            return msg


INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"processId": None, "rootUri": None, "capabilities": {}},
}


def test_version():
    out = subprocess.run([*AURELIS, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"aurelis {__version__}"


@pytest.mark.parametrize(("shutdown_first", "code"), [(True, 0), (False, 1)])
def test_exit_code_follows_shutdown(shutdown_first, code):
    proc = subprocess.Popen(
        [*AURELIS, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        proc.stdin.write(frame(INIT))
        proc.stdin.flush()
        assert "capabilities" in read_response(proc.stdout, 1)["result"]
        if shutdown_first:
            proc.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            proc.stdin.flush()
            assert read_response(proc.stdout, 2)["result"] is None
        proc.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.flush()
        assert proc.wait(timeout=20) == code
    finally:
        if proc.poll() is None:
            proc.kill()


def test_tcp_transport():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*AURELIS, "serve", "--tcp", f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
        with conn:
            conn.sendall(frame(INIT))
            stream = conn.makefile("rb")
            result = read_response(stream, 1)["result"]
            assert result["serverInfo"] == {"name": "aurelis", "version": __version__}
            assert result["capabilities"]["textDocumentSync"]["change"] == 2
    finally:
        proc.kill()
        proc.wait()


def test_bad_tcp_address_is_a_usage_error():
    out = subprocess.run([*AURELIS, "serve", "--tcp", "nonsense"], capture_output=True, text=True)
    assert out.returncode != 0 and "HOST:PORT" in out.stderr


def test_server_start_imports_nothing_heavy():
    code = (
        "import sys\n"
        "from aurelis.lsp.server import create_server\n"
        "create_server()\n"
        "heavy = sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'jedi') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
