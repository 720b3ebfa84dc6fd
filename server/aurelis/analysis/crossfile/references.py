"""The workspace reference table: which module-level functions and classes are
used anywhere in the workspace. Updated one file at a time (a changed file
replaces its row), so re-checking after an edit costs one parse.

A definition is alive when its name is used outside its own body anywhere in
the workspace, or when it is a root: listed in its module's ``__all__``, a
dunder, registered by a decorator (any decorator but the pure wrappers), an
entry point, ``main``/``test_*``/``pytest_*``, defined in a test file, or a
subclass of a class the code discovers by type (``issubclass(x, Base)``,
``Base.__subclasses__()``, ``Base.__init_subclass__``: plugin registries).
"""

from __future__ import annotations

import configparser
import hashlib
import re
from collections import Counter
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from aurelis.analysis.crossfile.facts import PURE_DECORATORS, Definition, FileFacts, file_facts
from aurelis.analysis.crossfile.project_imports import ProjectImports

ROOT_NAMES = frozenset({"main", "setUpModule", "tearDownModule", "load_tests", "setup", "teardown"})
_ROOT_PREFIXES = ("test_", "pytest_")
_ENTRY = re.compile(r"[\w.]+\s*:\s*([\w.]+)")


class ReferenceTable:
    def __init__(self) -> None:
        self._files: dict[str, FileFacts] = {}
        self._digest: dict[str, str] = {}
        self._totals: Counter[str] = Counter()
        self.entry_points: set[str] = set()
        self._plugin_bases: set[str] | None = None  # cache, dropped on every update
        self._graph: ProjectImports | None = None  # cache, dropped on every update
        # library mode (a distributable package): documented public names of public modules
        # without `__all__` are API, used by whoever installs the package
        self.library = False

    # -- rows ------------------------------------------------------------------
    def update(self, path: str, source: bytes) -> bool:
        """Replace ``path``'s row; False when its content did not change."""
        digest = hashlib.blake2b(source, digest_size=16).hexdigest()
        if self._digest.get(path) == digest:
            return False
        old = self._files.get(path)
        self.remove(path, keep_graph=True)
        facts = file_facts(path, source)
        self._files[path] = facts
        self._digest[path] = digest
        for name, lines in facts.refs.items():
            self._totals[name] += len(lines)
        self._plugin_bases = None
        if old is None or old.imports != facts.imports:
            self._graph = None  # an edit that changes no import keeps the graph
        return True

    def remove(self, path: str, keep_graph: bool = False) -> None:
        old = self._files.pop(path, None)
        self._digest.pop(path, None)
        if old is None:
            return
        for name, lines in old.refs.items():
            self._totals[name] -= len(lines)
            if self._totals[name] <= 0:
                del self._totals[name]
        self._plugin_bases = None
        if not keep_graph:
            self._graph = None

    def paths(self) -> list[str]:
        return list(self._files)

    def facts(self, path: str) -> FileFacts | None:
        return self._files.get(path)

    def import_graph(self) -> ProjectImports:
        """The workspace import graph. Safe to call from another thread than the updater's:
        it is built from a copy of the rows (facts are replaced, never changed in place)."""
        graph = self._graph
        if graph is None:
            rows = dict(self._files)
            graph = self._graph = ProjectImports({p: f.imports for p, f in rows.items()})
        return graph

    def uses(self, name: str) -> int:
        return self._totals.get(name, 0)

    # -- entry points ------------------------------------------------------------
    def read_entry_points(self, root: Path) -> None:
        """Names of entry points declared in ``root``'s pyproject.toml / setup.cfg."""
        self.entry_points |= entry_point_names(root)

    # -- the question ------------------------------------------------------------
    def unused(self, path: str) -> list[Definition]:
        """Module-level definitions of ``path`` that nothing in the workspace uses."""
        facts = self._files.get(path)
        if facts is None or facts.is_test:
            return []
        return [d for d in facts.definitions if not self.is_alive(d, facts)]

    def is_alive(self, d: Definition, facts: FileFacts) -> bool:
        name = d.name
        if facts.is_test or name in facts.exported or name in self.entry_points or name in ROOT_NAMES:
            return True
        if (name.startswith("__") and name.endswith("__")) or name.startswith(_ROOT_PREFIXES):
            return True
        if self.library and is_api(d, facts):
            return True
        if any(dec not in PURE_DECORATORS for dec in d.decorators):
            return True  # @app.route, @pytest.fixture, @register…: used by whoever collects it
        if d.kind == "class" and set(d.bases) & self.plugin_bases():
            return True  # found by type (a registry walks the subclasses)
        own_inside = sum(1 for line in facts.refs.get(name, ()) if d.first_line <= line <= d.last_line)
        return self._totals.get(name, 0) - own_inside > 0

    def plugin_bases(self) -> set[str]:
        """Classes whose subclasses are found by type, closed over subclassing."""
        if self._plugin_bases is None:
            found: set[str] = set()
            classes: list[Definition] = []
            for facts in self._files.values():
                found |= facts.discovered_bases
                for d in facts.definitions:
                    if d.kind == "class":
                        classes.append(d)
                        if d.defines_init_subclass:
                            found.add(d.name)
            changed = True
            while changed:  # a subclass of a plugin base is a plugin base for its own subclasses
                changed = False
                for d in classes:
                    if d.name not in found and set(d.bases) & found:
                        found.add(d.name)
                        changed = True
            self._plugin_bases = found
        return self._plugin_bases


