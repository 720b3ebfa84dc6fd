"""Output formats of `aurelis check`: text, JSON (LSP diagnostics) and SARIF 2.1.0.

The JSON shapes mirror LSP's Diagnostic (UTF-16 columns, zero-based) so that
tools that already read LSP output read ours; SARIF uses one-based lines and
UTF-16 columns (its default ``columnKind``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from aurelis import __version__
from aurelis.analysis.engine import Report
from aurelis.analysis.rule import DOCS_BASE, Finding, Rule, Severity, Tag
from aurelis.workspace.document import Document
from aurelis.workspace.positions import Encoding

LSP_SEVERITY = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3, Severity.HINT: 4}
LSP_TAG = {Tag.UNNECESSARY: 1, Tag.DEPRECATED: 2}
SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.HINT: "note",
}


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def text_line(path: Path, doc: Document, f: Finding) -> str:
    pos = doc.position_at(f.start, Encoding.UTF32)
    return f"{display_path(path)}:{pos.line + 1}:{pos.character + 1}: {f.code} {f.message}"


def lsp_diagnostic(doc: Document, report: Report, f: Finding) -> dict[str, Any]:
    rule = report.rule_of(f)
    start, end = doc.position_at(f.start, Encoding.UTF16), doc.position_at(f.end, Encoding.UTF16)
    out: dict[str, Any] = {
        "range": {
            "start": {"line": start.line, "character": start.character},
            "end": {"line": end.line, "character": end.character},
        },
        "severity": LSP_SEVERITY[f.severity or rule.severity],
        "code": f.code,
        "codeDescription": {"href": rule.docs_url()},
        "source": "aurelis",
        "message": f.message,
        "data": {"rule": rule.name, "category": rule.category.value, "fixable": f.fix is not None, **f.data},
    }
    if f.tags:
        out["tags"] = sorted(LSP_TAG[t] for t in f.tags)
    if f.related:
        out["relatedInformation"] = [
            {
                "location": {
                    "uri": r.uri,
                    "range": {
                        "start": {"line": r.start_line, "character": r.start_col},
                        "end": {"line": r.end_line, "character": r.end_col},
                    },
                },
                "message": r.message,
            }
            for r in f.related
        ]
    return out


def sarif(results: list[tuple[Path, Document, Report]], rules: list[type[Rule]]) -> dict[str, Any]:
    index = {r.code: i for i, r in enumerate(rules)}
    out_results = []
    for path, doc, report in results:
        for f in report.findings:
            rule = report.rule_of(f)
            start, end = doc.position_at(f.start, Encoding.UTF16), doc.position_at(f.end, Encoding.UTF16)
            out_results.append(
                {
                    "ruleId": f.code,
                    "ruleIndex": index.get(f.code, -1),
                    "level": SARIF_LEVEL[f.severity or rule.severity],
                    "message": {"text": f.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": Path(display_path(path)).as_posix()},
                                "region": {
                                    "startLine": start.line + 1,
                                    "startColumn": start.character + 1,
                                    "endLine": end.line + 1,
                                    "endColumn": end.character + 1,
                                },
                            }
                        }
                    ],
                }
            )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aurelis",
                        "version": __version__,
                        "informationUri": DOCS_BASE,
                        "rules": [_sarif_rule(r) for r in rules],
                    }
                },
                "columnKind": "utf16CodeUnits",
                "results": out_results,
            }
        ],
    }


def _sarif_rule(rule: type[Rule]) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "helpUri": rule.docs_url(),
        "help": {
            "text": f"{rule.description}\n\nBad:\n{rule.bad}\n\nGood:\n{rule.good}",
            "markdown": f"{rule.description}\n\nBad:\n```python\n{rule.bad}\n```\n\nGood:\n```python\n{rule.good}\n```",
        },
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity], "enabled": rule.enabled_by_default},
        "properties": {
            "category": rule.category.value,
            "tags": [rule.category.value],
            "fixable": rule.fixable,
        },
    }
