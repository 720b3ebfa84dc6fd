"""Run in a subprocess with a library copy first on ``sys.path``: import every module of
its package and resolve every ``from pkg… import name`` (and relative import) in the
package and its tests. Prints JSON: what failed, and where each package was loaded from.

    python probe.py SRC_DIR PACKAGE [TESTS_DIR]
"""

from __future__ import annotations

import ast
import importlib
import json
import sys
import warnings
from pathlib import Path


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _import(name: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            importlib.import_module(name)
    except BaseException as exc:  # a module that exits or raises at import is a failure, not a crash
        return f"{type(exc).__name__}: {exc}"[:300]
    return None


def _resolves(module: str, name: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mod = importlib.import_module(module)
    except BaseException:
        return False
    if hasattr(mod, name):
        return True
    return _import(f"{module}.{name}") is None


def main() -> None:
    src, package = Path(sys.argv[1]).resolve(), sys.argv[2]
    tests = Path(sys.argv[3]).resolve() if len(sys.argv) > 3 else None
    sys.path.insert(0, str(src))
    pkg_dir = src / package
    files = sorted(pkg_dir.rglob("*.py"))
    modules = {_module_name(p, src): p for p in files}
    failed_modules = {m: err for m in sorted(modules) if (err := _import(m)) is not None}
    checked = 0
    failed_from: list[str] = []
    for path in files + (sorted(tests.rglob("*.py")) if tests else []):
        try:
            tree = ast.parse(path.read_bytes())
        except SyntaxError as exc:
            failed_from.append(f"{path}: does not parse: {exc}")
            continue
        own = _module_name(path, src) if path.is_relative_to(src) else None
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                if own is None:
                    continue
                base = own.split(".")
                base = base if path.name == "__init__.py" else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != package:
                continue
            for alias in node.names:
                if alias.name == "*":
                    continue
                checked += 1
                if not _resolves(target, alias.name):
                    failed_from.append(f"{path.name}:{node.lineno}: from {target} import {alias.name}")
    loaded = importlib.import_module(package)
    print(
        json.dumps(
            {
                "modules": len(modules),
                "failed_modules": failed_modules,
                "from_imports": checked,
                "failed_from": sorted(set(failed_from)),
                "loaded_from": str(Path(loaded.__file__).resolve()),
            }
        )
    )


if __name__ == "__main__":
    main()
