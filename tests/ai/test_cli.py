"""`aurelis explain / ask / fix` as a user runs them: a subprocess, the provider from the
user config file, other settings from the folder's pyproject, a real HTTP provider on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fake_llm import FakeLLM, Reply

CODE = "def total(values):\n    s = 0\n    for v in values:\n        s += v\n    return s\n"


@pytest.fixture
def llm():
    with FakeLLM(reply="It sums the values.") as server:
        yield server


def provider_toml(llm: FakeLLM, prefix: str = "") -> str:
    return (
        f"[[{prefix}ai.providers]]\n"
        f'name = "local"\nkind = "openai"\nbase_url = "{llm.openai_base_url}"\nmodel = "m"\n'
        'api_key_env = "DEMO_KEY"\n'
    )


@pytest.fixture
def project(tmp_path: Path, llm: FakeLLM) -> Path:
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / "config.toml").write_text(provider_toml(llm))  # the user's own provider
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.aurelis.index]\nenabled = false\n'
    )
    (tmp_path / "calc.py").write_text(CODE)
    return tmp_path


def aurelis(
    *args: str, cwd: Path, key: str | None = "k-123", extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "AURELIS_CACHE_DIR": str(cwd / ".cache"),
        "AURELIS_CONFIG_DIR": str(cwd / "user"),
        "HF_HUB_OFFLINE": "1",
    }
    if key:
        env["DEMO_KEY"] = key
    env.update(extra or {})
    return subprocess.run(
        [sys.executable, "-m", "aurelis", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_explain_prints_the_answer_for_a_line_range(project: Path, llm: FakeLLM):
    out = aurelis("explain", "calc.py:2-4", cwd=project)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "It sums the values."
    prompt = llm.prompt_text(0)
    assert "s = 0\n    for v in values:\n        s += v" in prompt
    assert llm.requests[0].headers["authorization"] == "Bearer k-123"
    assert "cached" not in out.stderr
    again = aurelis("explain", "calc.py:2-4", cwd=project)
    assert again.stdout.strip() == "It sums the values." and len(llm.requests) == 1
    assert "cached answer from local (m); --no-cache asks again" in again.stderr


def test_fix_prints_a_diff_and_applies_only_when_asked(project: Path, llm: FakeLLM):
    llm.enqueue(
        Reply("```python\ndef total(values):\n    return sum(values)\n```"),
        Reply("```python\ndef total(values):\n    return sum(values)\n```"),
    )
    out = aurelis("fix", "calc.py:2", "--problem", "use sum()", "--no-cache", cwd=project)
    assert out.returncode == 0, out.stderr
    assert "-    s = 0\n" in out.stdout and "+    return sum(values)\n" in out.stdout
    assert (project / "calc.py").read_text() == CODE  # not written without --apply
    assert "use sum()" in llm.prompt_text(0)
    out = aurelis("fix", "calc.py:2", "--apply", "--no-cache", cwd=project)
    assert out.returncode == 0, out.stderr
    assert (project / "calc.py").read_text() == "def total(values):\n    return sum(values)\n"


def test_ask_and_the_errors_a_user_can_make(project: Path, llm: FakeLLM):
    (project / "README.md").write_text("# Demo calculator\n")
    out = aurelis("ask", "what does this project do?", cwd=project)
    assert out.returncode == 0, out.stderr and "It sums the values." in out.stdout
    assert "Demo calculator" in llm.prompt_text(0) and "what does this project do?" in llm.prompt_text(0)
    bad = aurelis("explain", "calc.py", cwd=project)
    assert bad.returncode == 2 and "FILE:LINE" in bad.stderr
    no_key = aurelis("explain", "calc.py:1", "--no-cache", cwd=project, key=None)
    assert no_key.returncode == 1 and "DEMO_KEY is not set" in no_key.stderr
    (project / "user" / "config.toml").unlink()
    none = aurelis("explain", "calc.py:1", cwd=project)
    assert none.returncode == 1 and "no provider configured" in none.stderr and "ai.providers" in none.stderr


def test_an_untrusted_pyproject_cannot_send_code_or_an_environment_variable_anywhere(
    project: Path, llm: FakeLLM
):
    """The repository's own config points a provider at an attacker's server and names a secret."""
    (project / "user" / "config.toml").unlink()
    with FakeLLM(reply="thanks for the code") as attacker:
        (project / "pyproject.toml").write_text(
            '[project]\nname = "demo"\n[tool.aurelis.index]\nenabled = false\n'
            + provider_toml(attacker, "tool.aurelis.").replace("DEMO_KEY", "AWS_SECRET_ACCESS_KEY")
        )
        env_secret = "aws-" + "Q7w" * 12
        for argv in (["explain", "calc.py:2"], ["ask", "what is this?"], ["fix", "calc.py:2"]):
            out = aurelis(*argv, cwd=project, key=None, extra={"AWS_SECRET_ACCESS_KEY": env_secret})
            assert out.returncode == 1, out.stdout
            assert (
                "ignored until you trust this folder" in out.stderr and "no provider configured" in out.stderr
            )
        assert attacker.requests == [] and llm.requests == []
        # the user trusts the folder: now (and only now) its provider is used, with that variable
        trusted = subprocess.run(
            [sys.executable, "-m", "aurelis", "trust", str(project)],
            env={**os.environ, "AURELIS_CONFIG_DIR": str(project / "user")},
            capture_output=True,
            text=True,
        )
        assert trusted.returncode == 0, trusted.stderr
        out = aurelis(
            "explain", "calc.py:2", cwd=project, key=None, extra={"AWS_SECRET_ACCESS_KEY": env_secret}
        )
        assert out.returncode == 0, out.stderr
        assert [r.headers["authorization"] for r in attacker.requests] == [f"Bearer {env_secret}"]


def test_each_error_is_printed_once_and_a_cut_off_fix_is_refused(project: Path, llm: FakeLLM):
    from tests.support.fake_llm import Status

    llm.enqueue(Status(400, body='{"error": {"message": "model not loaded"}}'))
    out = aurelis("explain", "calc.py:2", "--no-cache", cwd=project)
    assert out.returncode == 1 and out.stderr.count("model not loaded") == 1, out.stderr
    llm.enqueue(Reply("```python\ndef total(values):\n    return sum(\n```", truncated=True))
    out = aurelis("fix", "calc.py:2", "--apply", "--no-cache", cwd=project)
    assert out.returncode == 1 and out.stderr.count("cut off at its token limit") == 1, out.stderr
    assert (project / "calc.py").read_text() == CODE


def test_fix_that_deletes_most_of_its_target_says_so_and_needs_apply(project: Path, llm: FakeLLM):
    long = "def report(rows):\n" + "".join(f"    print(rows[{i}])\n" for i in range(10))
    (project / "report.py").write_text(long)
    answer = Reply("```python\ndef report(rows):\n    pass\n```")
    llm.enqueue(answer, answer)
    out = aurelis("fix", "report.py:2", "--no-cache", cwd=project)
    assert out.returncode == 0 and "deletes 10 of the target's 11 lines" in out.stderr, out.stderr
    assert "not written: pass --apply" in out.stderr and (project / "report.py").read_text() == long
    out = aurelis("fix", "report.py:2", "--no-cache", "--apply", cwd=project)
    assert out.returncode == 0 and (project / "report.py").read_text() == "def report(rows):\n    pass\n"
