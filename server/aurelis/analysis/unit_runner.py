"""Run rules unit by unit (see ``units.py``), reusing what did not change.

Every run splits the document into units and looks each one up by its content
(offsets relative to the unit's start) together with what else its findings
depend on: the settings, the rules, the file's path and the module's imports.
A hit is shifted to the unit's new position; a miss is analysed. So typing in
one method re-runs the rules on that method and on the shells around it, not
on the file. A cold run (the CLI, didOpen) is the same code with every lookup
missing, so the editor and `aurelis check` can never disagree.

Module-aware rules (``Rule.gather``) share facts between units: their facts are
cached per unit, and their checks re-run on the sites only when the facts of
some unit changed.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aurelis.analysis.astutil import ImportMap, ast_index
from aurelis.analysis.context import ModuleFacts, RuleContext
from aurelis.analysis.rule import Edit, Facts, Finding, Fix, Rule
from aurelis.analysis.units import Unit, split
from aurelis.workspace.edit_shape import common_ends

if TYPE_CHECKING:
    from aurelis.config.analysis import AnalysisSettings
    from aurelis.workspace.document import Document

log = logging.getLogger(__name__)
MEMO_MAX_BYTES = 4 << 20  # a document's previous run is kept for reuse by position up to this size


@dataclass
class _Entry:
    """What one unit's content yields, with offsets relative to the unit's start."""

    imports: list[tuple[str, str]]
    facts: dict[str, Facts]
    # the latest findings per rule group ("" for the unit-local rules, else a module-aware rule's code):
    # (what they were computed against, the findings, reusable: False when a finding or fix covers
    # text outside the unit, e.g. module-level unreachable code running past a function)
    results: dict[str, tuple[Any, list[Finding], bool]] = field(default_factory=dict)


@dataclass
class _Memo:
    """One document's previous run: each definition unit's place, key and entry. A unit of the
    next run whose bytes (and class header) lie where the text did not change has the same key,
    so it is found here by position instead of hashed again (``_reused_key``)."""

    base: bytes
    source: bytes
    spots: dict[tuple[Any, ...], tuple[bytes, _Entry]]


class UnitCache:
    """A bounded LRU of unit entries, shared by every document (content-addressed)."""

    def __init__(self, max_entries: int = 20_000, max_memos: int = 64) -> None:
        self.max_entries = max_entries
        self.max_memos = max_memos
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._memos: OrderedDict[str, _Memo] = OrderedDict()
        self._facts_keys: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.reused = 0  # hits found by position in the previous run (``_Memo``), not by key

    def facts_key(self, rule: type[Rule], facts: list[tuple[int, Any]], group: int) -> Any:
        """``rule().facts_key(facts, group)``, remembered by the facts (their values are hashable,
        and cached units hand in the very same objects, so a lookup costs a hash of the list, not
        the rule's merge of every unit's facts). The same result object also makes the check
        against a site's cached findings an identity comparison."""
        try:
            sig = (rule.code, group, tuple(facts))
            hash(sig)
        except TypeError:  # a rule whose facts are not hashable after all: no memo
            return rule().facts_key(facts, group)
        with self._lock:
            if sig in self._facts_keys:
                self._facts_keys.move_to_end(sig)
                return self._facts_keys[sig]
        value = rule().facts_key(facts, group)
        with self._lock:
            self._facts_keys[sig] = value
            while len(self._facts_keys) > self.max_memos * 4:
                self._facts_keys.popitem(last=False)
        return value

    def memo(self, uri: str) -> _Memo | None:
        with self._lock:
            return self._memos.get(uri)

    def remember(self, uri: str, memo: _Memo | None, reused: int = 0) -> None:
        with self._lock:
            self.hits += reused
            self.reused += reused
            if memo is None:
                self._memos.pop(uri, None)
                return
            self._memos[uri] = memo
            self._memos.move_to_end(uri)
            while len(self._memos) > self.max_memos:
                self._memos.popitem(last=False)

    def get(self, key: bytes) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return entry

    def put(self, key: bytes, entry: _Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._memos.clear()
            self._facts_keys.clear()


DEFAULT_CACHE = UnitCache()


def _digest(*parts: bytes) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.digest()


def _keys(
    units: list[Unit], source: bytes, base: bytes, memo: _Memo | None = None
) -> tuple[list[bytes], dict[int, _Entry]]:
    """Each unit's cache key (a shell's is made from its own text and its holes' keys), and
    the entries of the units whose key the previous run's ``memo`` gave by position."""
    keys: dict[int, bytes] = {}
    known: dict[int, _Entry] = {}
    place = _placer(memo, source, base)
    by_span = {(u.start, u.end): i for i, u in enumerate(units) if u.kind != "module"}
    # definitions first, then class shells (holes: methods), then the module shell (holes: the rest)
    order = sorted(range(len(units)), key=lambda i: (units[i].kind == "module", bool(units[i].holes)))
    for i in order:
        u = units[i]
        if place is not None and not u.holes:
            spot = place(u)
            hit = memo.spots.get(spot) if memo is not None and spot is not None else None
            if hit is not None:
                keys[i], known[i] = hit
                continue
        holes = [keys[by_span[h]] for h in u.holes] if u.holes else []
        keys[i] = _unit_key(u, source, base, holes)
    return [keys[i] for i in range(len(units))], known


def _spot(unit: Unit) -> tuple[Any, ...]:
    return (unit.kind, unit.start, unit.end, unit.header, unit.needs_pass)


def _placer(
    memo: _Memo | None, source: bytes, base: bytes
) -> Callable[[Unit], tuple[Any, ...] | None] | None:
    """Maps a definition unit to its spot in the previous run when every byte its key is made
    of (its text, a method's class header) lies in text that did not change, else None. Same
    bytes and the same kind, span length and header length make the same key (``_unit_key``)."""
    if memo is None or memo.base != base:
        return None
    old = memo.source
    head, tail = common_ends(old, source)
    tail_start = len(source) - tail
    delta = len(source) - len(old)

    def moved(span: tuple[int, int]) -> tuple[int, int] | None:
        if span[1] <= head:
            return span
        if span[0] >= tail_start:
            return span[0] - delta, span[1] - delta
        return None

    def place(unit: Unit) -> tuple[Any, ...] | None:
        span = moved((unit.start, unit.end))
        header = moved(unit.header) if unit.header is not None else None
        if span is None or (unit.header is not None and header is None):
            return None
        return (unit.kind, span[0], span[1], header, unit.needs_pass)

    return place


def _unit_key(unit: Unit, source: bytes, base: bytes, hole_keys: list[bytes]) -> bytes:
    """A function's or method's key is its text (and a method's class header); a shell's is its
    own text, its holes' offsets relative to its start and their keys. Shells include their holes
    because their nodes' parents see them (``block.has_error``); through keys, no text is hashed twice."""
    header = source[unit.header[0] : unit.header[1]] if unit.header else b""
    if unit.holes:
        holes = [(s - unit.start, e - unit.start) for s, e in unit.holes]
        text = b"".join([*(source[s:e] for s, e in unit.own_spans()), *hole_keys])
    else:
        holes, text = [], source[unit.start : unit.end]
    # the variable-length parts are length-prefixed or last, so keys cannot collide
    head = f"{unit.kind}|{int(unit.needs_pass)}|{len(header)}|{holes!r}|".encode()
    return hashlib.blake2b(b"".join((base, head, header, text)), digest_size=16).digest()


def _shift(findings: list[Finding], delta: int) -> list[Finding]:
    """Copies of ``findings`` moved by ``delta`` bytes (cached findings are never handed out)."""
    out = []
    for f in findings:
        fix = f.fix
        if fix is not None and delta:
            fix = Fix(
                fix.title, tuple(Edit(e.start + delta, e.end + delta, e.text) for e in fix.edits), fix.safe
            )
        out.append(
            Finding(
                f.code,
                f.message,
                f.start + delta,
                f.end + delta,
                f.severity,
                fix,
                f.tags,
                list(f.related),
                dict(f.data),
            )
        )
    return out


def _reaches_outside(findings: list[Finding], unit: Unit) -> bool:
    """Does a finding or fix cover text that is not the unit's own (then it depends on that text)?"""

    def outside(start: int, end: int) -> bool:
        return start < unit.start or end > unit.end or any(s < end and start < e for s, e in unit.holes)

    return any(
        outside(f.start, f.end) or (f.fix is not None and any(outside(e.start, e.end) for e in f.fix.edits))
        for f in findings
    )


def _run(ctx: RuleContext, rules: list[type[Rule]], failed: list[str]) -> list[Finding]:
    out: list[Finding] = []
    unit = ctx.unit
    for rule in rules:
        try:
            found = list(rule().check(ctx))
        except Exception:  # one broken rule must not hide the others' findings
            log.exception("rule %s failed on %s", rule.code, ctx.doc.uri)
            failed.append(rule.code)
            continue
        # a unit keeps what starts in its own text (a method's class header is another unit's);
        # module-wide findings sit at offset 0, which a definition on the first line may own
        out.extend(
            f for f in found if unit is None or unit.owns(f.start) or (unit.kind == "module" and f.start == 0)
        )
    return out


def _import_pairs(ctx: RuleContext) -> list[tuple[str, str]]:
    index = ast_index(ctx)
    return list(index.imports.names.items()) if index is not None else []


def _gather(ctx: RuleContext, rules: list[type[Rule]], failed: list[str]) -> dict[str, Facts]:
    out: dict[str, Facts] = {}
    for rule in rules:
        try:
            facts = rule().gather(ctx)
        except Exception:
            log.exception("rule %s failed to gather on %s", rule.code, ctx.doc.uri)
            failed.append(rule.code)
            continue
        if facts is not None:
            out[rule.code] = facts
    return out


def run_units(
    doc: Document,
    settings: AnalysisSettings,
    rules: list[type[Rule]],
    workspace: Any = None,
    failed: list[str] | None = None,
    cache: UnitCache | None = None,
    exports: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Every finding of ``rules`` on ``doc`` (no suppression or severity applied), in no particular order."""
    cache = cache if cache is not None else DEFAULT_CACHE
    failed = failed if failed is not None else []
    source = doc.source
    local_rules = [r for r in rules if not r.module_aware()]
    aware_rules = [r for r in rules if r.module_aware()]
    base = _digest(
        settings.model_dump_json().encode(),
        ",".join(r.code for r in rules).encode(),
        doc.uri.encode(),
        (doc.language_id or "").encode(),
        ",".join(sorted(exports)).encode(),
    )
    units = split(doc)
    memo = cache.memo(doc.uri)
    keys, known = _keys(units, source, base, memo)
    contexts: dict[int, RuleContext] = {}  # units analysed in this run, by position

    def context(i: int) -> RuleContext:
        ctx = contexts.get(i)
        if ctx is None:
            ctx = contexts[i] = RuleContext(doc, settings, workspace, units[i], exports=exports)
        return ctx

    # 1. per unit: its imports and the module-aware rules' facts (cached with its content)
    entries: list[_Entry] = []
    for i, key in enumerate(keys):
        entry = known.get(i) or cache.get(key)
        if entry is None:
            ctx = context(i)
            entry = _Entry(_import_pairs(ctx), _gather(ctx, aware_rules, failed))
            cache.put(key, entry)
        entries.append(entry)

    # 2. what the units may know of each other
    module = ModuleFacts()
    for entry in entries:
        module.imports.update(entry.imports)
    for rule in aware_rules:
        module.facts[rule.code] = [
            (u.group, e.facts[rule.code].value)
            for u, e in zip(units, entries, strict=True)
            if rule.code in e.facts
        ]
    imports_key = _digest(repr(sorted(module.imports.items())).encode())
    shared: dict[tuple[str, int], Any] = {}  # (rule, group) -> what its sites' findings depend on

    def facts_key(rule: type[Rule], group: int) -> Any:
        if (rule.code, group) not in shared:
            shared[(rule.code, group)] = cache.facts_key(rule, module.facts[rule.code], group)
        return shared[(rule.code, group)]

    for ctx in contexts.values():
        _with_module(ctx, module)

    # 3. findings: cached per unit content and module context, else computed
    out: list[Finding] = []
    for i, (unit, entry) in enumerate(zip(units, entries, strict=True)):
        wanted: list[tuple[str, Any, list[type[Rule]]]] = [("", imports_key, local_rules)]
        wanted += [
            (r.code, (facts_key(r, unit.group), imports_key), [r])
            for r in aware_rules
            if (f := entry.facts.get(r.code)) is not None and f.site
        ]
        for group, against, chosen in wanted:
            cached = entry.results.get(group)
            if cached is not None and cached[0] == against and cached[2]:
                found = cached[1]
            else:
                ctx = context(i)
                _with_module(ctx, module)
                absolute = _run(ctx, chosen, failed)
                found = _shift(absolute, -unit.start)
                entry.results[group] = (against, found, not _reaches_outside(absolute, unit))
            if found:
                out.extend(_shift(found, unit.start))
    memo = None
    if len(source) <= MEMO_MAX_BYTES:
        spots = {_spot(u): (k, e) for u, k, e in zip(units, keys, entries, strict=True) if not u.holes}
        memo = _Memo(base, source, spots)
    cache.remember(doc.uri, memo, len(known))
    return out


def _with_module(ctx: RuleContext, module: ModuleFacts) -> None:
    """Hand the module's imports and facts to a unit context (its `ast` index may predate them)."""
    if ctx.module is module:
        return
    ctx.module = module
    index = ctx.__dict__.get("_aurelis_ast_index")
    if index:
        index._imports = ImportMap.of_names(module.imports)
