"""Which rules run on a file, and at which severity.

A selector is a code (`AUR401`), a code prefix (`AUR4`), a category name
(`security`) or `ALL`. Like ruff, the more specific selector wins: `select =
["AUR4"]` with `ignore = ["AUR401"]` drops AUR401 only, and an explicit code in
`select` beats a category in `ignore`.
"""

from __future__ import annotations

import contextlib
import fnmatch
from collections.abc import Iterable, Mapping
from pathlib import PurePath

from aurelis.analysis.rule import Rule, Severity


def specificity(selector: str, rule: type[Rule]) -> int:
    """How specifically ``selector`` names ``rule``: -1 no match, 0 ALL, 1 category, 2+ prefix length."""
    s = selector.strip()
    if not s:
        return -1
    if s.upper() == "ALL":
        return 0
    if s.lower() == rule.category.value:
        return 1
    if s.lower() == rule.name:
        return 100  # the kebab-case name is as specific as the code
    if rule.code.upper().startswith(s.upper()):
        return 1 + len(s)
    return -1


def best(selectors: Iterable[str], rule: type[Rule]) -> int:
    return max((specificity(s, rule) for s in selectors), default=-1)


def is_enabled(rule: type[Rule], select: list[str], extend_select: list[str], ignore: list[str]) -> bool:
    chosen = list(select) + list(extend_select)
    if chosen:
        sel = best(chosen, rule)
        # A rule that is off by default needs its own code (or its category / ALL spelled out).
        if not rule.enabled_by_default and not any(
            s.strip().upper() in ("ALL", rule.code) or s.strip().lower() in (rule.name, rule.category.value)
            for s in chosen
        ):
            sel = -1
        if not select and rule.enabled_by_default:
            sel = max(sel, 0)  # only extend_select given: the defaults stay on
    else:
        sel = 0 if rule.enabled_by_default else -1
    if sel < 0:
        return False
    return sel > best(ignore, rule)


def severity_for(rule: type[Rule], overrides: dict[str, str]) -> Severity:
    return override_for(rule, overrides) or rule.severity


def override_for(rule: type[Rule], overrides: Mapping[str, str]) -> Severity | None:
    """The user's severity for ``rule`` (most specific selector wins), or None."""
    chosen: tuple[int, str] | None = None
    for selector, sev in overrides.items():
        score = specificity(selector, rule)
        if score >= 0 and (chosen is None or score > chosen[0]):
            chosen = (score, sev)
    if chosen is None:
        return None
    try:
        return Severity(chosen[1])
    except ValueError:
        return None


def path_matches(path: PurePath | None, pattern: str, root: PurePath | None = None) -> bool:
    """``pattern`` against the path relative to ``root`` or any trailing part of it (`*` crosses `/`)."""
    if path is None:
        return False
    pat = pattern.strip()
    pat = pat[2:] if pat.startswith("./") else pat
    candidates: list[str] = []
    if root is not None:
        with contextlib.suppress(ValueError):
            candidates.append(path.relative_to(root).as_posix())
    parts = path.parts
    candidates += ["/".join(parts[i:]) for i in range(len(parts))]
    candidates.append(path.as_posix())
    for c in candidates:
        if fnmatch.fnmatchcase(c, pat) or (pat.endswith("/") and fnmatch.fnmatchcase(c, pat + "*")):
            return True
    return False


def file_ignores(
    path: PurePath | None, per_file: dict[str, list[str]], root: PurePath | None = None
) -> list[str]:
    out: list[str] = []
    for pattern, selectors in per_file.items():
        if path_matches(path, pattern, root):
            out.extend(selectors)
    return out