def is_api(d: Definition, facts: FileFacts) -> bool:
    """Public API of a library: a public, documented name of a public module that does not
    declare ``__all__`` (a module that does has said what its API is: the list)."""
    if facts.has_all or d.name.startswith("_") or not d.documented:
        return False
    parts = facts.path.split("/")
    return not any(p.startswith("_") and p not in ("__init__.py", "__main__.py") for p in parts[-3:])


def distributable(root: Path) -> bool:
    """``root`` builds a package others install: pyproject.toml with a [project] name (or
    Poetry's), setup.py, or setup.cfg with a [metadata] name."""
    if (root / "setup.py").is_file():
        return True
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    except (OSError, ValueError):
        data = {}
    if isinstance(data, dict) and (
        data.get("project", {}).get("name") or data.get("tool", {}).get("poetry", {}).get("name")
    ):
        return True
    cfg = configparser.ConfigParser(interpolation=None)
    try:
        cfg.read(root / "setup.cfg", encoding="utf-8")
        return cfg.has_option("metadata", "name")
    except (configparser.Error, UnicodeDecodeError):
        return False


def entry_point_names(root: Path) -> set[str]:
    """Attribute names of ``module:attr`` entry points in pyproject.toml and setup.cfg."""
    values: list[str] = []
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    except (OSError, ValueError):
        data = {}
    project = data.get("project", {}) if isinstance(data, dict) else {}
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data, dict) else {}
    for table in (
        project.get("scripts"),
        project.get("gui-scripts"),
        poetry.get("scripts"),
        *(project.get("entry-points", {}) or {}).values(),
        *(poetry.get("plugins", {}) or {}).values(),
    ):
        if isinstance(table, dict):
            values.extend(
                str(v.get("reference", v.get("callable", ""))) if isinstance(v, dict) else str(v)
                for v in table.values()
            )
    cfg = configparser.ConfigParser(interpolation=None)
    try:
        cfg.read(root / "setup.cfg", encoding="utf-8")
        if cfg.has_section("options.entry_points"):
            values.extend(cfg["options.entry_points"].values())
    except (configparser.Error, UnicodeDecodeError):
        pass
    names: set[str] = set()
    for value in values:
        for m in _ENTRY.finditer(value):
            names.update(m.group(1).split("."))
    return names
