from aurelis.analysis.rules.list_membership_in_loop import ListMembershipInLoop
from tests.analysis.rule_support import fixed, run


def flagged(src: str) -> list[str]:
    text = src.encode()
    return [text[f.start : f.end].decode() for f in run(ListMembershipInLoop, src)]


def test_flags_list_literals_tested_inside_loops_and_comprehensions():
    src = (
        "for w in words:\n"
        "    if w in ['a', 'an', 'the']:\n"
        "        continue\n"
        "while tok not in [END, EOF]:\n"
        "    tok = next(it)\n"
        "kept = [w for w in words if w not in ['x', 'y']]\n"
        "async def f(stream):\n"
        "    async for m in stream:\n"
        "        ok = m.kind in [1, 2] and m.flag\n"
    )
    assert flagged(src) == ["['a', 'an', 'the']", "[END, EOF]", "['x', 'y']", "[1, 2]"]
    messages = [f.message for f in run(ListMembershipInLoop, src)]
    assert messages[0].endswith("use a set literal") and messages[1].endswith("use a tuple")


def test_lookalikes_are_not_flagged():
    src = (
        "if x in ['a', 'b']:\n"  # not in a loop
        "    pass\n"
        "for x in [1, 2, 3]:\n"  # the loop's own iterable
        "    if x in (1, 2):\n"  # tuple
        "        pass\n"
        "    if x in {1, 2}:\n"  # set
        "        pass\n"
        "    if x in allowed:\n"  # a variable
        "        pass\n"
        "    def check(y):\n"  # runs when called, not per iteration
        "        return y in ['a']\n"
        "    ys = [y for y in [1, 2]]\n"  # first iterable of a comprehension
        "    z = x == [1]\n"
        "else:\n"
        "    done = x in ['a']\n"  # a for-else runs once
    )
    assert flagged(src) == []


def test_fix_uses_a_set_for_hashable_literals_and_a_tuple_otherwise():
    src = "for w in words:\n    if w in ['a', ('b', 1), None]:\n        pass\n"
    assert (
        fixed(ListMembershipInLoop, src)
        == "for w in words:\n    if w in {'a', ('b', 1), None}:\n        pass\n"
    )
    src = "for w in words:\n    if w not in [a, b.c]:\n        pass\n    if w in [limit]:\n        pass\n"
    assert fixed(ListMembershipInLoop, src) == (
        "for w in words:\n    if w not in (a, b.c):\n        pass\n    if w in (limit,):\n        pass\n"
    )


def test_set_fix_is_not_applied_by_fix_all_tuple_fix_is():
    (set_finding,) = run(ListMembershipInLoop, "for w in ws:\n    w in ['a']\n")
    (tuple_finding,) = run(ListMembershipInLoop, "for w in ws:\n    w in [a]\n")
    assert set_finding.fix is not None and set_finding.fix.safe is False
    assert tuple_finding.fix is not None and tuple_finding.fix.safe is True


def test_bad_input_yields_nothing():
    assert run(ListMembershipInLoop, "for x in y:\n    x in [1,\n") == []
