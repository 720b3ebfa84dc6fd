"""AI commands over ``workspace/executeCommand``: explain, generate, fix, docstring,
tests, review, ask — rows of one table (``AI_COMMANDS``).

Each row gives the command, its params model, how the job is prepared (a
snapshot of the document taken when the command starts, the byte range, the
target), the ``AIService`` call and the result handling (Markdown, an edit, review
diagnostics, a test file). ``row`` turns an entry into a ``Command`` of the
command table with the shared shape: work-done progress (partial output while the
provider streams), cancellation by ``$/cancelRequest`` or the progress' cancel
button (cancelling aborts the HTTP request), AI errors as RequestFailed. An edit is
sent with ``workspace/applyEdit`` as a ``TextDocumentEdit`` for the version it was
computed for, and only if the document still has that version and the result parses.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from lsprotocol import types
from pydantic import BaseModel, Field

from aurelis.ai.errors import AIError, EditRejected
from aurelis.ai.providers.base import OnDelta
from aurelis.ai.service import AIService, EditAnswer, ReviewAnswer, Target, TextAnswer
from aurelis.lsp import convert
from aurelis.lsp.commands import Command
from aurelis.lsp.convert import lsp_pos
from aurelis.lsp.errors import request_failed
from aurelis.lsp.handlers.ai_progress import CommandProgress
from aurelis.workspace import containment
from aurelis.workspace.document import Document
from aurelis.workspace.positions import Encoding, LineIndex, Pos
from aurelis.workspace.uris import from_path, to_path

if TYPE_CHECKING:
    from aurelis.ai.context import Retriever
    from aurelis.ai.edits import PlannedEdit
    from aurelis.config.ai import AISettings
    from aurelis.config.analysis import AnalysisSettings
    from aurelis.lsp.context import ServerContext

log = logging.getLogger(__name__)
T = TypeVar("T")
REVIEW_PRODUCER = "ai-review"


class Position(BaseModel):
    line: int = Field(..., ge=0)
    character: int = Field(..., ge=0)


class Range(BaseModel):
    start: Position
    end: Position


class _Base(BaseModel):
    no_cache: bool = Field(False, description="Ask the provider even if an answer to this prompt is cached.")


class ExplainArgs(_Base):
    uri: str
    range: Range | None = None


class GenerateArgs(_Base):
    uri: str
    instruction: str = Field(..., min_length=1)
    range: Range | None = None
    position: Position | None = None


class FixArgs(_Base):
    uri: str
    range: Range
    diagnostic: dict[str, Any] | None = None


class DocstringArgs(_Base):
    uri: str
    position: Position


class TestsArgs(_Base):
    uri: str
    range: Range


class ReviewArgs(_Base):
    uri: str
    range: Range | None = None


class AskArgs(_Base):
    question: str = Field(..., min_length=1)


A = TypeVar("A", bound=_Base)


@dataclass
class Job:
    """What one AI command works on, fixed when it starts."""

    uri: str | None  # whose settings apply
    doc: Document | None = None  # the snapshot (None: ``ask`` works on the workspace)
    target: Target | None = None
    root: Path | None = None
    insert: bool = False  # generate: insert at the position instead of replacing the range
    problem: str = ""  # fix: what is wrong …
    code: str | None = None  # … the Aurelis rule that reported it (None: another server's) …
    analysis: AnalysisSettings | None = None  # … and the rules' settings, to check the fix
    test_path: Path | None = None  # tests: the file the tests go to …
    module: str = ""  # … the module they import …
    existing: bytes | None = None  # … its current source (None: it does not exist yet) …
    test_version: int | None = None  # … and its open version
    retriever: Retriever | None = None  # ask: related code from the index


@dataclass(frozen=True)
class AICommand(Generic[A]):
    """One row: the command, its params, the job, the service call and the result handling."""

    name: str
    params: type[A]
    prepare: Callable[[ServerContext, A], Job]
    call: Callable[[AIService, Job, A, AISettings, OnDelta], Awaitable[Any]]
    result: Callable[[ServerContext, Job, Any], Awaitable[dict[str, Any]] | dict[str, Any]]
    doc: str


# -- preparing a job -------------------------------------------------------------------------
def snapshot(ctx: ServerContext, uri: str) -> Document:
    """A private copy of the open document: later didChanges edit the live tree in place,
    so the copy gets its own tree (no reparse: ``Tree.copy`` is cheap)."""
    doc = ctx.engine.documents.get(uri)  # DocumentError -> InvalidParams
    snap = copy.copy(doc)
    snap.tree = doc.tree.copy() if doc.tree is not None else None
    return snap


def byte_range(doc: Document, rng: Range | None, position: Position | None = None) -> tuple[int, int]:
    if rng is not None:
        a = doc.offset_at(Pos(rng.start.line, rng.start.character))
        b = doc.offset_at(Pos(rng.end.line, rng.end.character))
        return (a, b) if a <= b else (b, a)
    if position is not None:
        a = doc.offset_at(Pos(position.line, position.character))
        return a, a
    return 0, len(doc.source)


def target(ctx: ServerContext, doc: Document, start: int, end: int) -> Target:
    folder = ctx.engine.folder_for(doc.uri)
    root = folder.path if folder is not None else None
    return Target(doc, start, end, root, ctx.engine.retriever_for(doc.uri))


def _span_job(ctx: ServerContext, args: ExplainArgs | ReviewArgs) -> Job:
    doc = snapshot(ctx, args.uri)
    start, end = byte_range(doc, args.range)
    return Job(args.uri, doc, target(ctx, doc, start, end))


def _generate_job(ctx: ServerContext, args: GenerateArgs) -> Job:
    if args.range is None and args.position is None:
        raise request_failed("aurelis.generate needs a range or a position")
    doc = snapshot(ctx, args.uri)
    insert = args.range is None or (args.range.start == args.range.end)
    start, end = byte_range(doc, args.range, args.position)
    return Job(args.uri, doc, target(ctx, doc, start, end), insert=insert)


def _fix_job(ctx: ServerContext, args: FixArgs) -> Job:
    doc = snapshot(ctx, args.uri)
    start, end = byte_range(doc, args.range)
    problem = describe(args.diagnostic)
    t = target(ctx, doc, start, max(start, end))
    code = str((args.diagnostic or {}).get("code") or "") or None
    if code and (args.diagnostic or {}).get("source") not in (None, "aurelis"):
        code = None  # another server's code: only the parse and error checks apply
    analysis = ctx.engine.settings_for(args.uri).analysis
    return Job(args.uri, doc, t, problem=problem, code=code, analysis=analysis)


def _docstring_job(ctx: ServerContext, args: DocstringArgs) -> Job:
    doc = snapshot(ctx, args.uri)
    start, _ = byte_range(doc, None, args.position)
    return Job(args.uri, doc, target(ctx, doc, start, start))


def _tests_job(ctx: ServerContext, args: TestsArgs) -> Job:
    doc = snapshot(ctx, args.uri)
    start, end = byte_range(doc, args.range)
    t = target(ctx, doc, start, end)
    path = to_path(args.uri)
    if path is None:
        raise request_failed("aurelis.tests needs a file: URI")
    test_path, module = test_file_for(path, t.root)
    existing_bytes = None
    if t.root is not None:
        # The test file is read into the prompt and written: both only inside the folder.
        probe = test_path if os.path.lexists(test_path) else test_path.parent
        if os.path.lexists(probe) and containment.resolve_inside(probe, [t.root])[0] is None:
            raise request_failed(
                f"Aurelis AI: {probe} leads outside the workspace folder; no tests written there."
            )
        if os.path.lexists(test_path):
            existing_bytes, reason = containment.read_inside(test_path, [t.root], 4 << 20)
            if existing_bytes is None:
                raise request_failed(f"Aurelis AI: cannot use {test_path}: {reason}.")
    open_doc = ctx.engine.documents.find(from_path(test_path))
    existing = open_doc.source if open_doc else existing_bytes
    return Job(
        args.uri,
        doc,
        t,
        test_path=test_path,
        module=module,
        existing=existing,
        test_version=open_doc.version if open_doc else None,
    )


def _ask_job(ctx: ServerContext, args: AskArgs) -> Job:
    folders = list(ctx.engine.folders)
    uri = folders[0].uri if folders else None
    return Job(uri, root=folders[0].path if folders else None, retriever=ctx.engine.retriever_for(uri))


# -- the service calls -----------------------------------------------------------------------
def _test_path(job: Job) -> Path:
    assert job.test_path is not None  # the tests prepare sets it
    return job.test_path


def _t(job: Job) -> Target:
    assert job.target is not None  # every prepare but ask's sets it
    return job.target


async def _docstring(svc: AIService, job: Job, args: DocstringArgs, ai: AISettings, d: OnDelta) -> EditAnswer:
    try:
        return await svc.docstring(_t(job), ai, on_delta=d, use_cache=not args.no_cache)
    except EditRejected as exc:
        raise request_failed(str(exc)) from None


# -- result handling -------------------------------------------------------------------------
def text_result(ctx: ServerContext, job: Job, answer: TextAnswer) -> dict[str, Any]:
    """explain / ask: the markdown, with a note (and a message) when the model was cut off."""
    out: dict[str, Any] = {
        "markdown": answer.text,
        "provider": answer.completion.provider,
        "cached": answer.completion.cached,
        "truncated": answer.completion.truncated,
    }
    if answer.completion.truncated:
        out["message"] = "Aurelis AI: the answer was cut off at the model's token limit (max_tokens)."
        out["markdown"] += "\n\n_(cut off at the model's token limit)_"
        ctx.show_message(out["message"])
    return out


def _labelled(label: str) -> Callable[[ServerContext, Job, EditAnswer], Awaitable[dict[str, Any]]]:
    async def handle(ctx: ServerContext, job: Job, answer: EditAnswer) -> dict[str, Any]:
        assert job.doc is not None and job.uri is not None
        return await apply(ctx, job.uri, job.doc.version, answer, label)

    return handle


async def _tests_result(ctx: ServerContext, job: Job, answer: EditAnswer) -> dict[str, Any]:
    assert job.test_path is not None
    test_uri = from_path(job.test_path)
    out: dict[str, Any] = {"markdown": answer.answer, "uri": test_uri, "provider": answer.completion.provider}
    if answer.edit is None:
        out.update(applied=False, message=answer.error)
        ctx.show_message(out["message"])
        return out
    changes: list[Any] = []
    if job.existing is None:
        ws_caps = ctx.ls.client_capabilities.workspace
        ops = (ws_caps.workspace_edit.resource_operations or []) if ws_caps and ws_caps.workspace_edit else []
        if types.ResourceOperationKind.Create in ops:
            changes.append(
                types.CreateFile(uri=test_uri, options=types.CreateFileOptions(ignore_if_exists=True))
            )
        else:  # the client cannot create files: an empty one on disk, then the text edit
            job.test_path.parent.mkdir(parents=True, exist_ok=True)
            job.test_path.touch(exist_ok=True)
    changes.append(_text_edit(test_uri, job.test_version, answer.base, answer.edit, ctx.engine.encoding))
    return await send(ctx, changes, "Aurelis: tests", out)


def _review_result(ctx: ServerContext, job: Job, answer: ReviewAnswer) -> dict[str, Any]:
    doc = job.doc
    assert doc is not None and job.uri is not None
    diags = [review_diagnostic(doc, f.line, f.severity, f.message) for f in answer.findings]
    out: dict[str, Any] = {
        "markdown": answer.answer,
        "findings": len(diags),
        "provider": answer.completion.provider,
        "cached": answer.completion.cached,
    }
    if answer.error:  # unreadable or cut off: say so, never publish it as "no findings"
        out.update(findings=None, message=answer.error)
        ctx.show_message(answer.error)
        return out
    live = ctx.engine.documents.find(job.uri)
    if live is not None and live.version == doc.version:
        ctx.diagnostics.set(job.uri, REVIEW_PRODUCER, diags, version=doc.version)
    return out


def _ask_result(ctx: ServerContext, job: Job, answer: TextAnswer) -> dict[str, Any]:
    cites = [citation(job.root, path, line) for path, line in answer.citations]
    return {**text_result(ctx, job, answer), "citations": cites, "sources": cites}


AI_COMMANDS: tuple[AICommand[Any], ...] = (
    AICommand(
        "aurelis.explain",
        ExplainArgs,
        _span_job,
        lambda svc, job, args, ai, d: svc.explain(_t(job), ai, on_delta=d, use_cache=not args.no_cache),
        text_result,
        "Explain the selection (or the enclosing function) in Markdown.",
    ),
    AICommand(
        "aurelis.generate",
        GenerateArgs,
        _generate_job,
        lambda svc, job, args, ai, d: svc.generate(
            _t(job), args.instruction, ai, insert=job.insert, on_delta=d, use_cache=not args.no_cache
        ),
        _labelled("Aurelis: generate"),
        "Generate code for the instruction: replace the range, or insert at the position.",
    ),
    AICommand(
        "aurelis.fix",
        FixArgs,
        _fix_job,
        lambda svc, job, args, ai, d: svc.fix(
            _t(job),
            ai,
            problem=job.problem,
            code=job.code,
            analysis=job.analysis,
            on_delta=d,
            use_cache=not args.no_cache,
        ),
        _labelled("Aurelis: fix"),
        "Fix the code in the range; a diagnostic (any server's) says what is wrong.",
    ),
    AICommand(
        "aurelis.docstring",
        DocstringArgs,
        _docstring_job,
        _docstring,
        _labelled("Aurelis: docstring"),
        "Write the docstring of the definition at the position.",
    ),
    AICommand(
        "aurelis.tests",
        TestsArgs,
        _tests_job,
        lambda svc, job, args, ai, d: svc.tests(
            _t(job),
            ai,
            existing=job.existing,
            test_path=_test_path(job),
            module=job.module,
            on_delta=d,
            use_cache=not args.no_cache,
        ),
        _tests_result,
        "Write pytest tests for the range into the matching test file.",
    ),
    AICommand(
        "aurelis.review",
        ReviewArgs,
        _span_job,
        lambda svc, job, args, ai, d: svc.review(_t(job), ai, on_delta=d, use_cache=not args.no_cache),
        _review_result,
        "Review the range (or the file); findings become diagnostics with source `aurelis-ai`.",
    ),
    AICommand(
        "aurelis.ask",
        AskArgs,
        _ask_job,
        lambda svc, job, args, ai, d: svc.ask(
            args.question, ai, root=job.root, retriever=job.retriever, on_delta=d, use_cache=not args.no_cache
        ),
        _ask_result,
        "Answer a question about the workspace, citing locations.",
    ),
)


# -- the shared shape ------------------------------------------------------------------------
async def run(
    ctx: ServerContext, service: AIService, title: str, work: Callable[[CommandProgress], Awaitable[T]]
) -> T:
    progress = CommandProgress(ctx, title)
    task = asyncio.current_task()
    if task is not None:
        service.inflight.add(task)
    await progress.begin()
    try:
        result = await work(progress)
    except asyncio.CancelledError:
        progress.end("cancelled")
        log.info("AI %s cancelled", title)
        raise
    except AIError as exc:
        progress.end(str(exc))
        raise request_failed(str(exc)) from None
    except Exception:
        progress.end("failed")
        raise
    finally:
        service.inflight.discard(task)
    progress.end("done")
    return result


def as_command(ctx: ServerContext, service: AIService, entry: AICommand[A]) -> Command[A]:
    """The command-table row of an AI entry."""
    title = entry.name.removeprefix("aurelis.")

    async def call(args: A) -> dict[str, Any]:
        job = entry.prepare(ctx, args)

        async def work(p: CommandProgress) -> dict[str, Any]:
            ai = ctx.engine.settings_for(job.uri).ai
            answer = await entry.call(service, job, args, ai, p.partial)
            out = entry.result(ctx, job, answer)
            return await out if inspect.isawaitable(out) else out

        return await run(ctx, service, title, work)

    return Command(entry.name, entry.params, call, doc=entry.doc)


# -- edits -----------------------------------------------------------------------------------
CONFIRM = "aurelis.confirm"  # the change annotation of an edit that needs the user's confirmation


def _text_edit(
    uri: str,
    version: int | None,
    base: bytes,
    edit: PlannedEdit,
    encoding: Encoding,
    annotation: str | None = None,
) -> types.TextDocumentEdit:
    """The edge: ``edit``'s byte offsets into ``base`` become positions in the client's encoding."""
    lines = LineIndex(base)
    start = lines.position(edit.start, encoding)
    end = lines.position(edit.end, encoding)
    rng = types.Range(start=lsp_pos(start), end=lsp_pos(end))
    text_edit: types.TextEdit | types.AnnotatedTextEdit = (
        types.AnnotatedTextEdit(range=rng, new_text=edit.new_text, annotation_id=annotation)
        if annotation
        else types.TextEdit(range=rng, new_text=edit.new_text)
    )
    return types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
        edits=[text_edit],
    )


def supports_confirmation(ctx: ServerContext) -> bool:
    ws = ctx.ls.client_capabilities.workspace
    edit_caps = ws.workspace_edit if ws else None
    return bool(edit_caps and edit_caps.change_annotation_support)


async def send(
    ctx: ServerContext,
    changes: list[Any],
    label: str,
    out: dict[str, Any],
    annotations: dict[str, types.ChangeAnnotation] | None = None,
) -> dict[str, Any]:
    """workspace/applyEdit, or (a client that cannot) the edit in the result for the client to apply."""
    workspace_edit = types.WorkspaceEdit(document_changes=changes, change_annotations=annotations)
    if not ctx.client_supports("workspace.apply_edit"):
        out.update(
            applied=False,
            edit=convert.lsp_json(workspace_edit),
            message="Aurelis AI: this client does not accept workspace/applyEdit; the edit is in the result.",
        )
        return out
    result = await ctx.ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=workspace_edit, label=label)
    )
    out["applied"] = bool(result.applied)
    if not result.applied:
        out["message"] = (
            f"Aurelis AI: the editor did not apply the edit ({result.failure_reason or 'no reason given'})."
        )
    return out


async def apply(
    ctx: ServerContext, uri: str, version: int | None, answer: EditAnswer, label: str
) -> dict[str, Any]:
    """Send the planned edit if the document is still the one it was computed for."""
    out: dict[str, Any] = {
        "markdown": answer.answer,
        "provider": answer.completion.provider,
        "cached": answer.completion.cached,
        "truncated": answer.completion.truncated,
    }
    if answer.edit is None:
        out.update(applied=False, message=answer.error or "no edit")
        ctx.show_message(out["message"])
        return out
    annotation = None
    annotations = None
    if answer.confirm:
        out["confirm"] = answer.confirm
        if not supports_confirmation(ctx):  # never apply a big deletion the user cannot review
            out.update(
                applied=False,
                message=f"Aurelis AI: {answer.confirm} This editor cannot ask for confirmation "
                "(no change annotation support); the edit was not applied.",
            )
            ctx.show_message(out["message"])
            return out
        annotation = CONFIRM
        annotations = {
            CONFIRM: types.ChangeAnnotation(label=label, needs_confirmation=True, description=answer.confirm)
        }
    doc = ctx.engine.documents.find(uri)
    if doc is None or doc.version != version or doc.source != answer.base:
        out.update(
            applied=False,
            message="Aurelis AI: the document changed while the answer was computed; "
            "the edit was not applied.",
        )
        ctx.show_message(out["message"])
        return out
    return await send(
        ctx,
        [_text_edit(uri, version, answer.base, answer.edit, doc.encoding, annotation)],
        label,
        out,
        annotations,
    )


def test_file_for(path: Path, root: Path | None) -> tuple[Path, str]:
    """Where tests for ``path`` go (tests/test_<name>.py under the root, else beside it) and
    the module to import."""
    name = path.stem
    if root is not None:
        try:
            module = ".".join(path.resolve().relative_to(root.resolve()).with_suffix("").parts)
        except ValueError:
            module = name
        module = module.removeprefix("src.")
        return root / "tests" / f"test_{name}.py", module
    return path.with_name(f"test_{name}.py"), name


def register(ctx: ServerContext) -> AIService:
    service = AIService()

    @ctx.events.shutdown.subscribe
    async def _close() -> None:
        service.cancel_all()  # in-flight provider calls: their HTTP requests are closed now
        await service.chain.aclose()
        service.chain.cache.close()

    for entry in AI_COMMANDS:
        ctx.commands.add(as_command(ctx, service, entry))

    @ctx.events.changed.subscribe
    def _stale_review(doc: Document) -> None:
        if ctx.diagnostics.get(doc.uri, REVIEW_PRODUCER):
            ctx.diagnostics.clear(doc.uri, REVIEW_PRODUCER)  # line numbers no longer hold

    from aurelis.lsp.handlers.ai_actions import register_actions

    register_actions(ctx)
    return service


def describe(diagnostic: dict[str, Any] | None) -> str:
    """The problem statement for a fix: the diagnostic, plus the rule's description when it is ours."""
    if not diagnostic:
        return ""
    parts = [str(diagnostic.get("message", "")).strip()]
    source, code = diagnostic.get("source"), diagnostic.get("code")
    if source or code:
        parts.append(f"(reported by {source or 'a linter'}{f', code {code}' if code else ''})")
    rule = rule_description(code)
    if rule:
        parts.append(f"Rule: {rule}")
    return " ".join(p for p in parts if p)


