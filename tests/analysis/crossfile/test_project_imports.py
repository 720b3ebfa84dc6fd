"""The workspace import graph: names other modules take from a module are protected,
and a set of edits that unbinds one is caught."""

from __future__ import annotations

from pathlib import Path

from aurelis.analysis.crossfile.project_imports import ProjectImports, project_sources

FILES = {
    "src/pkg/__init__.py": "from .models import Request\nfrom . import compat\n__all__ = ['Request', 'helper']\n",
    "src/pkg/compat.py": "from urllib.parse import quote, urlparse, urljoin\nimport json\nfrom json import loads\n",
    "src/pkg/models.py": "from .compat import quote\nfrom pkg import compat\nclass Request:\n    x = compat.urlparse\n",
    "src/pkg/sub/__init__.py": "",
    "src/pkg/sub/deep.py": "from ..compat import urljoin as uj\nimport pkg.compat as c\nc.json\n",
    "src/pkg/star.py": "from .helpers import *\n",
    "src/pkg/helpers.py": "import os\n_private = 1\npublic = 2\n",
    "tests/test_x.py": "from pkg.compat import loads\nimport pkg.models\npkg.models.Request\n",
    "src/pkg/helper_mod.py": "def helper():\n    pass\n",
}


def _graph(tmp_path: Path) -> tuple[ProjectImports, Path]:
    for rel, text in FILES.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return ProjectImports.from_sources(project_sources(tmp_path)), tmp_path.resolve()


def test_module_names_follow_the_packages(tmp_path: Path):
    graph, root = _graph(tmp_path)
    assert graph.names[(root / "src/pkg/compat.py").as_posix()] == "pkg.compat"
    assert graph.names[(root / "src/pkg/__init__.py").as_posix()] == "pkg"
    assert graph.names[(root / "src/pkg/sub/deep.py").as_posix()] == "pkg.sub.deep"
    assert graph.names[(root / "tests/test_x.py").as_posix()] == "test_x"


def test_names_other_modules_import_are_protected(tmp_path: Path):
    graph, root = _graph(tmp_path)
    # relative `from .compat import quote`, `compat.urlparse` through `from pkg import compat`,
    # `from ..compat import urljoin as uj`, `c.json` through `import pkg.compat as c`, a test's import
    assert graph.protected((root / "src/pkg/compat.py").as_posix()) == {
        "quote",
        "urlparse",
        "urljoin",
        "json",
        "loads",
    }
    # re-exported by the package __init__, and `pkg.models.Request` through `import pkg.models`
    assert "Request" in graph.protected((root / "src/pkg/models.py").as_posix())
    # __all__ of the module itself
    assert {"Request", "helper"} <= graph.protected((root / "src/pkg/__init__.py").as_posix())
    # a star import without __all__ takes every public name
    assert graph.protected((root / "src/pkg/helpers.py").as_posix()) == {"os", "public"}


def test_broken_reports_an_import_that_no_longer_resolves(tmp_path: Path):
    graph, root = _graph(tmp_path)
    compat = (root / "src/pkg/compat.py").as_posix()
    after = graph.with_sources(
        {compat: b"from urllib.parse import quote, urljoin\nimport json\nfrom json import loads\n"}
    )
    [use] = graph.broken(after)
    assert (use.importer, use.name, use.how) == ((root / "src/pkg/models.py").as_posix(), "urlparse", "attr")
    # an edit that keeps every imported name breaks nothing, and a submodule import resolves
    fine = graph.with_sources({compat: FILES["src/pkg/compat.py"].encode() + b"extra = 1\n"})
    assert graph.broken(fine) == []


def test_a_module_getattr_or_star_import_resolves_anything(tmp_path: Path):
    graph, root = _graph(tmp_path)
    compat = (root / "src/pkg/compat.py").as_posix()
    after = graph.with_sources({compat: b"def __getattr__(name):\n    return name\n"})
    assert graph.broken(after) == []
    after = graph.with_sources({compat: b"from urllib.parse import *\nfrom json import *\nimport json\n"})
    assert graph.broken(after) == []
