"""`aurelis report [PATH] --format markdown|json|html`: the workspace's opportunities ranked
by impact (severity x size x churn from git history when there is a repository). With
``--plans DIR`` the top N large ones get an AI plan written to DIR and linked from the report."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="rank the workspace's opportunities by impact")
    p.add_argument("path", nargs="?", type=Path, default=Path("."), help="workspace folder (default: .)")
    p.add_argument("--format", choices=["markdown", "json", "html"], default="markdown")
    p.add_argument("--top", type=int, default=10, help="how many of the first opportunities link to a plan")
    p.add_argument("--no-duplicates", action="store_true", help="skip duplicate groups (no index, no model)")
    p.add_argument("--plans", type=Path, help="write an AI plan for each of the top large opportunities here")
    p.add_argument("--output", "-o", type=Path, help="write the report to this file instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from aurelis.cli.ai import _Session
    from aurelis.opportunities.churn import file_churn
    from aurelis.opportunities.collect import collect
    from aurelis.opportunities.rank import rank
    from aurelis.opportunities.report import render

    if not args.path.is_dir():
        print(f"aurelis report: not a directory: {args.path}", file=sys.stderr)
        return 2
    root = args.path.resolve()
    session = _Session(root)
    settings = session.settings
    ranked = rank(
        collect(root, settings, use_index=not args.no_duplicates and settings.index.enabled), file_churn(root)
    )
    plans: dict[str, str] = {}
    if args.plans is not None:
        plans = asyncio.run(_plans(root, ranked[: args.top], settings, args.plans, args.output))
    text = render(ranked, args.format, root=root, top=args.top, link="cli", plans=plans)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"aurelis report: wrote {args.output} ({len(ranked)} opportunities)", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


async def _plans(root: Path, ops, settings, folder: Path, output: Path | None) -> dict[str, str]:
    from aurelis.ai.chain import ProviderChain
    from aurelis.ai.errors import AIError
    from aurelis.opportunities.plan import make_plan

    folder.mkdir(parents=True, exist_ok=True)
    base = (output.parent if output else Path.cwd()).resolve()
    chain = ProviderChain()
    out: dict[str, str] = {}
    try:
        for o in ops:
            if not o.large:
                continue
            try:
                plan = await make_plan(chain, root, o, settings.ai)
            except AIError as exc:  # said once, and the report is still written
                print(f"aurelis report: no plan for {o.id}: {exc}", file=sys.stderr)
                break
            path = (folder / f"{o.id}.md").resolve()
            path.write_text(plan.markdown, encoding="utf-8")
            try:
                out[o.id] = path.relative_to(base).as_posix()
            except ValueError:
                out[o.id] = path.as_posix()
    finally:
        await chain.aclose()
    return out
