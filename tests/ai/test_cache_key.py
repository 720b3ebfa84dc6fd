"""The AI response cache is keyed by what decides the answer: switching server, model or a
request parameter never brings back another configuration's answer; a cached answer says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aurelis.ai.cache import ResponseCache
from aurelis.ai.chain import ProviderChain
from aurelis.ai.prompts import Prompt
from aurelis.config.ai import AISettings
from tests.support.fake_llm import FakeLLM, Status

PROMPT = Prompt("explain", "system words", "user words")


def ai(base_url: str, **extra) -> AISettings:
    provider = {"name": "same-name", "base_url": base_url, "model": "m", "stream": False, **extra}
    return AISettings.model_validate({"providers": [provider], "retries": 0})


@pytest.mark.parametrize(
    "change", [{"temperature": 0.9}, {"max_tokens": 77}, {"model": "other"}, {"kind": "ollama"}]
)
async def test_each_request_parameter_is_part_of_the_key(tmp_path: Path, change: dict):
    with FakeLLM(reply="first") as llm:
        chain = ProviderChain(ResponseCache(tmp_path / "c"), env={})
        base = llm.url if change.get("kind") == "ollama" else llm.openai_base_url
        first = await chain.complete(PROMPT, ai(llm.openai_base_url))
        again = await chain.complete(PROMPT, ai(llm.openai_base_url))
        assert (first.cached, again.cached, again.text) == (False, True, "first")
        llm.default_reply = "second"
        changed = await chain.complete(PROMPT, ai(base, **change))
        assert (changed.cached, changed.text) == (False, "second")
        await chain.aclose()


async def test_another_server_never_gets_the_old_servers_answer(tmp_path: Path):
    with FakeLLM(reply="from A") as a, FakeLLM(reply="from B") as b:
        chain = ProviderChain(ResponseCache(tmp_path / "c"), env={})
        assert (await chain.complete(PROMPT, ai(a.openai_base_url))).text == "from A"
        switched = await chain.complete(PROMPT, ai(b.openai_base_url))
        assert (switched.text, switched.cached, len(b.requests)) == ("from B", False, 1)
        # a trailing slash is the same server
        assert (await chain.complete(PROMPT, ai(b.openai_base_url + "/"))).cached is True
        await chain.aclose()


async def test_an_error_body_echoing_the_key_is_scrubbed(tmp_path: Path):
    key = "sk-" + "Kd93" * 8
    with FakeLLM() as llm:
        body = json.dumps({"error": {"message": f"bad key {key}; Authorization: Bearer {key}"}})
        llm.enqueue(Status(401, body=body))
        chain = ProviderChain(ResponseCache(tmp_path / "c"), env={"K": key})
        with pytest.raises(Exception) as err:
            await chain.complete(PROMPT, ai(llm.openai_base_url, api_key_env="K"))
        assert "HTTP 401: bad key <redacted:api-key>" in str(err.value) and key not in str(err.value)
        await chain.aclose()
