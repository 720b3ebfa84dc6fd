"""Unit-by-unit analysis (unit_runner.py) finds exactly what a whole-file run finds, and a
warm cache after any edit finds exactly what a cold run finds."""

from __future__ import annotations

import ast
import random
import sysconfig
from pathlib import Path

import pytest

from aurelis.analysis.context import RuleContext
from aurelis.analysis.engine import analyze, rules_for, run_rules
from aurelis.analysis.unit_runner import UnitCache, run_units
from aurelis.config.analysis import AnalysisSettings
from aurelis.workspace.document import Change, Document
from aurelis.workspace.positions import Pos

LIB = Path(sysconfig.get_paths()["stdlib"])
ALL = AnalysisSettings(select=["ALL"])


def key(f):
    return (
        f.code,
        f.start,
        f.end,
        f.message,
        f.severity,
        f.fix.edits if f.fix else None,
        tuple(sorted(f.tags)),
    )


def findings(doc: Document, cache: UnitCache) -> list[tuple]:
    return sorted(key(f) for f in analyze(doc, ALL, cache=cache).findings)


@pytest.mark.parametrize("package", ["json", "http", "email"])
def test_units_find_exactly_what_a_whole_file_run_finds(package):
    rules = rules_for(ALL)
    checked = 0
    for path in sorted((LIB / package).rglob("*.py")):
        doc = Document(path.as_uri(), path.read_text(encoding="utf-8"), 1, "python")
        whole = sorted(key(f) for f in run_rules(RuleContext(doc, ALL), rules))
        units = sorted(key(f) for f in run_units(doc, ALL, rules, cache=UnitCache()))
        assert units == whole, path
        checked += len(whole)
    assert checked > 10  # real findings were compared, not two empty lists


MODULE = '''\
"""Shop."""
import os
import json
from yaml import load

__all__ = ["Shop", "helper"]


def helper(path):
    data = os.path.join(path, "x")
    return json.dumps(data)


class Shop:
    items = []
    cache = {}

    def add(self, item):
        self.items.append(item)

    def read(self, p):
        f = open(p)
        data = f.read()
        return load(data)

    def total(self):
        s = ""
        for i in self.items:
            s += str(i)
        return s
'''

SNIPPETS = [
    "import sys",
    "x = open(p)",
    "def open(x): return x",
    "unused = value == None",
    '__all__ = ["a"]',
    "self.cache.update(k=1)",
    "items = []",
    "from yaml import load",
    "load(s)",
    'password = "hunter2hunter2x"',
    "s = s + 'x'",
    "for i in y: s += i",
    "json.dumps(1)",
    "os.getcwd()",
    "try:\n    pass\nexcept:\n    pass",
    "class Inner:\n    tags = []\n    def t(self):\n        self.tags.append(1)",
    "def f(a=[]):\n    return a",
    "return 1\nx = 2",
    "# aurelis: ignore",
    "assert x, 'y'",
    "eval(x)",
    "if x == None: pass",
    ")",
    "def (",
]


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def _random_edit(rng: random.Random, doc: Document) -> Change:
    lines = doc.text.split("\n")
    line = rng.randrange(len(lines))
    roll = rng.random()
    if roll < 0.55:  # insert a snippet before a line, at that line's indentation
        indent = lines[line][: len(lines[line]) - len(lines[line].lstrip())]
        text = "\n".join(indent + s for s in rng.choice(SNIPPETS).split("\n")) + "\n"
        return Change(text, Pos(line, 0), Pos(line, 0))
    if roll < 0.75 and len(lines) > 3:  # delete a few lines
        end = min(len(lines) - 1, line + rng.randint(1, 3))
        return Change("", Pos(line, 0), Pos(end, 0))
    col = rng.randint(0, len(lines[line]))  # type or delete a character
    if rng.random() < 0.5 or col == 0:
        return Change(rng.choice("abxy_ =(.,:1#'\""), Pos(line, col), Pos(line, col))
    return Change("", Pos(line, col - 1), Pos(line, col))


