"""The ranked opportunities report: Markdown, JSON or HTML. The top ``top`` entries link to
their plans: a `command:` link (LSP clients run ``aurelis.plan``), a plan file written by
``aurelis report --plans DIR``, or the CLI command that writes one."""

from __future__ import annotations

import html
import json
import urllib.parse
from pathlib import Path

from aurelis.opportunities.model import Opportunity


def _where(o: Opportunity) -> str:
    return ", ".join(
        f"`{s.path}:{s.start_line}-{s.end_line}`{f' {s.symbol}' if s.symbol else ''}" for s in o.sites[:6]
    ) + (f" (+{len(o.sites) - 6} more)" if len(o.sites) > 6 else "")


def plan_link(o: Opportunity, link: str, root: Path | None, plans: dict[str, str] | None = None) -> str:
    if plans and o.id in plans:
        return f"[plan]({plans[o.id]})"
    if link == "command":
        args = urllib.parse.quote(json.dumps([{"opportunity": o.to_json()}]))
        return f"[plan](command:aurelis.plan?{args})"
    return "`--plans DIR` writes it"


def markdown(
    ops: list[Opportunity], root: Path | None, top: int, link: str, plans: dict[str, str] | None
) -> str:
    lines = [
        f"# Aurelis opportunities{f' in `{root.name}`' if root else ''}",
        "",
        f"{len(ops)} opportunities, ranked by impact = severity x size (lines) x (1 + log2(1 + churn)).",
        "",
        "| # | impact | kind | rule | severity | lines | churn | what | where | plan |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for i, o in enumerate(ops, 1):
        plan = plan_link(o, link, root, plans) if i <= top and o.large else ""
        title = o.title.replace("|", "\\|")
        lines.append(
            f"| {i} | {o.score:g} | {o.kind} | {o.code} | {o.severity} | {o.size} | {o.churn} | {title} | {_where(o)} | {plan} |"
        )
    return "\n".join(lines) + "\n"


def as_html(ops: list[Opportunity], root: Path | None, top: int, plans: dict[str, str] | None) -> str:
    rows = []
    for i, o in enumerate(ops, 1):
        link = ""
        if i <= top and o.large and plans and o.id in plans:
            link = f'<a href="{html.escape(plans[o.id])}">plan</a>'
        where = "<br>".join(html.escape(f"{s.path}:{s.start_line}-{s.end_line} {s.symbol}") for s in o.sites)
        rows.append(
            f"<tr><td>{i}</td><td>{o.score:g}</td><td>{o.kind}</td><td>{o.code}</td><td>{o.severity}</td>"
            f"<td>{o.size}</td><td>{o.churn}</td><td>{html.escape(o.title)}</td><td>{where}</td><td>{link}</td></tr>"
        )
    name = html.escape(root.name) if root else ""
    return (
        f"<!doctype html><meta charset=utf-8><title>Aurelis opportunities {name}</title>"
        f"<h1>Aurelis opportunities {name}</h1><p>{len(ops)} opportunities, ranked by impact "
        "(severity x size x churn).</p><table border=1 cellpadding=4><tr><th>#</th><th>impact</th><th>kind</th>"
        "<th>rule</th><th>severity</th><th>lines</th><th>churn</th><th>what</th><th>where</th><th>plan</th></tr>"
        + "".join(rows)
        + "</table>\n"
    )


def render(
    ops: list[Opportunity],
    fmt: str = "markdown",
    *,
    root: Path | None = None,
    top: int = 10,
    link: str = "cli",
    plans: dict[str, str] | None = None,
) -> str:
    if fmt == "json":
        return json.dumps(
            {
                "root": str(root) if root else None,
                "total": len(ops),
                "opportunities": [
                    {**o.to_json(), **({"plan": plans[o.id]} if plans and o.id in plans else {})} for o in ops
                ],
            },
            indent=2,
        )
    if fmt == "html":
        return as_html(ops, root, top, plans)
    return markdown(ops, root, top, link, plans)
