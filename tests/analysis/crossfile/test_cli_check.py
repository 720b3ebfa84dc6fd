"""`aurelis check` runs the cross-file rules over the project of the checked paths."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.analysis.crossfile.workspace_fixture import make_project


def check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aurelis", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_dead_code_in_text_json_and_sarif(tmp_path: Path):
    root = make_project(tmp_path)
    out = check("shop/billing.py", "--select", "AUR411", cwd=root)
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        "shop/billing.py:36:5: AUR411 Function `never_called` is never referenced in the workspace"
    ]
    # the other files of the project count as users even though only one file was checked
    assert check("shop/orders.py", "--select", "AUR411", cwd=root).returncode == 0

    data = json.loads(check("shop", "--select", "AUR411", "--format", "json", cwd=root).stdout)
    [entry] = data
    assert entry["uri"] == (root / "shop/billing.py").as_uri()
    [diag] = entry["diagnostics"]
    assert diag["code"] == "AUR411" and diag["tags"] == [1]
    assert diag["range"] == {"start": {"line": 35, "character": 4}, "end": {"line": 35, "character": 16}}

    sarif = json.loads(check("shop", "--select", "AUR411", "--format", "sarif", cwd=root).stdout)
    run = sarif["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["AUR411"]
    assert [r["ruleId"] for r in run["results"]] == ["AUR411"]


def test_ignoring_the_cross_file_rules_reads_nothing_extra(tmp_path: Path):
    root = make_project(tmp_path)
    out = check("shop", "--select", "AUR411", "--ignore", "AUR411", cwd=root)
    assert (out.returncode, out.stdout) == (0, "")
