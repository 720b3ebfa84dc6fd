"""The test provider itself: the three wire formats, scripting, disconnect detection."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx
import pytest

from tests.support.fake_llm import FakeLLM, Hang, Reply, Status


@pytest.fixture
def llm():
    with FakeLLM(reply="hello world from fake") as server:
        yield server


def test_openai_json_and_stream(llm: FakeLLM):
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    r = httpx.post(f"{llm.openai_base_url}/chat/completions", json=body)
    assert r.json()["choices"][0]["message"]["content"] == "hello world from fake"
    text = ""
    with httpx.stream("POST", f"{llm.openai_base_url}/chat/completions", json={**body, "stream": True}) as r:
        for line in r.iter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                text += json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
    assert text == "hello world from fake"
    assert llm.prompt_text(0) == "hi" and len(llm.requests) == 2


def test_ollama_and_anthropic_shapes(llm: FakeLLM):
    r = httpx.post(f"{llm.url}/api/chat", json={"model": "m", "messages": [], "stream": False})
    assert r.json()["message"]["content"] == "hello world from fake"
    with httpx.stream("POST", f"{llm.url}/api/chat", json={"model": "m", "messages": []}) as r:
        parts = [json.loads(line) for line in r.iter_lines() if line]
    assert "".join(p["message"]["content"] for p in parts) == "hello world from fake" and parts[-1]["done"]
    r = httpx.post(f"{llm.url}/v1/messages", json={"model": "m", "system": "sys", "messages": []})
    assert r.json()["content"][0]["text"] == "hello world from fake"
    assert llm.prompt_text(-1) == "sys"


def test_scripted_statuses_then_default(llm: FakeLLM):
    llm.enqueue(Status(500), Status(429, retry_after=2), Reply("scripted"))
    url = f"{llm.openai_base_url}/chat/completions"
    assert httpx.post(url, json={}).status_code == 500
    r = httpx.post(url, json={})
    assert r.status_code == 429 and r.headers["retry-after"] == "2"
    assert httpx.post(url, json={}).json()["choices"][0]["message"]["content"] == "scripted"
    assert httpx.post(url, json={}).json()["choices"][0]["message"]["content"] == "hello world from fake"


def test_hang_sees_client_disconnect(llm: FakeLLM):
    llm.enqueue(Hang(30))
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{llm.openai_base_url}/chat/completions", json={}, timeout=0.3)
    deadline = time.monotonic() + 5
    while not llm.disconnects and time.monotonic() < deadline:
        time.sleep(0.01)
    assert llm.disconnects == [0]


def test_standalone_prints_port_and_can_be_scripted():
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.fake_llm", "--reply", "standalone"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("PORT=")
        base = f"http://127.0.0.1:{int(line[5:])}"
        httpx.post(f"{base}/_control/enqueue", json={"kind": "status", "status": 503})
        assert httpx.post(f"{base}/v1/chat/completions", json={}).status_code == 503
        r = httpx.post(f"{base}/v1/chat/completions", json={"messages": [{"role": "user", "content": "q"}]})
        assert r.json()["choices"][0]["message"]["content"] == "standalone"
        recorded = httpx.get(f"{base}/_control/requests").json()
        assert recorded[-1]["body"]["messages"][0]["content"] == "q"
    finally:
        proc.terminate()
        proc.wait(5)
