"""Fixes never break another file of the project: names other modules import stay bound,
and `aurelis check --fix` checks the changed files together before writing any."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aurelis.analysis.crossfile.project_imports import ProjectImports, project_sources
from aurelis.analysis.fix_set import check_set, write_all
from aurelis.analysis.fixes import fix_all, verify
from aurelis.analysis.registry import by_code
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import doc_of

UNUSED = AnalysisSettings(select=["AUR401"])

URLS = (
    '"""Re-exports for the rest of the package."""\n'
    "import os\n"
    "from collections import OrderedDict\n"
    "from urllib.parse import (\n"
    "    quote,\n"
    "    urlparse,\n"
    "    unquote,\n"
    ")\n"
)


def test_fix_all_keeps_protected_names_and_removes_the_rest():
    doc = doc_of(URLS, "/p/pkg/urls.py")
    result = fix_all(doc, UNUSED, protected=frozenset({"quote", "OrderedDict"}))
    text = result.source.decode()
    assert "import os" not in text and "unquote" not in text and "urlparse" not in text
    assert "from collections import OrderedDict" in text and "    quote,\n" in text
    compile(text, "urls.py", "exec")
    # without the project's facts, everything goes (the single-file behaviour)
    assert "quote" not in fix_all(doc, UNUSED).source.decode()


def test_a_protected_import_is_a_re_export_not_a_finding():
    doc = doc_of(URLS, "/p/pkg/urls.py")
    from aurelis.analysis.engine import analyze

    flagged = [f.message for f in analyze(doc, UNUSED, exports=frozenset({"quote", "urlparse"})).findings]
    assert flagged == [
        "`os` imported but unused",
        "`OrderedDict` imported but unused",
        "`unquote` imported but unused",
    ]


def test_verify_refuses_a_fix_that_unbinds_a_protected_name():
    doc = doc_of(URLS, "/p/pkg/urls.py")
    from aurelis.analysis.engine import analyze

    report = analyze(doc, UNUSED)
    os_finding = next(f for f in report.findings if "`os`" in f.message)
    rule = by_code()["AUR401"]
    assert verify(doc, os_finding.fix, rule, UNUSED)
    assert not verify(doc, os_finding.fix, rule, UNUSED, protected=frozenset({"os"}))


def _project(tmp_path: Path) -> Path:
    files = {
        "pyproject.toml": "[project]\nname = 'pkg'\nversion = '0'\n",
        "src/pkg/__init__.py": "from .api import get\nfrom . import urls\n",
        "src/pkg/urls.py": URLS,
        "src/pkg/api.py": (
            "import sys\n"
            "from .urls import quote, urlparse\n"
            "from .utils import (  # noqa: F401\n"
            "    helper,\n"
            "    legacy,\n"
            ")\n"
            "def get(url):\n"
            "    return quote(url), urlparse(url)\n"
        ),
        "src/pkg/utils.py": "import json\nfrom os.path import join\n\ndef helper():\n    return join('a', 'b')\n\nlegacy = 1\n",
        "tests/test_api.py": "from pkg.urls import unquote\nfrom pkg.utils import join\n\ndef test_it():\n    assert unquote\n",
    }
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp_path


def _check_fix(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aurelis", "check", "--fix", "--select", "AUR401", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_fix_keeps_what_other_modules_import(tmp_path: Path):
    root = _project(tmp_path)
    out = _check_fix(root)
    urls = (root / "src/pkg/urls.py").read_text()
    utils = (root / "src/pkg/utils.py").read_text()
    api = (root / "src/pkg/api.py").read_text()
    # removed: what nobody uses
    assert "import os" not in urls and "OrderedDict" not in urls
    assert "import json" not in utils and "import sys" not in api
    # kept: imported by siblings and by the tests, and the suppression comment on the first line of the import
    for name in ("quote", "urlparse", "unquote"):
        assert name in urls
    assert "from os.path import join" in utils and "legacy," in api
    # the test module's own unused `join` goes too (the set is checked after every file's fixes)
    assert "from pkg.utils import join" not in (root / "tests/test_api.py").read_text()
    assert "fixed 5 in 4 files" in out.stderr, out.stderr
    # the package still imports and every `from pkg… import …` of it and its tests resolves
    probe = (
        "import pkg, pkg.api, pkg.urls, pkg.utils\n"
        "from pkg.urls import quote, urlparse, unquote\n"
        "from pkg.utils import helper, legacy, join\n"
        "print(pkg.get('a b'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root / "src")},
    )
    assert done.returncode == 0, done.stderr
    # a second run has nothing left to fix
    assert "fixed 0 in 0 files" in _check_fix(root).stderr


def test_the_set_is_refused_when_together_it_breaks_an_import(tmp_path: Path):
    root = _project(tmp_path).resolve()
    graph = ProjectImports.from_sources(project_sources(root))
    urls = (root / "src/pkg/urls.py").as_posix()
    utils = (root / "src/pkg/utils.py").as_posix()
    # each change alone might be fine for its own file; urls's drops `quote`, which api imports
    changed = {
        urls: b"from urllib.parse import urlparse, unquote\n",
        utils: b"from os.path import join\n\ndef helper():\n    return join('a', 'b')\n\nlegacy = 1\n",
        (root / "src/pkg/api.py").as_posix(): b"def get(url):\n    return (\n",
    }
    verdict = check_set(graph, changed)
    assert set(verdict.accepted) == {utils}
    assert "quote" in verdict.refused[urls] and "api.py" in verdict.refused[urls]
    assert verdict.refused[(root / "src/pkg/api.py").as_posix()] == "the fixed text does not parse"


def test_write_all_writes_every_file_or_none(tmp_path: Path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("a = 1\n")
    b.write_text("b = 1\n")
    write_all({a: b"a = 2\n", b: b"b = 2\n"})
    assert (a.read_text(), b.read_text()) == ("a = 2\n", "b = 2\n")
    with pytest.raises(OSError):
        write_all({a: b"a = 3\n", tmp_path / "missing" / "c.py": b"c = 3\n"})
    assert a.read_text() == "a = 2\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".aurelis-tmp")]
