"""The workspace reference table and what counts as used (AUR411's facts)."""

from __future__ import annotations

from pathlib import Path

from aurelis.analysis.crossfile.facts import file_facts
from aurelis.analysis.crossfile.references import ReferenceTable, entry_point_names
from aurelis.analysis.crossfile.runner import load_workspace
from tests.analysis.crossfile.support import write_tree

APP = {
    "pyproject.toml": """
        [project]
        name = "app"
        [project.scripts]
        app-cli = "app.cli:launch"
        [project.entry-points."app.plugins"]
        csv = "app.plugins:CsvPlugin"
    """,
    "app/__init__.py": "",
    "app/util.py": '''
        """Helpers."""
        import functools

        __all__ = ["exported_helper"]


        def used_elsewhere(x):
            return x


        def exported_helper():
            pass


        def never_used():
            return 1


        def only_recursive(n):
            return only_recursive(n - 1) if n else 0


        @functools.lru_cache(maxsize=None)
        def cached_but_unused():
            return 2


        @app.route("/hook")
        def registered_by_decorator():
            pass


        def __getattr__(name):
            raise AttributeError(name)


        def used_by_string():
            pass


        def used_in_tests_only():
            pass


        def main():
            pass


        class UnusedClass:
            pass


        class Base:
            pass


        class Unused(Base):
            pass


        def used_via_attribute():
            pass


        def mentioned_in_docstring_only():
            """Nothing calls mentioned_in_docstring_only."""
    ''',
    "app/plugins.py": """
        class Plugin:
            pass


        class CsvPlugin(Plugin):
            pass


        class JsonPlugin(Plugin):
            pass


        class XmlPlugin(JsonPlugin):
            pass


        def discover(module):
            return [o for o in vars(module).values() if isinstance(o, type) and issubclass(o, Plugin)]
    """,
    "app/cli.py": """
        from app.util import used_elsewhere
        from app.plugins import discover
        import app.util as u


        def launch():
            used_elsewhere(1)
            u.used_via_attribute()
            discover(u)
            return getattr(u, "used_by_string")
    """,
    "app/broken.py": "def half(:\n    return never_used_but_named_here\n",
    "tests/test_util.py": """
        from app.util import used_in_tests_only


        def helper_in_tests():
            pass


        def test_it():
            used_in_tests_only()
    """,
}


def unused(root: Path, rel: str) -> list[str]:
    ws = load_workspace(root)
    return [d.name for d in ws.references.unused((root / rel).as_posix())]


def test_unused_definitions_are_found_and_roots_are_kept(tmp_path: Path):
    root = write_tree(tmp_path, APP)
    assert unused(root, "app/util.py") == [
        "never_used",
        "only_recursive",
        "cached_but_unused",
        "UnusedClass",
        "Unused",
        "mentioned_in_docstring_only",
    ]


def test_plugin_subclasses_found_by_type_and_entry_points_are_alive(tmp_path: Path):
    root = write_tree(tmp_path, APP)
    assert unused(root, "app/plugins.py") == []
    assert unused(root, "app/cli.py") == []  # launch is a [project.scripts] entry point


def test_test_files_are_roots(tmp_path: Path):
    root = write_tree(tmp_path, APP)
    assert unused(root, "tests/test_util.py") == []


def test_a_file_with_a_syntax_error_still_uses_names(tmp_path: Path):
    files = dict(APP)
    files["app/broken.py"] = "def half(:\n    return never_used(\n"
    root = write_tree(tmp_path, files)
    assert "never_used" not in unused(root, "app/util.py")
    facts = file_facts("x.py", b"def half(:\n    return never_used(\n")
    assert not facts.parsed and "never_used" in facts.refs


def test_incremental_updates_add_and_remove_uses(tmp_path: Path):
    table = ReferenceTable()
    table.update("/w/a.py", b"def lonely():\n    pass\n")
    assert [d.name for d in table.unused("/w/a.py")] == ["lonely"]
    assert table.update("/w/b.py", b"from a import lonely\nlonely()\n")
    assert table.unused("/w/a.py") == []
    assert not table.update("/w/b.py", b"from a import lonely\nlonely()\n")  # same content: nothing to do
    table.update("/w/b.py", b"print('bye')\n")
    assert [d.name for d in table.unused("/w/a.py")] == ["lonely"]
    table.update("/w/b.py", b"import a\na.lonely()\n")
    assert table.unused("/w/a.py") == []
    table.remove("/w/b.py")
    assert [d.name for d in table.unused("/w/a.py")] == ["lonely"]
    assert table.uses("lonely") == 0


def test_definitions_have_precise_name_ranges_and_conditional_defs_count():
    src = b"import sys\nif sys.platform == 'win32':\n    def pick():\n        pass\nelse:\n    async  def  pick():\n        pass\n"
    facts = file_facts("/w/m.py", src)
    assert [src[d.start : d.end] for d in facts.definitions] == [b"pick", b"pick"]
    assert [(d.first_line, d.last_line) for d in facts.definitions] == [(3, 4), (6, 7)]


def test_entry_points_from_pyproject_and_setup_cfg(tmp_path: Path):
    root = write_tree(
        tmp_path,
        {
            "pyproject.toml": '[project.scripts]\nx = "pkg.mod:run"\n[project.gui-scripts]\ny = "pkg.gui:App.start"\n',
            "setup.cfg": "[options.entry_points]\nconsole_scripts =\n    z = pkg.other:serve\n",
        },
    )
    assert entry_point_names(root) >= {"run", "App", "start", "serve"}
    assert entry_point_names(tmp_path / "missing") == set()
    (tmp_path / "pyproject.toml").write_text("not [ toml")
    assert entry_point_names(root) == {"serve"}  # a broken file costs its entries, nothing else


def test_all_built_in_steps_is_read():
    src = (
        b"__all__ = ['a']\n__all__ += ['b']\n__all__.extend(['c'])\n__all__.append('d')\n"
        b"def a(): pass\ndef b(): pass\ndef c(): pass\ndef d(): pass\ndef e(): pass\n"
    )
    table = ReferenceTable()
    table.update("/w/m.py", src)
    assert [d.name for d in table.unused("/w/m.py")] == ["e"]
