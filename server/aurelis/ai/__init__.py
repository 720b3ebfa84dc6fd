"""AI commands: provider chain over httpx, response cache, grounded context, safe edits.

Plain Python (no pygls): the LSP layer (`lsp/handlers/ai_commands.py`) and the CLI
(`cli/ai.py`) drive :class:`aurelis.ai.service.AIService`.
"""
