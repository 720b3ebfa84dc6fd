"""The workspace import graph: which module-level names of a file other files take
from it, and whether every such import still resolves after a set of edits.

This is what keeps a fix from breaking the project: a name another module imports
(`from m import name`, `m.name`), that `__all__` lists, or that a package
`__init__` re-exports is *protected* in its module, and a fix that would unbind
it is refused (``fixes.py``). ``aurelis check --fix`` also checks the whole set
of changed files together (``broken``) before it writes any of them.

Modules are named from the files: a file's dotted name runs up through the
directories holding an ``__init__.py`` (``src/requests/compat.py`` ->
``requests.compat``); relative imports are resolved from the importing file.
Imports of modules outside the workspace are not its business.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from aurelis.analysis.crossfile.imports import ImportFacts, ModuleRef, parse_facts


@dataclass(frozen=True, slots=True)
class Use:
    """``importer`` takes ``name`` from the module file ``target`` (line of the use)."""

    importer: str
    target: str
    name: str
    line: int
    how: str  # "from" | "attr" | "star"


def _module_name(path: str, paths: set[str]) -> str:
    p = PurePosixPath(path)
    parts = [] if p.stem == "__init__" else [p.stem]
    d = p.parent
    while any(str(d / init) in paths for init in ("__init__.py", "__init__.pyi")):
        parts.append(d.name)
        if d.parent == d:
            break
        d = d.parent
    return ".".join(reversed(parts))


class ProjectImports:
    """The import graph of a set of files, from their ``ImportFacts`` (None: did not parse)."""

    def __init__(self, facts: Mapping[str, ImportFacts | None]) -> None:
        self.facts = dict(facts)
        paths = set(self.facts)
        self.names = {p: _module_name(p, paths) for p in paths}
        self.modules: dict[str, list[str]] = {}
        for p, name in self.names.items():
            if name:
                self.modules.setdefault(name, []).append(p)
        self._uses: dict[str, list[Use]] | None = None

    @classmethod
    def from_sources(cls, sources: Mapping[str, bytes]) -> ProjectImports:
        return cls({p: parse_facts(s) for p, s in sources.items() if p.endswith((".py", ".pyi"))})

    def with_sources(self, changed: Mapping[str, bytes]) -> ProjectImports:
        """The graph after replacing the files in ``changed`` (same set of paths)."""
        facts = dict(self.facts)
        facts.update({p: parse_facts(s) for p, s in changed.items()})
        return ProjectImports(facts)

    # -- resolution ---------------------------------------------------------------------
    def resolve(self, importer: str, ref: ModuleRef) -> list[str]:
        """The workspace files a module reference of ``importer`` names ([] if none)."""
        level, dotted = ref
        if level:
            own = self.names.get(importer, "").split(".") if self.names.get(importer) else []
            package = own if PurePosixPath(importer).stem == "__init__" else own[:-1]
            if level - 1 > len(package):
                return []
            base = package[: len(package) - (level - 1)]
            dotted = ".".join([*base, *([dotted] if dotted else [])])
        return self.modules.get(dotted, []) if dotted else []

    def uses(self) -> dict[str, list[Use]]:
        """Target file -> every use of its names by other files."""
        if self._uses is None:
            out: dict[str, list[Use]] = {}
            for importer, f in self.facts.items():
                if f is None:
                    continue
                for how, uses in (("from", f.from_imports), ("attr", f.attr_uses)):
                    for ref, name in uses:
                        for t in self.resolve(importer, ref):
                            if t != importer:
                                line = f.lines.get((ref, name), 0)
                                out.setdefault(t, []).append(Use(importer, t, name, line, how))
                for ref in f.star_imports:
                    for t in self.resolve(importer, ref):
                        if t != importer:
                            out.setdefault(t, []).append(Use(importer, t, "*", 0, "star"))
            self._uses = out
        return self._uses

    def protected(self, path: str) -> frozenset[str]:
        """Module-level names of ``path`` a fix must keep bound: imported by another module,
        listed in ``__all__``, or (under a star import without ``__all__``) any public name."""
        f = self.facts.get(path)
        names: set[str] = set(f.exported) if f is not None else set()
        for use in self.uses().get(path, ()):
            if use.how == "star":
                if f is not None and not f.exported:
                    names.update(n for n in f.bound if not n.startswith("_"))
            else:
                names.add(use.name)
        return frozenset(names)

    def resolves(self, use: Use) -> bool:
        """Does ``use.name`` exist in its target (bound there, a submodule, or dynamic)?"""
        if use.how == "star":
            return True
        f = self.facts.get(use.target)
        if f is None or f.dynamic or use.name in f.bound:
            return True
        if PurePosixPath(use.target).stem == "__init__":
            package = self.names.get(use.target, "")
            return (f"{package}.{use.name}" if package else use.name) in self.modules
        return False

    def broken(self, after: ProjectImports) -> list[Use]:
        """Uses that resolve here and no longer do in ``after`` (the same files, edited)."""
        before = {
            (u.importer, u.target, u.name, u.how)
            for us in self.uses().values()
            for u in us
            if self.resolves(u)
        }
        out = []
        for us in after.uses().values():
            for u in us:
                if (u.importer, u.target, u.name, u.how) in before and not after.resolves(u):
                    out.append(u)
        return sorted(out, key=lambda u: (u.target, u.name, u.importer, u.line))


_SKIP_DIRS = {"node_modules", "__pycache__", "venv", "site-packages"}


def project_sources(root: Path, max_bytes: int = 4 * 1024 * 1024) -> dict[str, bytes]:
    """Every Python file under ``root`` (resolved posix path -> bytes), hidden and
    virtualenv directories left out: what may import what is checked against these."""
    from collections import Counter

    from aurelis.workspace import containment

    out: dict[str, bytes] = {}
    root = root.resolve()

    def prune(rel: str, name: str) -> bool:
        # os.path.exists: False (not an exception) inside a directory we may not read
        return name.startswith(".") or name in _SKIP_DIRS or os.path.exists(root / rel / "pyvenv.cfg")

    def want(rel: str, name: str) -> bool:
        return name.endswith((".py", ".pyi"))

    # containment.walk: links out of the project, FIFOs (a read would block) and loops are left out
    for _rel, path in containment.walk(root, Counter(), prune_dir=prune, want_file=want):
        data, _reason = containment.read_regular(path, max_bytes)
        if data is not None:
            out[path.as_posix()] = data
    return out
