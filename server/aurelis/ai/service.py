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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aurelis.ai import context as ctxmod
from aurelis.ai import docstrings, edits, guard, prompts, targets, tokens, verify
from aurelis.ai.chain import Completion, ProviderChain
from aurelis.ai.errors import EditRejected
from aurelis.ai.providers.base import OnDelta
from aurelis.ai.redaction import redact, restore
from aurelis.config.ai import AISettings
from aurelis.config.analysis import AnalysisSettings
from aurelis.workspace.document import Document


@dataclass
class Target:
    """What a task works on: a snapshot (never the live document) and a byte range of its source.
    Every offset in ``ai/`` is a byte offset into ``doc.source`` (tree-sitter's); only the LSP
    layer and the CLI convert, once, from and to positions."""

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
    base: bytes = b""  # the source ``edit``'s byte offsets refer to
    confirm: str | None = None  # set: the edit needs the user's explicit confirmation, and why


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
    error: str | None = None  # the answer could not be read as findings (never reported as clean)


_FINDING = re.compile(
    r"^\s*[-*]?\s*(?:line\s*)?(\d+)\s*[:|-]\s*(error|warning|info|hint)\s*[:|-]\s*(.+)$", re.IGNORECASE
)
_NO_FINDINGS = re.compile(r"^\W*no findings\W*$", re.IGNORECASE | re.MULTILINE)
_DEF = re.compile(r"\s*(@|def |async def |class )")
_CITATION = re.compile(r"`?([\w./\\-]+\.[A-Za-z]{1,5}):(\d+)`?")


