from aurelis.analysis.rule import Tag
from aurelis.analysis.rules.unreachable_code import UnreachableCode
from tests.analysis.rule_support import fixed, run


def _flagged(src):
    return [(src.encode()[f.start : f.end].decode(), f.message) for f in run(UnreachableCode, src)]


def test_flags_statements_after_each_kind_of_jump():
    src = (
        "def f(x):\n"
        "    return x\n"
        "    print(x)\n"
        "    x += 1\n"
        "for i in y:\n"
        "    if i:\n"
        "        continue\n"
        "        i = 2\n"
        "    break\n"
        "    done()\n"
        "def g():\n"
        "    raise ValueError('x')\n"
        "    cleanup()\n"
    )
    assert _flagged(src) == [
        ("print(x)\n    x += 1", "Unreachable code after `return`"),
        ("i = 2", "Unreachable code after `continue`"),
        ("done()", "Unreachable code after `break`"),
        ("cleanup()", "Unreachable code after `raise`"),
    ]
    assert all(Tag.UNNECESSARY in f.tags for f in run(UnreachableCode, src))


def test_flags_code_after_an_if_chain_where_every_branch_jumps():
    src = "def g(a, b):\n    if a:\n        return 1\n    elif b:\n        raise KeyError\n    else:\n        return 3\n    print(1)\n"
    assert _flagged(src) == [("print(1)", "Unreachable code after an `if` whose every branch jumps away")]


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "def f(x):\n"
        "    if x:\n"
        "        return 1\n"
        "    print(x)\n"  # reachable when x is falsy
        "    return 2\n"
        "def gen():\n"
        "    return\n"
        "    yield\n"  # the generator idiom
        "def h(a):\n"
        "    if a:\n"
        "        return 1\n"
        "    elif a is None:\n"
        "        return 2\n"
        "    return 3\n"  # no else: reachable
        "def k():\n"
        "    try:\n"
        "        return 1\n"
        "    finally:\n"
        "        print('runs')\n"
        "    # a trailing comment is not code\n"
    )
    assert _flagged(src) == []


def test_fix_removes_dead_statements_and_keeps_the_jump_comment():
    src = "def f(x):\n    return x  # done\n    print(x)  # dead\n    x += 1\n\ndef g():\n    pass\n"
    assert fixed(UnreachableCode, src) == "def f(x):\n    return x  # done\n\ndef g():\n    pass\n"


def test_fix_on_one_line_and_in_nested_loop():
    assert (
        fixed(UnreachableCode, "for i in y:\n    if i: break; print(i)\n") == "for i in y:\n    if i: break\n"
    )
    src = "while True:\n    for j in z:\n        continue\n        j()\n    x = 1\n"
    assert fixed(UnreachableCode, src) == "while True:\n    for j in z:\n        continue\n    x = 1\n"


def test_dead_code_nested_in_dead_code_is_one_finding():
    src = "def f(y):\n    return 1\n    for x in y:\n        break\n        x()\n"
    assert _flagged(src) == [("for x in y:\n        break\n        x()", "Unreachable code after `return`")]
    assert fixed(UnreachableCode, src) == "def f(y):\n    return 1\n"


def test_broken_and_empty_code_do_not_raise():
    assert run(UnreachableCode, "") == []
    run(UnreachableCode, "def f(:\n    return\n    x = (\n")
