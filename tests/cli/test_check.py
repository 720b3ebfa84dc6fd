"""`aurelis check` as a user runs it: a real subprocess over real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BAD = "import os\nimport yaml\n\n\ndef load(s):\n    try:\n        return yaml.load(s)\n    except:\n        return None\n"
CLEAN = "import sys\n\nprint(sys.argv)\n"


def check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aurelis", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bad.py").write_text(BAD)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    (tmp_path / "notes.txt").write_text("import os\n")
    return tmp_path


def only_mine(lines: list[str]) -> list[str]:
    return [line for line in lines if any(c in line for c in ("AUR401", "AUR102", "AUR203"))]


def test_text_output_and_exit_codes(project: Path):
    out = check("pkg", cwd=project)
    assert out.returncode == 1
    assert only_mine(out.stdout.splitlines()) == [
        "pkg/bad.py:1:8: AUR401 `os` imported but unused",
        "pkg/bad.py:7:16: AUR203 `yaml.load` without a safe Loader can construct arbitrary objects; use `safe_load`",
        "pkg/bad.py:8:5: AUR102 Bare `except:` also catches KeyboardInterrupt and SystemExit; catch `Exception`",
    ]
    assert "problems in 2 files" in out.stderr
    clean = check("pkg/clean.py", cwd=project)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_select_and_ignore(project: Path):
    out = check("pkg", "--select", "AUR401,security", cwd=project)
    assert [line.split()[1] for line in out.stdout.splitlines()] == ["AUR401", "AUR203"]
    out = check("pkg", "--select", "AUR401", "--ignore", "AUR401", cwd=project)
    assert (out.returncode, out.stdout) == (0, "")
    out = check("pkg", "--select", "AUR401,AUR203", "--ignore", "security", cwd=project)
    assert [line.split()[1] for line in out.stdout.splitlines()] == ["AUR401", "AUR203"]  # explicit code wins


def test_usage_errors_exit_2(project: Path):
    assert check("missing_dir", cwd=project).returncode == 2
    bad = check("pkg", "--select", "NOPE1", cwd=project)
    assert bad.returncode == 2 and "unknown rule selector" in bad.stderr
    assert check("pkg", "--format", "xml", cwd=project).returncode == 2


def test_json_is_lsp_diagnostics(project: Path):
    out = check("pkg", "--format", "json", "--select", "AUR401", cwd=project)
    (entry,) = json.loads(out.stdout)
    assert entry["uri"].endswith("/pkg/bad.py")
    (diag,) = entry["diagnostics"]
    assert diag["range"] == {"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 9}}
    assert diag["code"] == "AUR401" and diag["source"] == "aurelis" and diag["severity"] == 2
    assert diag["tags"] == [1]
    assert diag["data"] == {"rule": "unused-import", "category": "maintainability", "fixable": True}
    assert diag["codeDescription"]["href"].endswith("#aur401-unused-import")


def test_sarif_has_rule_metadata_and_results(project: Path):
    out = check("pkg", "--format", "sarif", "--select", "AUR401,AUR102,AUR203", cwd=project)
    sarif = json.loads(out.stdout)
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["AUR102", "AUR203", "AUR401"]
    assert rules[1]["name"] == "unsafe-yaml-load" and rules[1]["defaultConfiguration"]["level"] == "error"
    assert rules[1]["helpUri"].endswith("#aur203-unsafe-yaml-load")
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("AUR401", "warning"),
        ("AUR203", "error"),
        ("AUR102", "warning"),
    ]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 8, "endLine": 1, "endColumn": 10}
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/bad.py"
    assert rules[results[0]["ruleIndex"]]["id"] == "AUR401"


def test_fix_rewrites_in_place_and_skips_files_that_do_not_parse(project: Path):
    broken = project / "pkg" / "broken.py"
    broken.write_text("import os\ndef f(:\n")
    out = check("pkg", "--fix", "--select", "AUR401,AUR102,AUR203", cwd=project)
    assert (project / "pkg" / "bad.py").read_text() == (
        "import yaml\n\n\ndef load(s):\n    try:\n        return yaml.safe_load(s)\n    except Exception:\n        return None\n"
    )
    assert broken.read_text() == "import os\ndef f(:\n"
    assert "pkg/broken.py: not fixed: the file does not parse" in out.stderr
    assert out.returncode == 0  # nothing left in the files that parse; the broken one has no AST findings
    assert not list(project.rglob("*.aurelis-tmp"))
    again = check("pkg", "--select", "AUR401,AUR102,AUR203", cwd=project)
    assert again.returncode == 0


def test_reads_tool_aurelis_from_nearest_pyproject(project: Path):
    (project / "pyproject.toml").write_text(
        "[tool.aurelis.analysis]\nignore = ['AUR203']\nseverity = {AUR401 = 'error'}\n"
        "per-file-ignores = {'pkg/bad.py' = ['AUR102']}\n"
    )
    out = check("pkg", "--format", "json", "--select", "AUR401,AUR102,AUR203", cwd=project)
    (entry,) = json.loads(out.stdout)
    assert [(d["code"], d["severity"]) for d in entry["diagnostics"]] == [("AUR401", 1)]
