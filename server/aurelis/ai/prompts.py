"""The prompt of each task: a system message and a user message around the context."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prompt:
    task: str
    system: str
    user: str

    def text(self) -> str:
        return f"{self.system}\n\n{self.user}"


_BASE = (
    "You are Aurelis, a coding assistant inside the user's editor. You are given code from their "
    "workspace. Values shown as <redacted:...> were removed on purpose; never ask for them."
)

_CODE_ONLY = (
    " Answer with exactly one fenced code block (```python) containing only the code that replaces "
    "the target, keeping its indentation style; no explanation outside the block."
)

SYSTEM = {
    "explain": _BASE + " Explain the target code clearly and concisely in Markdown.",
    "generate": _BASE + " Write the code the instruction asks for." + _CODE_ONLY,
    "fix": _BASE + " Fix the problem in the target code with the smallest change." + _CODE_ONLY,
    "docstring": _BASE + " Add or rewrite the docstring of the target definition (PEP 257). Answer with the "
    "whole definition including the new docstring in one fenced code block.",
    "tests": _BASE + " Write pytest tests for the target code. Answer with one fenced code block containing "
    "a complete test module (imports included).",
    "review": _BASE + " Review the target code for bugs, security and clarity. Answer with one finding per "
    "line as `LINE: severity: message` (severity is error, warning or info; LINE is the line number shown "
    "in the target), or `NO FINDINGS`.",
    "ask": _BASE + " Answer the question about the workspace using the context. Cite files as `path:line`.",
}


def build(task: str, context: str, *, target: str = "", instruction: str = "", extra: str = "") -> Prompt:
    parts = []
    if context:
        parts.append(f"## Context\n{context}")
    if target:
        parts.append(f"## Target\n```python\n{target}\n```")
    if extra:
        parts.append(extra)
    if instruction:
        parts.append(f"## Instruction\n{instruction}")
    return Prompt(task, SYSTEM[task], "\n\n".join(parts))
