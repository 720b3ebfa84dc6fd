"""Languages Aurelis parses, each backed by a per-language tree-sitter wheel.

Grammars load lazily (importing a grammar wheel costs a few ms each) and are
cached. A new language is one entry in ``_GRAMMARS`` plus its extensions.
"""

from __future__ import annotations

import functools
import importlib
from pathlib import PurePath

from tree_sitter import Language, Parser

# language id -> (module, function returning the grammar pointer)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "typescriptreact": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
}

EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "typescriptreact",
    ".go": "go",
    ".rs": "rust",
}

# LSP languageId aliases editors send.
_ALIASES = {"javascriptreact": "javascript", "py": "python", "python3": "python"}


def supported(language_id: str | None) -> bool:
    return normalize(language_id) in _GRAMMARS


def normalize(language_id: str | None) -> str | None:
    if not language_id:
        return None
    lid = language_id.lower()
    return _ALIASES.get(lid, lid)


def language_for_path(path: str | PurePath) -> str | None:
    return EXTENSIONS.get(PurePath(path).suffix.lower())


@functools.cache
def grammar(language_id: str) -> Language:
    """The tree-sitter ``Language`` for ``language_id`` (KeyError if unsupported)."""
    module_name, func = _GRAMMARS[language_id]
    module = importlib.import_module(module_name)
    return Language(getattr(module, func)())


def parser(language_id: str) -> Parser:
    """A new parser (parsers are not thread-safe, so each user gets its own)."""
    return Parser(grammar(language_id))
