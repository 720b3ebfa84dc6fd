"""The AI tasks (explain, generate, fix, docstring, tests, review, ask) as plain
coroutines over a private document snapshot. The LSP layer and the CLI drive it;
neither the prompt nor the edit logic knows about the protocol.

Context building (tree walks, jedi, index search) runs on a worker thread; the
provider call is async I/O on the caller's loop, so cancelling the caller's task
aborts the HTTP request.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path

from aurelis.ai import context as ctxmod
from aurelis.ai import edits, prompts
from aurelis.ai.chain import Completion, ProviderChain
from aurelis.ai.errors import EditRejected
from aurelis.ai.providers.base import OnDelta
from aurelis.ai.redaction import redact, restore
from aurelis.config.ai import AISettings
from aurelis.workspace.document import Document


@dataclass
class Target:
    """What a task works on: a snapshot (never the live document) and a byte range."""

    doc: Document
    start: int
    end: int
    root: Path | None = None
    retriever: ctxmod.Retriever | None = None


@dataclass
class TextAnswer:
    text: str
    completion: Completion
    citations: list[tuple[str, int]] = field(default_factory=list)  # (path, 1-based line)


@dataclass
class EditAnswer:
    """``edit`` is None when the answer could not be applied safely; ``error`` says why."""

    answer: str
    completion: Completion
    edit: edits.PlannedEdit | None
    error: str | None = None
    path: Path | None = None  # for tests: the file the edit is for (None = the target document)
    base_text: str = ""  # the text ``edit`` offsets refer to


@dataclass
class Finding:
    line: int  # 1-based
    severity: str  # error | warning | info
    message: str


@dataclass
class ReviewAnswer:
    findings: list[Finding]
    completion: Completion
    answer: str


_FINDING = re.compile(
    r"^\s*[-*]?\s*(?:line\s*)?(\d+)\s*[:|-]\s*(error|warning|info|hint)\s*[:|-]\s*(.+)$", re.IGNORECASE
)
_DEF = re.compile(r"\s*(@|def |async def |class )")
_CITATION = re.compile(r"`?([\w./\\-]+\.[A-Za-z]{1,5}):(\d+)`?")


class AIService:
    def __init__(self, chain: ProviderChain | None = None) -> None:
        self.chain = chain or ProviderChain()

    async def _context(self, target: Target, ai: AISettings, **kw) -> ctxmod.Context:
        return await asyncio.to_thread(
            ctxmod.build,
            target.doc,
            target.start,
            target.end,
            budget=ai.context_tokens,
            root=target.root,
            retriever=target.retriever,
            related_k=ai.related_chunks,
            **kw,
        )

    async def _ask(
        self, prompt: prompts.Prompt, ai: AISettings, on_delta: OnDelta | None, use_cache: bool
    ) -> Completion:
        return await self.chain.complete(prompt, ai, on_delta=on_delta, use_cache=use_cache)

    # -- text answers ------------------------------------------------------------------
    async def explain(
        self, t: Target, ai: AISettings, *, on_delta: OnDelta | None = None, use_cache: bool = True
    ) -> TextAnswer:
        ctx = await self._context(t, ai)
        prompt = prompts.build("explain", ctx.render(), target=ctx.target)
        done = await self._ask(prompt, ai, on_delta, use_cache)
        return TextAnswer(done.text, done)

    async def ask(
        self,
        question: str,
        ai: AISettings,
        *,
        doc: Document | None = None,
        root: Path | None = None,
        retriever: ctxmod.Retriever | None = None,
        on_delta: OnDelta | None = None,
        use_cache: bool = True,
    ) -> TextAnswer:
        snapshot = doc or Document("file:///question", "", None, "python")
        t = Target(snapshot, 0, 0, root, retriever)
        ctx = await self._context(t, ai, summary=True, query=question, with_target=False)
        prompt = prompts.build("ask", ctx.render(), instruction=redact(question))
        done = await self._ask(prompt, ai, on_delta, use_cache)
        known = {s.path for s in ctx.sections if s.path}
        cites: list[tuple[str, int]] = []
        for m in _CITATION.finditer(done.text):
            if (m.group(1), int(m.group(2))) not in cites and (
                not known or m.group(1) in known or root is None or (root / m.group(1)).is_file()
            ):
                cites.append((m.group(1), int(m.group(2))))
        if not cites:  # no explicit citation: the context the answer was grounded in
            cites = [(s.path, s.line) for s in ctx.sections if s.path and s.line]
        return TextAnswer(done.text, done, cites)

    async def review(
        self, t: Target, ai: AISettings, *, on_delta: OnDelta | None = None, use_cache: bool = True
    ) -> ReviewAnswer:
        ctx = await self._context(t, ai)
        prompt = prompts.build("review", ctx.render(), target=ctx.numbered_target())
        done = await self._ask(prompt, ai, on_delta, use_cache)
        first, last = ctx.target_line, ctx.target_line + ctx.target.count("\n")
        findings = []
        for line in done.text.splitlines():
            m = _FINDING.match(line)
            if m:
                n = min(max(int(m.group(1)), first), last)
                sev = m.group(2).lower().replace("hint", "info")
                findings.append(Finding(n, sev, m.group(3).strip()))
        return ReviewAnswer(findings, done, done.text)

    # -- edits -------------------------------------------------------------------------
    async def generate(
        self,
        t: Target,
        instruction: str,
        ai: AISettings,
        *,
        insert: bool,
        on_delta: OnDelta | None = None,
        use_cache: bool = True,
    ) -> EditAnswer:
        ctx = await self._context(t, ai)
        target = ctx.target if not insert else ""
        extra = ""
        if insert:
            line = t.doc.source.count(b"\n", 0, t.start) + 1
            extra = f"## Insert at line {line}\nSurrounding code:\n```python\n{ctx.target}\n```"
        prompt = prompts.build(
            "generate", ctx.render(), target=target, instruction=redact(instruction), extra=extra
        )
        done = await self._ask(prompt, ai, on_delta, use_cache)
        text = t.doc.text
        offset = ctxmod.char_offset(t.doc, t.start)
        if insert:
            return self._plan(
                done, text, lambda a: edits.plan_insert(text, offset, a, t.doc.language_id, t.doc.tree)
            )
        return self._plan_replace(done, t, text)

    async def fix(
        self,
        t: Target,
        ai: AISettings,
        *,
        problem: str = "",
        on_delta: OnDelta | None = None,
        use_cache: bool = True,
    ) -> EditAnswer:
        ctx = await self._context(t, ai, prefer_definition=True)
        extra = f"## Problem\n{redact(problem)}" if problem else ""
        if problem and t.end > t.start:
            line = t.doc.source.count(b"\n", 0, t.start) + 1
            extra += f" (at line {line}: `{redact(t.doc.source[t.start : t.end].decode('utf-8', 'replace'))[:200]}`)"
        prompt = prompts.build(
            "fix",
            ctx.render(),
            target=ctx.target,
            extra=extra,
            instruction="Return the corrected target code.",
        )
        done = await self._ask(prompt, ai, on_delta, use_cache)
        span = (ctx.target_start, ctx.target_end)
        code = edits.extract_code(done.text, t.doc.language_id) or ""
        if _DEF.match(ctx.target) and code.strip() and not _DEF.match(code.lstrip("\n")):
            span = None  # the model answered with the fixed lines only: replace just those
        return self._plan_replace(done, t, t.doc.text, span)

    async def docstring(
        self, t: Target, ai: AISettings, *, on_delta: OnDelta | None = None, use_cache: bool = True
    ) -> EditAnswer:
        node = ctxmod.enclosing_definition(t.doc, t.start, t.start)
        if node is None:
            raise EditRejected(
                "Aurelis AI: put the cursor inside a function or class to write its docstring.", ""
            )
        t = Target(t.doc, node.start_byte, node.end_byte, t.root, t.retriever)
        ctx = await self._context(t, ai)
        prompt = prompts.build("docstring", ctx.render(), target=ctx.target)
        done = await self._ask(prompt, ai, on_delta, use_cache)
        return self._plan_replace(done, t, t.doc.text, (ctx.target_start, ctx.target_end))

    async def tests(
        self,
        t: Target,
        ai: AISettings,
        *,
        existing: str | None,
        test_path: Path,
        module: str,
        on_delta: OnDelta | None = None,
        use_cache: bool = True,
    ) -> EditAnswer:
        ctx = await self._context(t, ai)
        extra = f"## Module\nImport the code under test from `{module}`. The tests go to `{test_path.name}`."
        if existing:
            extra += (
                f"\nThat file already has:\n```python\n{redact(existing[:4000])}\n```\nWrite only new tests."
            )
        prompt = prompts.build("tests", ctx.render(), target=ctx.target, extra=extra)
        done = await self._ask(prompt, ai, on_delta, use_cache)
        base = existing or ""
        answer = self._plan(done, base, lambda a: edits.plan_append(base, a, "python"))
        answer.path = test_path
        return answer

    # -- helpers -------------------------------------------------------------------------
    def _plan_replace(
        self, done: Completion, t: Target, text: str, span: tuple[int, int] | None = None
    ) -> EditAnswer:
        if span is None:
            start, end = ctxmod.char_offset(t.doc, t.start), ctxmod.char_offset(t.doc, t.end)
        else:
            start, end = span
        original = text[start:end]
        return self._plan(
            done,
            text,
            lambda a: edits.plan_replace(
                text, start, end, restore(a, original), t.doc.language_id, t.doc.tree
            ),
        )

    @staticmethod
    def _plan(done: Completion, text: str, make) -> EditAnswer:
        try:
            planned = make(done.text)
        except EditRejected as exc:
            return EditAnswer(done.text, done, None, str(exc), base_text=text)
        if planned.is_noop():
            return EditAnswer(
                done.text, done, None, "Aurelis AI: the answer changes nothing.", base_text=text
            )
        return EditAnswer(done.text, done, planned, base_text=text)
