"""The rule API. A rule is a class with metadata and a ``check`` generator.

Findings and fixes speak UTF-8 byte offsets into ``doc.source``; the LSP layer
and the CLI convert them to positions. A fix is a list of non-overlapping edits
applied together; the engine checks that the fixed text parses and no longer
triggers the rule before offering it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from aurelis.analysis.syntax import walk as walk  # its home is syntax.py; kept here for rule modules

if TYPE_CHECKING:
    from aurelis.analysis.context import RuleContext

DOCS_BASE = "https://github.com/aurelis-dev/aurelis/blob/main/docs/rules.md"


class Category(str, Enum):
    BUG_RISK = "bug-risk"
    SECURITY = "security"
    PERFORMANCE = "performance"
    MAINTAINABILITY = "maintainability"
    DOCUMENTATION = "documentation"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


class Tag(str, Enum):
    UNNECESSARY = "unnecessary"  # unused / unreachable code: editors fade it
    DEPRECATED = "deprecated"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace bytes ``start..end`` of the document with ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    safe: bool = True  # safe fixes are applied by fix-all and `check --fix`


@dataclass(frozen=True, slots=True)
class Related:
    """Another place a finding points at (e.g. the twin of a duplicate)."""

    uri: str
    start_line: int  # zero-based lines/columns in UTF-8 bytes; converted at the edge
    start_col: int
    end_line: int
    end_col: int
    message: str


@dataclass(slots=True)
class Finding:
    code: str
    message: str
    start: int
    end: int
    severity: Severity | None = None  # None: the rule's (possibly overridden) severity
    fix: Fix | None = None
    tags: frozenset[Tag] = frozenset()
    related: list[Related] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Facts:
    """What a module-aware rule learned from one unit of a document (see ``Rule.gather``)."""

    value: Any  # hashable: handed to the rule's check in every unit, as ``ctx.module_facts(rule)``
    site: bool = False  # the rule has something to check in this unit once it knows every unit's facts


class Rule:
    """Subclass, fill in the metadata, implement ``check``. One rule per module.

    A rule whose findings in one unit (a function, a method, a class or module
    shell: see ``units.py``) depend only on that unit's text and the module's
    imports implements ``check`` alone. A rule that needs the rest of the module
    (is this import used anywhere?) also implements ``gather``: it runs on every
    unit and its facts are cached with the unit; ``check`` then runs on the units
    ``gather`` marked as sites, reading every unit's facts via ``ctx.module_facts``.
    """

    code: ClassVar[
        str
    ]  # "AUR101": AUR1xx bug-risk, 2xx security, 3xx performance, 4xx maintainability, 5xx docs
    name: ClassVar[str]  # kebab-case, e.g. "mutable-default-argument"
    category: ClassVar[Category]
    severity: ClassVar[Severity] = Severity.WARNING
    summary: ClassVar[str]  # one line, used in the rule table and as the default message
    description: ClassVar[str]  # why it matters (markdown)
    bad: ClassVar[str]  # an example that is flagged
    good: ClassVar[str]  # the idiomatic alternative
    fixable: ClassVar[bool] = False
    enabled_by_default: ClassVar[bool] = True
    noqa: ClassVar[tuple[str, ...]] = ()  # ruff/flake8 codes whose noqa comments also silence this rule
    tags: ClassVar[frozenset[Tag]] = frozenset()
    languages: ClassVar[tuple[str, ...]] = ("python",)
    cross_file: ClassVar[bool] = False  # needs the workspace (index, references): run in the background

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError

    def gather(self, ctx: RuleContext) -> Facts | None:
        """Facts the module-aware rule needs from this unit (None: nothing to share)."""
        return None

    def facts_key(self, facts: list[tuple[int, Any]], group: int) -> Any:
        """What a site's findings depend on among every unit's ``(group, facts)`` (a site in
        ``group``); cached findings of the site are reused while it stays equal. Narrow it
        (e.g. to a union of names) so that unrelated edits do not re-run the sites."""
        return tuple(v for _, v in facts)

    @classmethod
    def module_aware(cls) -> bool:
        return cls.gather is not Rule.gather

    # -- helpers for subclasses ------------------------------------------------
    def finding(
        self,
        node_or_start: Any,
        end: int | None = None,
        message: str | None = None,
        fix: Fix | None = None,
        **kw: Any,
    ) -> Finding:
        """A finding over a tree-sitter node (or an explicit byte range)."""
        if end is None:
            start, end = node_or_start.start_byte, node_or_start.end_byte
        else:
            start = node_or_start
        return Finding(
            self.code, message or self.summary, start, end, fix=fix, tags=kw.pop("tags", self.tags), **kw
        )

    @classmethod
    def docs_url(cls) -> str:
        return f"{DOCS_BASE}#{cls.code.lower()}-{cls.name}"


def apply_edits(source: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply non-overlapping edits (any order) to ``source``; raises on overlap.
    Identical edits (findings that share one fix) are applied once."""
    ordered = sorted(set(edits), key=lambda e: (e.start, e.end, e.text))
    out: list[bytes] = []
    pos = 0
    for e in ordered:
        if e.start < pos:
            raise ValueError(f"overlapping edits at byte {e.start}")
        out.append(source[pos : e.start])
        out.append(e.text.encode("utf-8"))
        pos = e.end
    out.append(source[pos:])
    return b"".join(out)
