"""A grounded implementation plan for one opportunity, in Markdown.

The prompt holds the opportunity (its rule, message and places), the code of every
place, who calls or references its symbols (jedi, workspace files only) and the
index's most related chunks; the model answers with the goal, numbered steps naming
the files and symbols each touches, risks, and how to verify.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aurelis.ai.chain import Completion
from aurelis.ai.context import Retriever
from aurelis.ai.prompts import Prompt
from aurelis.ai.redaction import redact
from aurelis.ai.tokens import Estimate, for_task
from aurelis.opportunities.model import Opportunity

log = logging.getLogger(__name__)

SYSTEM = (
    "You are Aurelis, planning a refactoring in the user's workspace. Values shown as <redacted:...> were "
    "removed on purpose. Write an implementation plan in Markdown with exactly these sections: "
    "`## Goal` (one paragraph), `## Steps` (a numbered list; each step names the files and the symbols it "
    "touches, in backticks), `## Risks`, `## Verify` (how to check the change: tests, commands). "
    "Ground every step in the code shown; do not invent files or functions that are not there unless a "
    "step creates them."
)

MAX_REFERENCES = 12
MAX_SITE_LINES = 120


@dataclass
class Plan:
    opportunity: Opportunity
    markdown: str
    provider: str = ""
    truncated: bool = False

    def to_json(self) -> dict:
        return {
            "opportunity": self.opportunity.to_json(),
            "markdown": self.markdown,
            "provider": self.provider,
            "truncated": self.truncated,
        }

    @classmethod
    def from_json(cls, data: dict) -> Plan:
        return cls(
            Opportunity.from_json(data["opportunity"]), str(data["markdown"]), str(data.get("provider", ""))
        )


def site_code(root: Path, path: str, start: int, end: int, sources: dict[str, str] | None = None) -> str:
    text = (sources or {}).get(path)
    if text is None:
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    lines = text.splitlines()
    end = min(end, start + MAX_SITE_LINES - 1)
    return "\n".join(lines[start - 1 : end])


def references(root: Path, o: Opportunity) -> list[str]:
    """``path:line: code`` of the places that reference the opportunity's symbols (jedi)."""
    try:
        import jedi

        from aurelis.ai.context import _JEDI_LOCK
    except ImportError:
        return []
    out: list[str] = []
    project = jedi.Project(root)
    for site in o.sites:
        if not site.symbol:
            continue
        path = root / site.path
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        row = next(
            (
                i
                for i in range(site.start_line - 1, min(len(lines), site.end_line))
                if f"def {site.symbol}" in lines[i] or f"class {site.symbol}" in lines[i]
            ),
            None,
        )
        if row is None:
            continue
        col = lines[row].index(site.symbol, lines[row].index("def " if "def " in lines[row] else "class "))
        try:
            with _JEDI_LOCK:
                refs = jedi.Script(path=str(path), project=project).get_references(row + 1, col)
        except Exception as exc:  # jedi on odd code: the plan goes on without references
            log.debug("jedi references failed for %s: %s", site.symbol, exc)
            continue
        for r in refs:
            if r.module_path is None or r.line is None:
                continue
            try:
                rp = Path(r.module_path).resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                continue  # outside the workspace
            if rp == site.path and site.start_line <= r.line <= site.end_line:
                continue  # the definition itself
            entry = f"{rp}:{r.line}: {(r.get_line_code() or '').strip()}"
            if entry not in out:
                out.append(entry)
            if len(out) >= MAX_REFERENCES:
                return out
    return out


def build_prompt(
    root: Path,
    o: Opportunity,
    retriever: Retriever | None = None,
    budget: int = 6000,
    related_k: int = 4,
    estimate: Estimate | None = None,
) -> Prompt:
    """The plan prompt: counted with the provider's ``estimate``, a related hit with the
    embedding tokenizer's count when the index gave one."""
    estimate = estimate or Estimate()
    parts = [
        f"## Opportunity\n{o.title}\nRule {o.code} ({o.kind}), severity {o.severity}, {o.size} lines in "
        f"{len(o.files)} file(s).\n" + "\n".join(f"- {m}" for m in o.messages)
    ]
    for s in o.sites:
        code = site_code(root, s.path, s.start_line, s.end_line)
        parts.append(
            f"## `{s.path}` lines {s.start_line}-{s.end_line}{f' (`{s.symbol}`)' if s.symbol else ''}\n```python\n{code}\n```"
        )
    refs = references(root, o)
    if refs:
        parts.append("## References to these symbols\n" + "\n".join(f"- {r}" for r in refs))
    used = sum(estimate.count(p) for p in parts)
    if retriever is not None and related_k > 0:
        try:
            hits = retriever(
                " ".join(s.symbol for s in o.sites if s.symbol) or o.title,
                related_k + len(o.sites),
                anchor=None,
            )
        except Exception as exc:
            log.warning("index search for the plan failed: %s", exc)
            hits = []
        own = {(s.path, s.start_line) for s in o.sites}
        for h in hits:
            if (h.path, h.start_line) in own:
                continue
            header = f"## Related: `{h.path}` lines {h.start_line}-{h.end_line}\n```python\n"
            section = f"{header}{h.text}\n```"
            cost = estimate.count(section) if h.tokens is None else h.tokens + estimate.count(header) + 2
            if used + cost > budget:
                break
            used += cost
            parts.append(section)
    parts.append("## Instruction\nWrite the implementation plan for this opportunity.")
    return Prompt("plan", SYSTEM, redact("\n\n".join(parts)))


async def make_plan(
    chain: Any,
    root: Path,
    o: Opportunity,
    ai: Any,
    *,
    retriever: Retriever | None = None,
    on_delta=None,
    use_cache: bool = True,
) -> Plan:
    prompt = await asyncio.to_thread(
        build_prompt, root, o, retriever, ai.context_tokens, ai.related_chunks, for_task(ai, "plan")
    )
    done: Completion = await chain.complete(prompt, ai, on_delta=on_delta, use_cache=use_cache)
    markdown = f"# Plan: {o.title}\n\n_Opportunity `{o.id}` · {o.code} · files: {', '.join(f'`{f}`' for f in o.files)}_\n\n{done.text.strip()}\n"
    if done.truncated:
        markdown += "\n_(the plan was cut off at the model's token limit)_\n"
    return Plan(o, markdown, done.provider, done.truncated)
