"""AI commands over ``workspace/executeCommand``: explain, generate, fix, docstring,
tests, review, ask.

Each command works on a snapshot of the document taken when it starts, reports
work-done progress (partial output while the provider streams) and is cancelled
by ``$/cancelRequest`` or the progress' cancel button; cancelling aborts the HTTP
request. An edit is sent with ``workspace/applyEdit`` as a ``TextDocumentEdit``
for the version it was computed for, and only if the document still has that
version and the result parses.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pydantic import BaseModel, Field
from pygls.exceptions import JsonRpcException

from aurelis.ai import retrieval
from aurelis.ai.errors import AIError, EditRejected
from aurelis.ai.service import AIService, EditAnswer, Target
from aurelis.lsp.convert import lsp_pos
from aurelis.lsp.handlers.ai_progress import CommandProgress
from aurelis.workspace import containment
from aurelis.workspace.document import Document
from aurelis.workspace.positions import LineIndex, Pos
from aurelis.workspace.uris import from_path, to_path

if TYPE_CHECKING:
    from aurelis.lsp.server import AurelisServer

log = logging.getLogger(__name__)
T = TypeVar("T")
REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed
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


def failed(message: str) -> JsonRpcException:
    return JsonRpcException(code=REQUEST_FAILED, message=message)


# -- shared plumbing -------------------------------------------------------------------------
def snapshot(server: AurelisServer, uri: str) -> Document:
    """A private copy of the open document: later didChanges edit the live tree in place,
    so the copy gets its own tree (no reparse: ``Tree.copy`` is cheap)."""
    doc = server.engine.documents.get(uri)  # DocumentError -> InvalidParams
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


def target(server: AurelisServer, doc: Document, start: int, end: int) -> Target:
    folder = server.engine.folder_for(doc.uri)
    root = folder.path if folder is not None else None
    return Target(doc, start, end, root, retrieval.retriever_for(server.engine, doc.uri))


async def run(
    server: AurelisServer, service: AIService, title: str, work: Callable[[CommandProgress], Awaitable[T]]
) -> T:
    progress = CommandProgress(server, title)
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
        raise failed(str(exc)) from None
    except Exception:
        progress.end("failed")
        raise
    finally:
        service.inflight.discard(task)
    progress.end("done")
    return result


def _char_to_byte(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-8", "surrogatepass"))


CONFIRM = "aurelis.confirm"  # the change annotation of an edit that needs the user's confirmation


def _text_edit(
    uri: str, version: int | None, base_text: str, edit, encoding, annotation: str | None = None
) -> types.TextDocumentEdit:
    lines = LineIndex(base_text.encode("utf-8", "surrogatepass"))
    start = lines.position(_char_to_byte(base_text, edit.start), encoding)
    end = lines.position(_char_to_byte(base_text, edit.end), encoding)
    rng = types.Range(start=lsp_pos(start), end=lsp_pos(end))
    text_edit: types.TextEdit = (
        types.AnnotatedTextEdit(range=rng, new_text=edit.new_text, annotation_id=annotation)
        if annotation
        else types.TextEdit(range=rng, new_text=edit.new_text)
    )
    return types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
        edits=[text_edit],
    )


def supports_confirmation(server: AurelisServer) -> bool:
    ws = server.client_capabilities.workspace
    edit_caps = ws.workspace_edit if ws else None
    return bool(edit_caps and edit_caps.change_annotation_support)


async def send(
    server: AurelisServer,
    changes: list[Any],
    label: str,
    out: dict[str, Any],
    annotations: dict[str, types.ChangeAnnotation] | None = None,
) -> dict[str, Any]:
    """workspace/applyEdit, or (a client that cannot) the edit in the result for the client to apply."""
    workspace_edit = types.WorkspaceEdit(document_changes=changes, change_annotations=annotations)
    if not server.client_supports("workspace.apply_edit"):
        out.update(
            applied=False,
            edit=server.protocol._converter.unstructure(workspace_edit),
            message="Aurelis AI: this client does not accept workspace/applyEdit; the edit is in the result.",
        )
        return out
    result = await server.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=workspace_edit, label=label)
    )
    out["applied"] = bool(result.applied)
    if not result.applied:
        out["message"] = (
            f"Aurelis AI: the editor did not apply the edit ({result.failure_reason or 'no reason given'})."
        )
    return out


async def apply(server: AurelisServer, uri: str, version: int | None, answer: EditAnswer, label: str) -> dict:
    """Send the planned edit if the document is still the one it was computed for."""
    out: dict[str, Any] = {
        "markdown": answer.answer,
        "provider": answer.completion.provider,
        "cached": answer.completion.cached,
        "truncated": answer.completion.truncated,
    }
    if answer.edit is None:
        out.update(applied=False, message=answer.error or "no edit")
        server.show_message(out["message"])
        return out
    annotation = None
    annotations = None
    if answer.confirm:
        out["confirm"] = answer.confirm
        if not supports_confirmation(server):  # never apply a big deletion the user cannot review
            out.update(
                applied=False,
                message=f"Aurelis AI: {answer.confirm} This editor cannot ask for confirmation "
                "(no change annotation support); the edit was not applied.",
            )
            server.show_message(out["message"])
            return out
        annotation = CONFIRM
        annotations = {
            CONFIRM: types.ChangeAnnotation(label=label, needs_confirmation=True, description=answer.confirm)
        }
    doc = server.engine.documents.find(uri)
    if doc is None or doc.version != version or doc.text != answer.base_text:
        out.update(
            applied=False,
            message="Aurelis AI: the document changed while the answer was computed; "
            "the edit was not applied.",
        )
        server.show_message(out["message"])
        return out
    return await send(
        server,
        [_text_edit(uri, version, answer.base_text, answer.edit, doc.encoding, annotation)],
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


def register(server: AurelisServer) -> None:
    service = AIService()
    server.ai_service = service  # type: ignore[attr-defined]  (plan/implement share its chain and shutdown)

    @server.events.shutdown.subscribe
    async def _close() -> None:
        service.cancel_all()  # in-flight provider calls: their HTTP requests are closed now
        await service.chain.aclose()
        service.chain.cache.close()

    def ai_for(uri: str | None):
        return server.engine.settings_for(uri).ai

    @server.commands.register("aurelis.explain", ExplainArgs)
    async def explain(server: AurelisServer, args: ExplainArgs) -> dict:
        """Explain the selection (or the enclosing function) in Markdown."""
        doc = snapshot(server, args.uri)
        start, end = byte_range(doc, args.range)
        t = target(server, doc, start, end)

        async def work(p: CommandProgress) -> dict:
            answer = await service.explain(
                t, ai_for(args.uri), on_delta=p.partial, use_cache=not args.no_cache
            )
            return text_result(server, answer)

        return await run(server, service, "explain", work)

    @server.commands.register("aurelis.generate", GenerateArgs)
    async def generate(server: AurelisServer, args: GenerateArgs) -> dict:
        """Generate code for the instruction: replace the range, or insert at the position."""
        if args.range is None and args.position is None:
            raise failed("aurelis.generate needs a range or a position")
        doc = snapshot(server, args.uri)
        insert = args.range is None or (args.range.start == args.range.end)
        start, end = byte_range(doc, args.range, args.position)
        t = target(server, doc, start, end)

        async def work(p: CommandProgress) -> dict:
            answer = await service.generate(
                t,
                args.instruction,
                ai_for(args.uri),
                insert=insert,
                on_delta=p.partial,
                use_cache=not args.no_cache,
            )
            return await apply(server, args.uri, doc.version, answer, "Aurelis: generate")

        return await run(server, service, "generate", work)

    @server.commands.register("aurelis.fix", FixArgs)
    async def fix(server: AurelisServer, args: FixArgs) -> dict:
        """Fix the code in the range; a diagnostic (any server's) says what is wrong."""
        doc = snapshot(server, args.uri)
        start, end = byte_range(doc, args.range)
        problem = describe(args.diagnostic)
        t = target(server, doc, start, max(start, end))

        code = str((args.diagnostic or {}).get("code") or "") or None
        if code and (args.diagnostic or {}).get("source") not in (None, "aurelis"):
            code = None  # another server's code: only the parse and error checks apply
        analysis = server.engine.settings_for(args.uri).analysis

        async def work(p: CommandProgress) -> dict:
            answer = await service.fix(
                t,
                ai_for(args.uri),
                problem=problem,
                code=code,
                analysis=analysis,
                on_delta=p.partial,
                use_cache=not args.no_cache,
            )
            return await apply(server, args.uri, doc.version, answer, "Aurelis: fix")

        return await run(server, service, "fix", work)

    @server.commands.register("aurelis.docstring", DocstringArgs)
    async def docstring(server: AurelisServer, args: DocstringArgs) -> dict:
        """Write the docstring of the definition at the position."""
        doc = snapshot(server, args.uri)
        start, _ = byte_range(doc, None, args.position)
        t = target(server, doc, start, start)

        async def work(p: CommandProgress) -> dict:
            try:
                answer = await service.docstring(
                    t, ai_for(args.uri), on_delta=p.partial, use_cache=not args.no_cache
                )
            except EditRejected as exc:
                raise failed(str(exc)) from None
            return await apply(server, args.uri, doc.version, answer, "Aurelis: docstring")

        return await run(server, service, "docstring", work)

    @server.commands.register("aurelis.tests", TestsArgs)
    async def tests(server: AurelisServer, args: TestsArgs) -> dict:
        """Write pytest tests for the range into the matching test file."""
        doc = snapshot(server, args.uri)
        start, end = byte_range(doc, args.range)
        t = target(server, doc, start, end)
        path = to_path(args.uri)
        if path is None:
            raise failed("aurelis.tests needs a file: URI")
        test_path, module = test_file_for(path, t.root)
        existing_bytes = None
        if t.root is not None:
            # The test file is read into the prompt and written: both only inside the folder.
            probe = test_path if os.path.lexists(test_path) else test_path.parent
            if os.path.lexists(probe) and containment.resolve_inside(probe, [t.root])[0] is None:
                raise failed(
                    f"Aurelis AI: {probe} leads outside the workspace folder; no tests written there."
                )
            if os.path.lexists(test_path):
                existing_bytes, reason = containment.read_inside(test_path, [t.root], 4 << 20)
                if existing_bytes is None:
                    raise failed(f"Aurelis AI: cannot use {test_path}: {reason}.")
        test_uri = from_path(test_path)
        open_doc = server.engine.documents.find(test_uri)
        existing = (
            open_doc.text
            if open_doc
            else (existing_bytes.decode("utf-8", "replace") if existing_bytes is not None else None)
        )
        version = open_doc.version if open_doc else None

        async def work(p: CommandProgress) -> dict:
            answer = await service.tests(
                t,
                ai_for(args.uri),
                existing=existing,
                test_path=test_path,
                module=module,
                on_delta=p.partial,
                use_cache=not args.no_cache,
            )
            out: dict[str, Any] = {
                "markdown": answer.answer,
                "uri": test_uri,
                "provider": answer.completion.provider,
            }
            if answer.edit is None:
                out.update(applied=False, message=answer.error)
                server.show_message(out["message"])
                return out
            changes: list[Any] = []
            if existing is None:
                ws_caps = server.client_capabilities.workspace
                ops = (
                    (ws_caps.workspace_edit.resource_operations or [])
                    if ws_caps and ws_caps.workspace_edit
                    else []
                )
                if types.ResourceOperationKind.Create in ops:
                    changes.append(
                        types.CreateFile(uri=test_uri, options=types.CreateFileOptions(ignore_if_exists=True))
                    )
                else:  # the client cannot create files: an empty one on disk, then the text edit
                    test_path.parent.mkdir(parents=True, exist_ok=True)
                    test_path.touch(exist_ok=True)
            changes.append(
                _text_edit(test_uri, version, answer.base_text, answer.edit, server.engine.encoding)
            )
            return await send(server, changes, "Aurelis: tests", out)

        return await run(server, service, "tests", work)

    @server.commands.register("aurelis.review", ReviewArgs)
    async def review(server: AurelisServer, args: ReviewArgs) -> dict:
        """Review the range (or the file); findings become diagnostics with source `aurelis-ai`."""
        doc = snapshot(server, args.uri)
        start, end = byte_range(doc, args.range)
        t = target(server, doc, start, end)

        async def work(p: CommandProgress) -> dict:
            answer = await service.review(
                t, ai_for(args.uri), on_delta=p.partial, use_cache=not args.no_cache
            )
            diags = [review_diagnostic(doc, f.line, f.severity, f.message) for f in answer.findings]
            out: dict[str, Any] = {
                "markdown": answer.answer,
                "findings": len(diags),
                "provider": answer.completion.provider,
                "cached": answer.completion.cached,
            }
            if answer.error:  # unreadable or cut off: say so, never publish it as "no findings"
                out.update(findings=None, message=answer.error)
                server.show_message(answer.error)
                return out
            live = server.engine.documents.find(args.uri)
            if live is not None and live.version == doc.version:
                server.diagnostics.set(args.uri, REVIEW_PRODUCER, diags, version=doc.version)
            return out

        return await run(server, service, "review", work)

    @server.commands.register("aurelis.ask", AskArgs)
    async def ask(server: AurelisServer, args: AskArgs) -> dict:
        """Answer a question about the workspace, citing locations."""
        folders = list(server.engine.folders)
        root = folders[0].path if folders else None
        uri = folders[0].uri if folders else None

        async def work(p: CommandProgress) -> dict:
            answer = await service.ask(
                args.question,
                ai_for(uri),
                root=root,
                retriever=retrieval.retriever_for(server.engine, uri),
                on_delta=p.partial,
                use_cache=not args.no_cache,
            )
            cites = [citation(root, path, line) for path, line in answer.citations]
            return {**text_result(server, answer), "citations": cites, "sources": cites}

        return await run(server, service, "ask", work)

    @server.events.changed.subscribe
    def _stale_review(doc: Document) -> None:
        if server.diagnostics.get(doc.uri, REVIEW_PRODUCER):
            server.diagnostics.clear(doc.uri, REVIEW_PRODUCER)  # line numbers no longer hold

    from aurelis.lsp.handlers.ai_actions import register_actions

    register_actions(server)


def text_result(server: AurelisServer, answer) -> dict:
    """explain / ask: the markdown, with a note (and a message) when the model was cut off."""
    out = {
        "markdown": answer.text,
        "provider": answer.completion.provider,
        "cached": answer.completion.cached,
        "truncated": answer.completion.truncated,
    }
    if answer.completion.truncated:
        out["message"] = "Aurelis AI: the answer was cut off at the model's token limit (max_tokens)."
        out["markdown"] += "\n\n_(cut off at the model's token limit)_"
        server.show_message(out["message"])
    return out


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
    text = doc.lines.line_bytes(row).decode("utf-8", "replace").rstrip("\r\n")
    indent = len(text) - len(text.lstrip())
    start = doc.position_at(doc.lines.starts[row] + len(text[:indent].encode()))
    end = doc.position_at(doc.lines.starts[row] + len(text.encode()))
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


def citation(root: Path | None, path: str, line: int) -> dict:
    p = Path(path)
    if not p.is_absolute() and root is not None:
        p = root / p
    pos = {"line": max(0, line - 1), "character": 0}
    return {"uri": from_path(p), "range": {"start": pos, "end": pos}}
