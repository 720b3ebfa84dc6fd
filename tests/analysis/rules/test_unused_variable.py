import textwrap

from aurelis.analysis.rule import Tag
from aurelis.analysis.rules.unused_variable import UnusedVariable
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import fixed, run


def flagged(src: str, settings=None) -> list[str]:
    src = textwrap.dedent(src)
    text = src.encode()
    nl = b"\n"
    return [
        f"{text[f.start : f.end].decode()}@{text[: f.start].count(nl) + 1}"
        for f in run(UnusedVariable, src, settings=settings)
    ]


def test_flags_locals_that_are_never_read():
    src = """
    def handler(request):
        user = request.user
        unit: str = "cm"
        retries = 0
        retries += 1
        a = b = compute()
        return b
    """
    assert flagged(src) == ["user@3", "unit@4", "retries@5", "retries@6", "a@7"]
    findings = run(UnusedVariable, textwrap.dedent(src))
    assert findings[0].message == "Local variable `user` is assigned but never used"
    assert all(Tag.UNNECESSARY in f.tags for f in findings)


def test_lookalikes_are_not_flagged():
    src = """
    import re
    counter = 0
    def f(items, flag):
        global counter
        counter = 1                      # global
        _ignored = compute()             # underscore
        first, rest = items[0], items[1:]  # tuple unpacking (off by default)
        for i in range(3):               # loop target
            pass
        with open("x") as fh:            # with target
            pass
        total = 0
        total += len(items)
        print(total)                     # augmented then read
        seen = set()
        def inner():
            return seen                  # read by a closure
        if (m := re.match("a", "a")):
            pass
        x = 1
        del x                            # deleted: used deliberately
        return inner
    def g():
        value = 1
        return locals()                  # read through locals()
    def h():
        cell = 1
        def f():
            nonlocal cell                # shared with a nested function
        return f
    class C:
        attr = 1                         # class attributes are not locals
    module_level = 1
    """
    assert flagged(src) == []


def test_unpacking_targets_are_an_option():
    src = "def f(p):\n    a, b = p\n    return a\n"
    assert flagged(src) == []
    settings = AnalysisSettings(options={"AUR402": {"include_unpacking": True}})
    assert flagged(src, settings) == ["b@2"]


def test_fix_removes_pure_assignments_only():
    src = (
        "def f(x):\n"
        "    unit = 'cm'  # why\n"
        "    limits = {'a': 1, 'b': (2, 3)}\n"
        "    result = compute(x)\n"
        "    return x\n"
    )
    findings = run(UnusedVariable, src)
    assert [f.fix is not None for f in findings] == [True, True, False]  # a call may have side effects
    src = "def f(x):\n    unit = 'cm'  # why\n    limits = {'a': 1}\n    return x\n"
    assert fixed(UnusedVariable, src) == "def f(x):\n    return x\n"


def test_fix_keeps_blocks_valid():
    src = "def f(x):\n    if x:\n        a = 1\n        b = -2\n    return x\n"
    assert fixed(UnusedVariable, src) == "def f(x):\n    if x:\n        pass\n    return x\n"


def test_no_fix_when_name_is_bound_twice_or_shares_a_line():
    src = "def f(x):\n    a = 1\n    a = 2\n    y = 3; return x\n"
    assert [f.fix for f in run(UnusedVariable, src)] == [None, None, None]


def test_bad_input_yields_nothing():
    assert run(UnusedVariable, "def f(:\n    x = 1\n") == []
    assert run(UnusedVariable, "") == []
