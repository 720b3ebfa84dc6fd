"""The AOMaaS loop over LSP: ``aurelis.plan``, ``aurelis.implement``, ``aurelis.report`` and the
"Plan with Aurelis" code action on large opportunities (duplicate groups, long or complex
functions, dead-code clusters). The work lives in ``aurelis.opportunities``; this module
only converts to and from the protocol.

``aurelis.implement`` does not apply anything: it returns one multi-file WorkspaceEdit whose
edits carry a change annotation (``needsConfirmation``), so the client previews it and
applies it with the user's consent, and the verification that was run on it. A failed
verification is returned with what failed and the change as a unified diff, no edit.
"""

from __future__ import annotations

import asyncio
import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pydantic import BaseModel, Field

from aurelis.ai.service import AIService
from aurelis.lsp import convert
from aurelis.lsp.code_actions import Provider
from aurelis.lsp.errors import request_failed as failed
from aurelis.lsp.handlers.ai_commands import run, snapshot
from aurelis.lsp.handlers.ai_progress import CommandProgress
from aurelis.opportunities import collect as collect_mod
from aurelis.opportunities import implement as impl
from aurelis.opportunities.model import Opportunity
from aurelis.opportunities.plan import Plan, make_plan
from aurelis.opportunities.verify import verify
from aurelis.workspace.positions import LineIndex
from aurelis.workspace.uris import from_path

if TYPE_CHECKING:
    from aurelis.lsp.context import ServerContext
    from aurelis.workspace.document import Document

NAME = "aurelis-plan"
ANNOTATION = "aurelis.implement"


class PlanArgs(BaseModel):
    uri: str | None = Field(None, description="The document of the diagnostic (or any file of the folder).")
    diagnostic: dict[str, Any] | None = Field(
        None, description="An Aurelis diagnostic of a large opportunity."
    )
    opportunity: dict[str, Any] | None = Field(None, description="An opportunity object from aurelis.report.")
    no_cache: bool = False


class ImplementArgs(BaseModel):
    plan: dict[str, Any] = Field(..., description="The `plan` object aurelis.plan returned.")
    uri: str | None = None
    no_cache: bool = False


class ReportArgs(BaseModel):
    uri: str | None = Field(
        None, description="A file or folder of the workspace (default: the first folder)."
    )
    format: str = Field("markdown", pattern="^(markdown|json|html)$")
    top: int = Field(10, ge=1, le=200)
    duplicates: bool = Field(True, description="Find duplicate groups through the index (loads the model).")


def _root(ctx: ServerContext, uri: str | None) -> Path:
    folder = ctx.engine.folder_for(uri) if uri else None
    if folder is None:
        folders = list(ctx.engine.folders)
        folder = folders[0] if folders else None
    if folder is None or folder.path is None:
        raise failed("Aurelis: open a workspace folder first")
    return folder.path


def _opportunity(ctx: ServerContext, args: PlanArgs, root: Path) -> Opportunity:
    if args.opportunity is not None:
        try:
            return Opportunity.from_json(args.opportunity)
        except (KeyError, TypeError, ValueError) as exc:
            raise failed(f"Aurelis: not an opportunity object ({exc})") from None
    if args.diagnostic is None or args.uri is None:
        raise failed("aurelis.plan needs {uri, diagnostic} or {opportunity}")
    return collect_mod.from_diagnostic(root, snapshot(ctx, args.uri), args.diagnostic)


def _whole_file_edit(ctx: ServerContext, root: Path, rel: str, old: str | None, new: str) -> list[Any]:
    uri = from_path(root / rel)
    doc = ctx.engine.documents.find(uri)
    # the end of the file in the negotiated encoding (a file not open: as it is on disk)
    on_disk = (old or "").encode("utf-8", "surrogatepass")
    end_pos = (
        doc.end_position()
        if doc is not None
        else LineIndex(on_disk).position(len(on_disk), ctx.engine.encoding)
    )
    end = types.Position(line=end_pos.line, character=end_pos.character)
    changes: list[Any] = []
    if old is None and doc is None:
        changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
    changes.append(
        types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(
                uri=uri, version=doc.version if doc is not None else None
            ),
            edits=[
                types.AnnotatedTextEdit(
                    range=types.Range(start=types.Position(line=0, character=0), end=end),
                    new_text=new,
                    annotation_id=ANNOTATION,
                )
            ],
        )
    )
    return changes


def diff(files: dict[str, str], originals: dict[str, str | None]) -> str:
    out: list[str] = []
    for rel, new in files.items():
        old = originals.get(rel) or ""
        out += difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{rel}" if originals.get(rel) is not None else "/dev/null",
            tofile=f"b/{rel}",
        )
    return "".join(out)


