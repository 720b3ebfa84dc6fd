"""Every ``Rule`` subclass in ``aurelis.analysis.rules`` is registered by importing
the package's modules; adding a rule is adding a module."""

from __future__ import annotations

import functools
import importlib
import pkgutil

from aurelis.analysis import rules as rules_pkg
from aurelis.analysis.rule import Rule


@functools.lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(rules_pkg.__path__):
        module = importlib.import_module(f"{rules_pkg.__name__}.{info.name}")
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, Rule)
                and obj is not Rule
                and obj.__module__ == module.__name__
            ):
                if obj.code in found and found[obj.code] is not obj:
                    raise RuntimeError(
                        f"rule code {obj.code} used by {found[obj.code].__name__} and {obj.__name__}"
                    )
                found[obj.code] = obj
    return tuple(sorted(found.values(), key=lambda r: r.code))


def by_code() -> dict[str, type[Rule]]:
    return {r.code: r for r in all_rules()}