def rule_description(code: Any) -> str:
    """The Aurelis rule's summary and description for ``code`` (empty for other servers' codes)."""
    if not code:
        return ""
    try:
        from aurelis.analysis.registry import by_code

        rule = by_code().get(str(code))
    except Exception:  # a broken rule module must not block a fix
        log.exception("rule registry unavailable")
        return ""
    if rule is None:
        return ""
    return f"{getattr(rule, 'summary', '')} {getattr(rule, 'description', '')}".strip()


def review_diagnostic(doc: Document, line: int, severity: str, message: str) -> types.Diagnostic:
    row = max(0, min(line - 1, doc.line_count - 1))
    line_bytes = doc.lines.line_bytes(row)
    start = doc.position_at(doc.lines.starts[row] + len(line_bytes) - len(line_bytes.lstrip()))
    end = doc.position_at(doc.lines.starts[row] + len(line_bytes))
    sev = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}.get(
        severity, types.DiagnosticSeverity.Information
    )
    return types.Diagnostic(
        range=types.Range(start=lsp_pos(start), end=lsp_pos(end)),
        message=message,
        severity=sev,
        source="aurelis-ai",
        code="ai-review",
    )


def citation(root: Path | None, path: str, line: int) -> dict[str, Any]:
    p = Path(path)
    if not p.is_absolute() and root is not None:
        p = root / p
    pos = {"line": max(0, line - 1), "character": 0}
    return {"uri": from_path(p), "range": {"start": pos, "end": pos}}
