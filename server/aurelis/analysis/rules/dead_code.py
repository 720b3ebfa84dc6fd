"""AUR411: a module-level function or class that nothing in the workspace references."""

from __future__ import annotations

from collections.abc import Iterator

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity, Tag


class DeadCode(Rule):
    code = "AUR411"
    name = "dead-code"
    category = Category.MAINTAINABILITY
    severity = Severity.INFO
    enabled_by_default = False
    summary = "Module-level function or class never referenced in the workspace"
    description = (
        "Code nobody calls still has to be read, kept compiling and migrated. A name counts as used when it "
        "appears anywhere in the workspace outside its own body: a name, an attribute, an import, or an "
        'identifier inside a string (`getattr(obj, "name")`, string annotations). Roots are never reported: '
        "names in the module's `__all__`, dunders, definitions with a registering decorator (anything but pure "
        "wrappers such as `functools.wraps`, `lru_cache`, `property`), entry points declared in pyproject.toml / "
        "setup.cfg, `main`, `test_*`/`pytest_*`, everything in test files, and subclasses of classes the code "
        "discovers by type (`issubclass(x, Base)`, `Base.__subclasses__()`, `__init_subclass__`).\n\n"
        "In a library (`analysis.library_mode`, on by default when the folder builds a distributable "
        "package) a documented public function or class of a public module is API too: its users are "
        "not in the workspace. A module that declares `__all__` has said what its API is, so there only "
        "the names in `__all__` count."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 10% actionable, 90% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. Outside a package with metadata (the standard library here) public API looks unused; library mode covers distributable packages only. "
        "Select it by code to use it."
    )
    bad = "# utils.py\ndef legacy_helper(x):\n    return x * 2\n\n# nothing anywhere calls legacy_helper"
    good = "# remove it, or list it in __all__ when it is public API"
    tags = frozenset({Tag.UNNECESSARY})
    cross_file = True

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        ws = ctx.workspace
        if ws is None or not hasattr(ws, "references") or ctx.path is None:
            return
        for d in ws.references.unused(ctx.path.as_posix()):
            if d.end > len(ctx.source):
                continue
            kind = "Class" if d.kind == "class" else "Function"
            yield self.finding(
                d.start,
                d.end,
                message=f"{kind} `{d.name}` is never referenced in the workspace",
                data={"name": d.name, "kind": d.kind},
            )