@pytest.mark.parametrize("seed", range(4))
def test_a_warm_cache_after_random_edits_finds_what_a_cold_run_finds(seed):
    rng = random.Random(seed)
    real = (LIB / "json" / "encoder.py").read_text(encoding="utf-8")
    doc = Document("file:///project/shop.py", "import sys\n" + MODULE + "\n\n" + real, 1, "python")
    warm = UnitCache()
    findings(doc, warm)
    compared = set()
    for version in range(2, 160, 2):
        before = doc.text
        doc.apply_changes([_random_edit(rng, doc)], version)
        got = findings(doc, warm)
        assert got == findings(doc, UnitCache()), (seed, version, doc.text)
        compared.update(f[0] for f in got)
        if not _parses(doc.text):  # broken text was checked too; now the typist fixes it again
            doc.apply_changes([Change(before)], version + 1)
    assert {"AUR401", "AUR109", "AUR203"} <= compared  # facts shared between units were exercised
    assert warm.hits > warm.misses  # and the cache did the work


def _edit(doc: Document, old: str, new: str) -> None:
    start = doc.text.index(old)
    a, b = (
        doc.position_at(len(doc.text[:start].encode())),
        doc.position_at(len(doc.text[: start + len(old)].encode())),
    )
    doc.apply_changes([Change(new, a, b)], (doc.version or 0) + 1)


def test_facts_from_other_units_reach_a_cached_unit():
    doc = Document("file:///project/shop.py", MODULE, 1, "python")
    cache = UnitCache()

    def codes():
        return sorted(f[0] for f in findings(doc, cache))

    assert "AUR401" not in codes() and "AUR109" in codes()  # `os` used in helper; `items` mutated in add
    _edit(doc, 'os.path.join(path, "x")', 'path + "x"')  # the only use of `os` goes, in another unit
    assert next(f for f in findings(doc, cache) if f[0] == "AUR401")[3] == "`os` imported but unused"
    _edit(doc, 'path + "x"', "os.sep + path")
    assert "AUR401" not in codes()
    _edit(doc, "self.items.append(item)", "print(item)")  # no method mutates `items` any more
    assert "AUR109" not in codes()
    _edit(doc, "print(item)", "self.items.append(item)")
    assert "AUR109" in codes()
    assert "AUR106" in codes()  # `f = open(p)` in read()
    _edit(doc, "class Shop:", "def open(p):\n    return p\n\n\nclass Shop:")  # the module's own `open`
    assert "AUR106" not in codes()


def test_an_edit_in_one_method_reanalyses_a_few_units_not_the_file():
    path = LIB / "asyncio" / "base_events.py"
    doc = Document(path.as_uri(), path.read_text(encoding="utf-8"), 1, "python")
    cache = UnitCache()
    analyze(doc, cache=cache)
    units = cache.misses
    assert units > 100
    line = doc.text.split("\n").index("    def run_forever(self):")
    for version in range(2, 12):
        before = cache.misses
        doc.apply_changes([Change("        unused = 1\n", Pos(line + 1, 0), Pos(line + 1, 0))], version)
        analyze(doc, cache=cache)
        # the method, its class shell and the module shell (their holes moved), nothing else
        assert cache.misses - before <= 3


def test_units_reused_by_position_never_hide_a_same_length_edit():
    """Units outside the edited bytes are taken from the previous run by position; one whose
    bytes changed (here `==` became `is`, same length, same span) must be analysed again."""
    path = LIB / "asyncio" / "base_events.py"
    doc = Document(path.as_uri(), path.read_text(encoding="utf-8"), 1, "python")
    cache = UnitCache()
    analyze(doc, ALL, cache=cache)
    line = doc.text.split("\n").index("    def run_forever(self):")
    probe = "    def _probe(self, value):\n        unused = value == None\n        return value\n\n"
    doc.apply_changes([Change(probe, Pos(line, 0), Pos(line, 0))], 2)
    before = cache.reused
    assert "AUR104" in {f[0] for f in findings(doc, cache)}  # `== None`
    assert cache.reused - before > 100  # the other units came from the previous run by position
    doc.apply_changes([Change("is", Pos(line + 1, 23), Pos(line + 1, 25))], 3)
    assert doc.text.split("\n")[line + 1] == "        unused = value is None"
    got = findings(doc, cache)
    assert "AUR104" not in {f[0] for f in got}
    assert got == findings(doc, UnitCache())
    doc.apply_changes([Change("", Pos(line, 0), Pos(line + 4, 0))], 4)  # and the probe goes again
    assert findings(doc, cache) == findings(
        Document(path.as_uri(), path.read_text(encoding="utf-8"), 1, "python"), UnitCache()
    )
