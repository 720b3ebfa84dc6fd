"""One module per LSP method group; each exposes ``register(ctx)`` (a typed
``ServerContext``; a module that needs another feature's service is handed it).

A new feature adds a module here and a line to ``register_all``; a feature
service others need is returned by its ``register`` and kept in ``Services``.
"""

from __future__ import annotations

from dataclasses import dataclass

from aurelis.ai.service import AIService
from aurelis.analysis.crossfile.scheduler import CrossFileScheduler
from aurelis.lsp.context import ServerContext
from aurelis.lsp.handlers import (
    ai_commands,
    analysis_actions,
    code_action,
    configuration,
    crossfile,
    debug,
    diagnostics,
    folders,
    indexing,
    lifecycle,
    opportunities,
    symbols,
    text_sync,
    trust,
    workspace_symbols,
)
from aurelis.lsp.handlers.crossfile import CrossFilePublisher
from aurelis.lsp.handlers.diagnostics import RuleDiagnostics
from aurelis.lsp.handlers.indexing import IndexRunner


@dataclass(frozen=True)
class Services:
    """The feature services of one server, typed: tests and the status commands reach them here."""

    rules: RuleDiagnostics
    index: IndexRunner
    crossfile: CrossFileScheduler
    ai: AIService


def register_all(ctx: ServerContext) -> Services:
    lifecycle.register(ctx)
    text_sync.register(ctx)
    configuration.register(ctx)
    trust.register(ctx)
    folders.register(ctx)
    symbols.register(ctx)
    code_action.register(ctx)
    debug.register(ctx)
    publisher = CrossFilePublisher(ctx)
    cross = ctx.engine.crossfile_scheduler(publisher)  # registered last; rules and fixes ask it for exports
    rules = diagnostics.register(ctx, cross.exports)
    analysis_actions.register(ctx, rules, cross)
    index = indexing.register(ctx)
    workspace_symbols.register(ctx)
    ai = ai_commands.register(ctx)
    opportunities.register(ctx, ai)
    crossfile.register(ctx, cross, publisher)
    return Services(rules=rules, index=index, crossfile=cross, ai=ai)