class AIService:
    def __init__(self, chain: ProviderChain | None = None) -> None:
        self.chain = chain or ProviderChain()
        self.inflight: set[asyncio.Task[Any]] = set()  # commands running now: cancelled at shutdown

    def cancel_all(self) -> None:
        for task in list(self.inflight):
            task.cancel()

    async def _context(self, task: str, target: Target, ai: AISettings, **kw: Any) -> ctxmod.Context:
        return await asyncio.to_thread(
            ctxmod.build,
            target.doc,
            target.start,
            target.end,
            budget=ai.context_tokens,
            estimate=tokens.for_task(ai, task),
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
        ctx = await self._context("explain", t, ai)
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
        ctx = await self._context("ask", t, ai, summary=True, query=question, with_target=False)
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
        ctx = await self._context("review", t, ai)
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
        error = None
        if done.truncated:
            error = truncated_message(done, ai)
        elif not findings and not _NO_FINDINGS.search(done.text):
            error = (
                "Aurelis AI: the review answer could not be read as findings "
                "(expected `LINE: severity: message` lines or NO FINDINGS); the code was not judged clean."
            )
        return ReviewAnswer(findings, done, done.text, error)

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
        ctx = await self._context("generate", t, ai)
        target = ctx.target if not insert else ""
        extra = ""
        if insert:
            line = t.doc.source.count(b"\n", 0, t.start) + 1
            extra = f"## Insert at line {line}\nSurrounding code:\n```python\n{ctx.target}\n```"
        prompt = prompts.build(
            "generate", ctx.render(), target=target, instruction=redact(instruction), extra=extra
        )
        done = await self._ask(prompt, ai, on_delta, use_cache)
        source = t.doc.source
        if insert:
            return self._plan(
                done,
                source,
                lambda a: edits.plan_insert(source, t.start, a, t.doc.language_id, t.doc.tree),
                ai=ai,
            )
        return self._plan_replace(done, t, ai=ai)

    async def fix(
        self,
        t: Target,
        ai: AISettings,
        *,
        problem: str = "",
        code: str | None = None,
        analysis: AnalysisSettings | None = None,
        on_delta: OnDelta | None = None,
        use_cache: bool = True,
    ) -> EditAnswer:
        """``code``: the diagnostic's code; an Aurelis rule's finding must be gone after the edit."""
        ctx = await self._context("fix", t, ai, prefer_definition=True)
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
        span: tuple[int, int] | None = (ctx.target_start, ctx.target_end)
        fixed = edits.extract_code(done.text, t.doc.language_id) or ""
        if _DEF.match(ctx.target) and fixed.strip() and not _DEF.match(fixed.lstrip("\n")):
            span = None  # the model answered with the fixed lines only: replace just those
        answer = self._plan_replace(done, t, span, ai=ai)
        if answer.edit is not None:
            reason = await asyncio.to_thread(
                verify.check, t.doc, answer.edit.result, code=code, settings=analysis, root=t.root
            )
            if reason is not None:
                answer.edit, answer.confirm = None, None
                answer.error = f"Aurelis AI: the suggested fix was not applied: {reason}."
        return answer

    async def docstring(
        self, t: Target, ai: AISettings, *, on_delta: OnDelta | None = None, use_cache: bool = True
    ) -> EditAnswer:
        definition = targets.docstring_target(t.doc, t.start)
        if definition is None:
            raise EditRejected(
                "Aurelis AI: put the cursor on a function or class (its name or header line) "
                "to write its docstring.",
                "",
            )
        outer = definition.outer
        t = Target(t.doc, outer.start_byte, outer.end_byte, t.root, t.retriever)
        ctx = await self._context("docstring", t, ai)
        prompt = prompts.build(
            "docstring",
            ctx.render(),
            target=ctx.target,
            instruction=f"Document the {definition.kind} `{definition.name}`.",
        )
        done = await self._ask(prompt, ai, on_delta, use_cache)
        snapshot = t.doc
        return self._plan(
            done, snapshot.source, lambda a: docstrings.plan(snapshot, definition, a), ai=ai, guarded=False
        )

    async def tests(
        self,
        t: Target,
        ai: AISettings,
        *,
        existing: bytes | None,
        test_path: Path,
        module: str,
        on_delta: OnDelta | None = None,
        use_cache: bool = True,
    ) -> EditAnswer:
        ctx = await self._context("tests", t, ai)
        extra = f"## Module\nImport the code under test from `{module}`. The tests go to `{test_path.name}`."
        if existing:
            extra += (
                f"\nThat file already has:\n```python\n{redact(existing[:4000].decode('utf-8', 'replace'))}\n```"
                "\nWrite only new tests."
            )
        prompt = prompts.build("tests", ctx.render(), target=ctx.target, extra=extra)
        done = await self._ask(prompt, ai, on_delta, use_cache)
        base = existing or b""
        answer = self._plan(done, base, lambda a: edits.plan_append(base, a, "python"), ai=ai, guarded=False)
        answer.path = test_path
        return answer

    # -- helpers -------------------------------------------------------------------------
    def _plan_replace(
        self,
        done: Completion,
        t: Target,
        span: tuple[int, int] | None = None,
        *,
        ai: AISettings | None = None,
    ) -> EditAnswer:
        source = t.doc.source
        start, end = span or (t.start, t.end)
        original = source[start:end].decode("utf-8", "surrogatepass")  # what redaction may restore
        return self._plan(
            done,
            source,
            lambda a: edits.plan_replace(
                source, start, end, restore(a, original), t.doc.language_id, t.doc.tree
            ),
            ai=ai,
            target=(start, end),
        )

    @staticmethod
    def _plan(
        done: Completion,
        source: bytes,
        make: Callable[[str], edits.PlannedEdit],
        *,
        ai: AISettings | None = None,
        target: tuple[int, int] | None = None,
        guarded: bool = True,
    ) -> EditAnswer:
        """Plan the edit of ``done``'s answer; ``target`` (byte span) bounds what it may touch."""
        if done.truncated:  # half an answer is never applied
            return EditAnswer(done.text, done, None, truncated_message(done, ai), base=source)
        try:
            planned = make(done.text)
            if guarded and target is not None:
                guard.inside(source, planned, target[0], target[1], done.text)
        except EditRejected as exc:
            return EditAnswer(done.text, done, None, str(exc), base=source)
        if planned.is_noop():
            return EditAnswer(done.text, done, None, "Aurelis AI: the answer changes nothing.", base=source)
        confirm = guard.confirmation(source, planned, *target) if guarded and target is not None else None
        return EditAnswer(done.text, done, planned, base=source, confirm=confirm)


def truncated_message(done: Completion, ai: AISettings | None) -> str:
    limit = ""
    if ai is not None:
        chosen = next((p for p in ai.providers if p.name == done.provider), None)
        if chosen is not None:
            limit = f" (max_tokens {chosen.max_tokens} of provider `{chosen.name}`)"
    return (
        f"Aurelis AI: the model's answer was cut off at its token limit{limit}; an incomplete answer "
        "is not applied. Raise max_tokens or select less code."
    )