def register(ctx: ServerContext, ai_service: AIService) -> None:
    """``ai_service``: the AI commands' service (plan/implement share its chain and shutdown)."""

    def service() -> AIService:
        return ai_service

    @ctx.commands.register("aurelis.plan", PlanArgs)
    async def plan(args: PlanArgs) -> dict:
        """A grounded implementation plan (Markdown) for a diagnostic's opportunity or a report's."""
        root = _root(ctx, args.uri)
        o = _opportunity(ctx, args, root)
        ai = ctx.engine.settings_for(args.uri).ai
        retriever = ctx.engine.retriever_for(args.uri or from_path(root))

        async def work(p: CommandProgress) -> dict:
            made = await make_plan(
                service().chain,
                root,
                o,
                ai,
                retriever=retriever,
                on_delta=p.partial,
                use_cache=not args.no_cache,
            )
            return {
                "markdown": made.markdown,
                "plan": made.to_json(),
                "provider": made.provider,
                "truncated": made.truncated,
            }

        return await run(ctx, service(), "plan", work)

    @ctx.commands.register("aurelis.implement", ImplementArgs)
    async def implement(args: ImplementArgs) -> dict:
        """Implement a plan: one multi-file WorkspaceEdit (previewable), verified before it is offered."""
        try:
            the_plan = Plan.from_json(args.plan)
        except (KeyError, TypeError, ValueError) as exc:
            raise failed(f"Aurelis: not a plan object ({exc})") from None
        root = _root(ctx, args.uri)
        settings = ctx.engine.settings_for(from_path(root))
        ai = settings.ai

        async def work(p: CommandProgress) -> dict:
            prompt, shown = await asyncio.to_thread(impl.build_prompt, root, the_plan)
            done = await service().chain.complete(prompt, ai, on_delta=p.partial, use_cache=not args.no_cache)
            out: dict[str, Any] = {"markdown": done.text, "provider": done.provider, "verified": False}
            if done.truncated:
                out["message"] = (
                    "Aurelis: the implementation was cut off at the model's token limit; nothing is offered."
                )
                ctx.show_message(out["message"])
                return out
            try:
                files = impl.parse_files(done.text, root, shown)
            except impl.ImplementError as exc:
                out["message"] = f"Aurelis: the implementation was not offered: {exc}."
                ctx.show_message(out["message"])
                return out
            originals = {
                rel: ((root / rel).read_text("utf-8", "replace") if (root / rel).is_file() else None)
                for rel in files
            }
            checks = await asyncio.to_thread(
                verify,
                root,
                the_plan.opportunity,
                files,
                settings,
                list(ai.implement_test_command) or None,
                ai.implement_test_timeout,
            )
            out["checks"] = [c.to_json() for c in checks]
            out["diff"] = diff(files, originals)
            out["files"] = sorted(files)
            failed_checks = [c for c in checks if not c.ok]
            if failed_checks:
                out["message"] = (
                    "Aurelis: the implementation failed verification: "
                    + "; ".join(f"{c.name}: {c.detail}" for c in failed_checks)
                    + ". It is not offered; the diff is shown."
                )
                ctx.show_message(out["message"])
                return out
            changes = [
                c for rel, new in files.items() for c in _whole_file_edit(ctx, root, rel, originals[rel], new)
            ]
            summary = "; ".join(c.detail for c in checks)
            edit = types.WorkspaceEdit(
                document_changes=changes,
                change_annotations={
                    ANNOTATION: types.ChangeAnnotation(
                        label=f"Aurelis: implement {the_plan.opportunity.title[:60]}",
                        needs_confirmation=True,
                        description=f"Verified: {summary}",
                    )
                },
            )
            out.update(
                verified=True,
                edit=convert.lsp_json(edit),
                message="Aurelis: implementation verified: " + summary,
            )
            return out

        return await run(ctx, service(), "implement", work)

    @ctx.commands.register("aurelis.report", ReportArgs, background=True)
    def report(args: ReportArgs) -> dict:
        """The workspace's opportunities ranked by impact (severity x size x churn)."""
        from aurelis.opportunities.churn import file_churn
        from aurelis.opportunities.rank import rank
        from aurelis.opportunities.report import render

        root = _root(ctx, args.uri)
        settings = ctx.engine.settings_for(from_path(root))
        ranked = rank(
            collect_mod.collect(root, settings, use_index=args.duplicates and settings.index.enabled),
            file_churn(root),
        )
        return {
            "text": render(ranked, args.format, root=root, top=args.top, link="command"),
            "opportunities": [o.to_json() for o in ranked[: args.top]],
            "total": len(ranked),
        }

    def provide(doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
        ai = ctx.engine.settings_for(doc.uri).ai
        if not ai.enabled or not ai.providers:
            return []
        lazy = ctx.client_supports("text_document.code_action.resolve_support")
        out = []
        for d in params.context.diagnostics:
            if d.source != "aurelis" or str(d.code) not in collect_mod.LARGE_CODES:
                continue
            args = {"uri": doc.uri, "diagnostic": convert.lsp_json(d)}
            action = types.CodeAction(
                title="Plan with Aurelis",
                kind=types.CodeActionKind.RefactorRewrite + ".aurelis.plan",
                diagnostics=[d],
                data={"provider": NAME, "command": "aurelis.plan", "args": args},
            )
            if not lazy:
                action.command = types.Command(title=action.title, command="aurelis.plan", arguments=[args])
            out.append(action)
        return out

    def resolve(action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        action.command = types.Command(
            title=action.title, command="aurelis.plan", arguments=[data.get("args", {})]
        )
        return action

    ctx.code_actions.add(Provider(NAME, provide, resolve, kinds=(types.CodeActionKind.RefactorRewrite,)))
