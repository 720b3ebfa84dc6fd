"""`aurelis explain FILE:LINE[-LINE]`, `aurelis ask QUESTION`, `aurelis fix FILE:LINE [--apply]`.

The same AI service as the server: settings from the folder's pyproject
(``[tool.aurelis.ai]``), context from the file and (if one was built with
`aurelis index`) the folder's index. Answers stream to stdout; ``fix`` prints a
unified diff and writes it only with ``--apply``.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import re
import sys
from pathlib import Path

_LOC = re.compile(r"^(?P<file>.+?):(?P<start>\d+)(?:-(?P<end>\d+))?$")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explain", help="explain code with the configured AI provider")
    p.add_argument("location", help="FILE:LINE or FILE:LINE-LINE (1-based)")
    _common(p)
    p.set_defaults(func=run_explain)

    p = sub.add_parser("ask", help="ask a question about the workspace")
    p.add_argument("question")
    p.add_argument("--path", type=Path, default=Path("."), help="the workspace folder (default: .)")
    _common(p)
    p.set_defaults(func=run_ask)

    p = sub.add_parser("fix", help="ask the AI provider to fix the code at FILE:LINE; prints a diff")
    p.add_argument("location", help="FILE:LINE (1-based)")
    p.add_argument("--problem", default="", help="what is wrong (e.g. a diagnostic message)")
    p.add_argument("--apply", action="store_true", help="write the fix to the file")
    _common(p)
    p.set_defaults(func=run_fix)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-cache", action="store_true", help="ask the provider even if an answer is cached")
    p.add_argument("--quiet", action="store_true", help="do not stream the answer while it arrives")


def parse_location(value: str) -> tuple[Path, int, int]:
    m = _LOC.match(value)
    if not m:
        raise ValueError(f"expected FILE:LINE or FILE:LINE-LINE, got {value!r}")
    start = int(m.group("start"))
    end = int(m.group("end") or start)
    if start < 1 or end < start:
        raise ValueError(f"bad line range in {value!r}")
    return Path(m.group("file")), start, end


def find_root(path: Path) -> Path:
    """The nearest folder above ``path`` with a pyproject.toml or .git (else its directory)."""
    start = path.resolve() if path.is_dir() else path.resolve().parent
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return start


class _Session:
    """Engine, settings and (optional, never built here) index of one folder."""

    def __init__(self, root: Path) -> None:
        from aurelis.engine import Engine
        from aurelis.workspace.folders import Folder

        self.engine = Engine()
        self.folder = Folder.from_path(root)
        self.engine.folders.add(self.folder)
        self.settings = self.engine.folder_settings(self.folder)
        for warning in self.engine.settings.take_warnings():
            print(f"aurelis: {warning}", file=sys.stderr)
        self.root = root

    def retriever(self):
        from aurelis.ai.retrieval import index_retriever

        if not self.settings.index.enabled:
            return None
        try:
            idx = self.engine.indexes.for_folder(self.folder)
            return index_retriever(idx) if idx.load() and idx.chunks() else None
        except Exception:
            return None


def _stream(quiet: bool):
    if quiet or not sys.stdout.isatty():
        return None
    shown = [0]

    def on_delta(text: str) -> None:
        sys.stdout.write(text[shown[0] :])
        sys.stdout.flush()
        shown[0] = len(text)

    return on_delta


def _load(path: Path, start: int, end: int):
    from aurelis.workspace.containment import read_regular
    from aurelis.workspace.document import Document, decode_lenient
    from aurelis.workspace.uris import from_path

    data, reason = read_regular(path)
    if data is None:
        raise ValueError(f"cannot read {path}: {reason}")
    text, _ = decode_lenient(data)
    doc = Document(from_path(path.resolve()), text)
    if start > doc.line_count:
        raise ValueError(f"{path} has only {doc.line_count} lines")
    a = doc.lines.starts[start - 1]
    b = doc.lines.line_content_end(min(end, doc.line_count) - 1)
    return doc, a, b


def _note_cached(completion) -> None:
    """Say when an answer is an earlier one from the cache (and how to ask again)."""
    if completion.cached:
        print(
            f"aurelis: cached answer from {completion.provider} ({completion.model}); --no-cache asks again",
            file=sys.stderr,
        )


def _run(coro) -> int:
    from aurelis.ai.errors import AIError

    try:
        return asyncio.run(coro)
    except AIError as exc:
        print(str(exc), file=sys.stderr)
        return 1


def _locate(location: str, command: str):
    """(path, document, start byte, end byte, session) for FILE:LINE[-LINE], or exit code 2 with the reason."""
    try:
        path, start, end = parse_location(location)
        doc, a, b = _load(path, start, end)
    except (ValueError, OSError) as exc:
        print(f"aurelis {command}: {exc}", file=sys.stderr)
        return 2
    return path, doc, a, b, _Session(find_root(path))


def run_explain(args: argparse.Namespace) -> int:
    from aurelis.ai.service import AIService, Target

    located = _locate(args.location, "explain")
    if isinstance(located, int):
        return located
    _, doc, a, b, session = located

    async def go() -> int:
        service = AIService()
        try:
            on_delta = _stream(args.quiet)
            answer = await service.explain(
                Target(doc, a, b, session.root, session.retriever()),
                session.settings.ai,
                on_delta=on_delta,
                use_cache=not args.no_cache,
            )
        finally:
            await service.chain.aclose()
        print("" if on_delta else answer.text)
        _note_cached(answer.completion)
        return 0

    return _run(go())


def run_ask(args: argparse.Namespace) -> int:
    from aurelis.ai.service import AIService

    if not args.path.is_dir():
        print(f"aurelis ask: not a directory: {args.path}", file=sys.stderr)
        return 2
    session = _Session(args.path.resolve())

    async def go() -> int:
        service = AIService()
        try:
            on_delta = _stream(args.quiet)
            answer = await service.ask(
                args.question,
                session.settings.ai,
                root=session.root,
                retriever=session.retriever(),
                on_delta=on_delta,
                use_cache=not args.no_cache,
            )
        finally:
            await service.chain.aclose()
        print("" if on_delta else answer.text)
        _note_cached(answer.completion)
        if answer.citations:
            print("\nsources:")
            for p, line in answer.citations:
                print(f"  {p}:{line}")
        return 0

    return _run(go())


def run_fix(args: argparse.Namespace) -> int:
    from aurelis.ai.service import AIService, Target

    located = _locate(args.location, "fix")
    if isinstance(located, int):
        return located
    path, doc, a, b, session = located

    async def go() -> int:
        service = AIService()
        try:
            answer = await service.fix(
                Target(doc, a, b, session.root, session.retriever()),
                session.settings.ai,
                problem=args.problem,
                use_cache=not args.no_cache,
            )
        finally:
            await service.chain.aclose()
        _note_cached(answer.completion)
        if answer.edit is None:
            print(answer.error or "no edit", file=sys.stderr)
            print(answer.answer)
            return 1
        diff = difflib.unified_diff(
            doc.text.splitlines(keepends=True),
            answer.edit.result.decode("utf-8", "surrogatepass").splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
        sys.stdout.writelines(diff)
        if answer.confirm:  # --apply is the explicit confirmation a big deletion needs
            print(f"aurelis fix: {answer.confirm}", file=sys.stderr)
            if not args.apply:
                print("aurelis fix: not written: pass --apply to write it", file=sys.stderr)
        if args.apply:
            if path.read_bytes() != doc.source:
                print(f"aurelis fix: {path} changed while the fix was computed; not written", file=sys.stderr)
                return 1
            path.write_bytes(answer.edit.result)
            print(f"aurelis fix: wrote {path}", file=sys.stderr)
        return 0

    return _run(go())
