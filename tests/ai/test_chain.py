"""The provider chain against a real HTTP provider on 127.0.0.1: wire formats,
streaming, retries, fallback, rate limit, cache and cancellation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from aurelis.ai.cache import ResponseCache
from aurelis.ai.chain import ProviderChain
from aurelis.ai.errors import AllProvidersFailed, NoProviderError
from aurelis.ai.prompts import Prompt
from aurelis.config.ai import AISettings
from tests.lsp_support import wait_until
from tests.support.fake_llm import FakeLLM, Hang, Reply, Status

PROMPT = Prompt("explain", "system words", "user words")


@pytest.fixture
def llm():
    with FakeLLM(reply="the answer") as server:
        yield server


@pytest.fixture
def chain(tmp_path: Path):
    return ProviderChain(ResponseCache(tmp_path / "cache"), env={"KEY": "secret-key-1"})


def ai(*providers: dict, **extra) -> AISettings:
    return AISettings.model_validate({"providers": list(providers), "backoff": 0.01, "cache": False, **extra})


def p(llm: FakeLLM, name: str = "p", kind: str = "openai", **extra) -> dict:
    base = llm.openai_base_url if kind == "openai" else llm.url
    return {"name": name, "kind": kind, "base_url": base, "model": "m", **extra}


@pytest.mark.parametrize("kind", ["openai", "ollama", "anthropic"])
@pytest.mark.parametrize("stream", [True, False])
async def test_each_wire_format_streams_or_not(chain: ProviderChain, llm: FakeLLM, kind: str, stream: bool):
    llm.enqueue(Reply("one two three four five", chunks=5))
    seen: list[str] = []
    done = await chain.complete(
        PROMPT, ai(p(llm, kind=kind, stream=stream, api_key_env="KEY")), on_delta=seen.append
    )
    assert done.text == "one two three four five"
    assert llm.requests[0].body["stream"] is stream
    if stream:
        assert len(seen) == 5 and seen[-1] == done.text and seen[0] == "one t"  # text so far, per chunk
    assert "system words" in llm.prompt_text(0) and "user words" in llm.prompt_text(0)
    headers = llm.requests[0].headers
    assert headers.get("authorization") == "Bearer secret-key-1" or headers.get("x-api-key") == "secret-key-1"
    await chain.aclose()


async def test_client_error_is_not_retried_but_falls_back(chain: ProviderChain, llm: FakeLLM):
    with FakeLLM(reply="backup") as other:
        llm.enqueue(Status(401, body='{"error": {"message": "bad key"}}'))
        done = await chain.complete(PROMPT, ai(p(llm, "a"), p(other, "b"), retries=3))
        assert done.provider == "b" and len(llm.requests) == 1
    await chain.aclose()


async def test_retry_after_longer_than_max_backoff_moves_on(chain: ProviderChain, llm: FakeLLM):
    with FakeLLM(reply="backup") as other:
        llm.enqueue(Status(429, retry_after=120))
        done = await chain.complete(PROMPT, ai(p(llm, "a"), p(other, "b"), retries=3, max_backoff=5))
        assert done.provider == "b" and len(llm.requests) == 1
    await chain.aclose()


async def test_every_provider_failing_names_each_failure(chain: ProviderChain, llm: FakeLLM):
    llm.enqueue(Status(500), Status(500))
    with pytest.raises(AllProvidersFailed) as info:
        await chain.complete(PROMPT, ai(p(llm, "a"), p(llm, "nokey", api_key_env="UNSET"), retries=1))
    message = str(info.value)
    assert "a: HTTP 500" in message and "nokey: environment variable UNSET is not set" in message
    assert len(llm.requests) == 2
    with pytest.raises(NoProviderError, match=r"ai\.providers"):
        await chain.complete(PROMPT, ai())
    await chain.aclose()


async def test_broken_connection_is_retried(chain: ProviderChain, llm: FakeLLM):
    from tests.support.fake_llm import Drop

    llm.enqueue(Drop())
    done = await chain.complete(PROMPT, ai(p(llm), retries=1))
    assert done.text == "the answer" and done.attempts == 2
    await chain.aclose()


async def test_client_side_rate_limit_spaces_requests(chain: ProviderChain, llm: FakeLLM):
    await chain.complete(PROMPT, ai(p(llm, "warm-up")))  # open the connection first
    settings = ai(p(llm, requests_per_minute=300))  # one request every 0.2 s
    for _ in range(3):
        await chain.complete(PROMPT, settings)
    gaps = [b.at - a.at for a, b in zip(llm.requests[1:], llm.requests[2:], strict=False)]
    assert all(g >= 0.18 for g in gaps), gaps
    await chain.aclose()


async def test_cache_is_keyed_by_provider_model_and_prompt(chain: ProviderChain, llm: FakeLLM):
    settings = ai(p(llm), cache=True)
    first = await chain.complete(PROMPT, settings)
    again = await chain.complete(PROMPT, settings)
    assert (first.cached, again.cached, len(llm.requests)) == (False, True, 1)
    await chain.complete(Prompt("explain", "system words", "other user words"), settings)
    await chain.complete(PROMPT, ai(p(llm, model="m2"), cache=True))
    assert len(llm.requests) == 3  # a new prompt and a new model both miss
    await chain.complete(PROMPT, settings, use_cache=False)
    assert len(llm.requests) == 4
    await chain.aclose()


async def test_cancelling_the_task_closes_the_connection(chain: ProviderChain, llm: FakeLLM):
    llm.enqueue(Hang(30))
    task = asyncio.ensure_future(chain.complete(PROMPT, ai(p(llm))))
    await wait_until(lambda: llm.requests)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await wait_until(lambda: llm.disconnects == [0])
    await chain.aclose()


@pytest.mark.parametrize(
    "kind, base, url",
    [
        ("openai", "https://api.openai.com/v1", "https://api.openai.com/v1/chat/completions"),
        ("openai", "http://localhost:8080", "http://localhost:8080/v1/chat/completions"),
        (
            "openai",
            "https://models.github.ai/inference",
            "https://models.github.ai/inference/chat/completions",
        ),
        (
            "openai",
            "https://generativelanguage.googleapis.com/v1beta/openai/",
            "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions",
        ),
        (
            "openai",
            "https://res.openai.azure.com/openai/v1/",
            "https://res.openai.azure.com/openai/v1/chat/completions",
        ),
        ("anthropic", "https://api.anthropic.com", "https://api.anthropic.com/v1/messages"),
        ("anthropic", "https://api.anthropic.com/v1", "https://api.anthropic.com/v1/messages"),
        ("ollama", "http://localhost:11434", "http://localhost:11434/api/chat"),
    ],
)
def test_endpoint_urls_follow_each_provider_convention(kind: str, base: str, url: str):
    from aurelis.ai import providers
    from aurelis.config.ai import ProviderSettings

    provider = providers.make(ProviderSettings(name="x", kind=kind, base_url=base, model="m"), "k")
    assert provider.request(PROMPT, stream=False)[0] == url


@pytest.mark.parametrize("kind", ["openai", "ollama", "anthropic"])
@pytest.mark.parametrize("stream", [True, False])
async def test_an_answer_cut_off_at_the_token_limit_is_marked_and_not_cached(
    tmp_path: Path, llm: FakeLLM, kind: str, stream: bool
):
    chain = ProviderChain(ResponseCache(tmp_path / "cache"), env={})
    settings = ai(p(llm, kind=kind, stream=stream), cache=True)
    llm.enqueue(Reply("def f(x):\n    return", truncated=True), Reply("complete answer"))
    first = await chain.complete(PROMPT, settings)
    assert first.truncated is True and first.text == "def f(x):\n    return"
    second = await chain.complete(PROMPT, settings)  # the cut-off answer was not cached: asked again
    assert second.truncated is False and second.text == "complete answer" and not second.cached
    assert len(llm.requests) == 2
    await chain.aclose()
