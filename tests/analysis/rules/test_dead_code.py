"""AUR411 dead-code through the cross-file workspace (the reference table)."""

from __future__ import annotations

from pathlib import Path

from aurelis.analysis.crossfile.runner import load_workspace, run_crossfile
from aurelis.analysis.rule import Tag
from aurelis.analysis.rules.dead_code import DeadCode
from aurelis.config.settings import Settings
from tests.analysis.crossfile.support import write_tree
from tests.analysis.crossfile.workspace_fixture import make_project
from tests.analysis.rule_support import run

FILES = {
    "pyproject.toml": "[project]\nname = 'p'\n",
    "pkg/__init__.py": "",
    "pkg/core.py": """
        import functools


        def helper():
            return 1


        def dead():
            return helper()


        @functools.cache
        def cached_dead():
            return 2


        class DeadClass:
            pass


        def silenced():  # aurelis: ignore[AUR411]
            pass


        def noqa_is_not_enough():  # noqa: F401
            pass
    """,
}


ON = Settings(analysis={"select": ["AUR411"]})  # off by default: selected by code


def _findings(root: Path, rel: str, settings: Settings | None = None):
    ws = load_workspace(root, settings or ON)
    path = (root / rel).as_posix()
    return ws.sources[path], ws.findings(path)


def test_flags_unreferenced_module_level_definitions_on_their_name(tmp_path: Path):
    root = write_tree(tmp_path, FILES)
    source, found = _findings(root, "pkg/core.py")
    assert [source[f.start : f.end].decode() for f in found] == [
        "dead",
        "cached_dead",
        "DeadClass",
        "noqa_is_not_enough",
    ]
    assert found[0].message == "Function `dead` is never referenced in the workspace"
    assert found[2].message == "Class `DeadClass` is never referenced in the workspace"
    assert all(f.code == "AUR411" and f.tags == frozenset({Tag.UNNECESSARY}) for f in found)


def test_roots_and_used_names_are_not_flagged(tmp_path: Path):
    root = make_project(tmp_path)
    for rel in ("shop/orders.py", "shop/cli.py", "shop/registry.py", "tests/test_billing.py"):
        assert _findings(root, rel)[1] == [], rel
    assert [f.data["name"] for f in _findings(root, "shop/billing.py")[1]] == ["never_called"]


def test_select_ignore_and_per_file_ignores_apply(tmp_path: Path):
    root = write_tree(tmp_path, FILES)
    assert (
        _findings(root, "pkg/core.py", Settings(analysis={"select": ["AUR411"], "ignore": ["AUR411"]}))[1]
        == []
    )
    assert (
        _findings(
            root,
            "pkg/core.py",
            Settings(analysis={"select": ["AUR411"], "per_file_ignores": {"pkg/*": ["AUR411"]}}),
        )[1]
        == []
    )
    assert (
        _findings(root, "pkg/core.py", Settings(analysis={"select": ["AUR411"], "cross_file": False}))[1]
        == []
    )
    raised = _findings(
        root, "pkg/core.py", Settings(analysis={"select": ["AUR411"], "severity": {"AUR411": "warning"}})
    )[1]
    assert {f.severity.value for f in raised} == {"warning"}


def test_run_crossfile_reports_only_the_checked_paths_but_reads_the_project(tmp_path: Path):
    root = make_project(tmp_path)
    only = run_crossfile([root / "shop/billing.py"], ON, use_index=False)
    assert list(only) == [(root / "shop/billing.py").as_posix()]
    assert [f.data["name"] for f in only[(root / "shop/billing.py").as_posix()]] == ["never_called"]
    assert run_crossfile([root / "shop/orders.py"], ON, use_index=False) == {}  # its uses live elsewhere
    assert run_crossfile([root / "shop/billing.py"], use_index=False) == {}  # AUR411 is off by default


def test_without_a_workspace_the_rule_is_silent():
    assert run(DeadCode, "def dead():\n    pass\n") == []
    assert run(DeadCode, "def broken(:\n") == []


LIBRARY = {
    "pkg/api.py": '''
        def fetch(url):
            """Fetch a URL: public and documented, so API of the library."""
            return url


        def undocumented(url):
            return url


        def _private(url):
            """Private, documented or not."""
            return url
    ''',
    "pkg/listed.py": '''
        __all__ = ["listed"]


        def listed():
            """In __all__."""


        def documented_but_not_listed():
            """The module says its API is __all__."""
    ''',
    "pkg/_impl.py": '''
        def impl_helper():
            """Documented, but in a private module."""
    ''',
}


def test_library_mode_keeps_the_documented_public_api(tmp_path: Path):
    root = write_tree(tmp_path, {**FILES, **LIBRARY})  # pyproject.toml with a [project] name
    names = lambda rel, s=None: {f.data["name"] for f in _findings(root, rel, s)[1]}  # noqa: E731
    assert names("pkg/api.py") == {"undocumented", "_private"}
    assert names("pkg/listed.py") == {"documented_but_not_listed"}
    assert names("pkg/_impl.py") == {"impl_helper"}
    off = Settings(analysis={"select": ["AUR411"], "library_mode": "off"})
    assert names("pkg/api.py", off) == {"fetch", "undocumented", "_private"}


def test_library_mode_is_off_for_an_application_folder(tmp_path: Path):
    files = {**FILES, **LIBRARY, "pyproject.toml": "[tool.ruff]\nline-length = 100\n"}
    root = write_tree(tmp_path, files)
    every = {"fetch", "undocumented", "_private"}
    assert {f.data["name"] for f in _findings(root, "pkg/api.py")[1]} == every
    on = Settings(analysis={"select": ["AUR411"], "library_mode": "on"})
    assert {f.data["name"] for f in _findings(root, "pkg/api.py", on)[1]} == every - {"fetch"}
