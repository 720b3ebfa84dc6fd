import pytest

from aurelis.analysis.rules.assert_for_validation import AssertForValidation
from tests.analysis.rule_support import fixed, run


def _flagged(src, path="/project/pkg/mod.py"):
    return [(src.encode()[f.start : f.end].decode(), f.message) for f in run(AssertForValidation, src, path)]


def test_flags_asserts_on_arguments_of_public_functions_and_methods():
    src = (
        "def withdraw(account, amount):\n"
        '    """Take money."""\n'
        "    assert amount > 0, 'amount must be positive'\n"
        "    assert account.open and amount < account.balance\n"
        "    return account\n"
        "class Bank:\n"
        "    def __init__(self, name, *codes):\n"
        "        assert name\n"
        "        assert all(codes)\n"
    )
    assert _flagged(src) == [
        (
            "assert amount > 0, 'amount must be positive'",
            "`assert` validates argument `amount`; it is stripped under `python -O`",
        ),
        (
            "assert account.open and amount < account.balance",
            "`assert` validates argument `account`, `amount`; it is stripped under `python -O`",
        ),
        ("assert name", "`assert` validates argument `name`; it is stripped under `python -O`"),
        ("assert all(codes)", "`assert` validates argument `codes`; it is stripped under `python -O`"),
    ]


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "def f(x, y, z):\n"
        "    assert isinstance(x, int) and not isinstance(y, str)\n"  # type narrowing
        "    assert z is not None\n"
        "    assert self_check()\n"  # no argument involved: an invariant
        "    if x:\n"
        "        assert y > 0\n"  # not at the top of the body
        "    x = normalise(x)\n"
        "    assert x > 0\n"  # checks a computed value, not the input
        "    assert False, 'unreachable'\n"
        "def _helper(a):\n    assert a > 0\n"  # private
        "class _Impl:\n    def run(self, a):\n        assert a\n"  # private class
        "def outer(a):\n    def inner(b):\n        assert b\n    return inner\n"  # nested
        "class K:\n    def m(self):\n        assert self.ready\n"  # self is not an argument
    )
    assert _flagged(src) == []


def test_test_files_and_private_modules_are_not_flagged():
    src = "def check(value):\n    assert value == 3\n"
    assert len(_flagged(src)) == 1
    assert _flagged(src, "/project/tests/helpers.py") == []
    assert _flagged(src, "/project/pkg/test_mod.py") == []
    assert _flagged(src, "/project/pkg/_internal.py") == []  # a private module
    assert len(_flagged(src, "/project/pkg/__init__.py")) == 1


def test_fix_raises_value_error_and_is_marked_unsafe():
    src = "def f(amount, items, flag):\n    assert amount > 0, 'positive'\n    assert items\n    assert flag or amount\n"
    findings = run(AssertForValidation, src)
    assert all(f.fix is not None and f.fix.safe is False for f in findings)
    assert fixed(AssertForValidation, src) == (
        "def f(amount, items, flag):\n"
        "    if amount <= 0:\n"
        "        raise ValueError('positive')\n"
        "    if not items:\n"
        "        raise ValueError('items')\n"
        "    if not (flag or amount):\n"
        "        raise ValueError('flag or amount')\n"
    )


def test_fixed_code_still_rejects_bad_input_under_optimisation():
    out = fixed(AssertForValidation, "def f(n):\n    assert n in (1, 2), 'n must be 1 or 2'\n    return n\n")
    assert (
        out
        == "def f(n):\n    if n not in (1, 2):\n        raise ValueError('n must be 1 or 2')\n    return n\n"
    )
    ns: dict = {}
    exec(compile(out, "m.py", "exec", optimize=2), ns)
    assert ns["f"](1) == 1
    with pytest.raises(ValueError, match="n must be 1 or 2"):
        ns["f"](3)


def test_syntax_errors_yield_nothing():
    assert run(AssertForValidation, "def f(x):\n    assert x >\n") == []


def test_asserts_through_typeguard_and_typeis_functions_are_narrowing():
    src = (
        "from typing import TypeGuard\n"
        "from typing_extensions import TypeIs\n"
        "def is_text(v) -> TypeGuard[str]:\n    return isinstance(v, str)\n"
        "def is_pair(v) -> 'TypeIs[tuple[int, int]]':\n    return len(v) == 2\n"
        "class Codec:\n"
        "    def _is_bytes(self, v) -> typing.TypeIs[bytes]:\n        return isinstance(v, bytes)\n"
        "    def encode(self, data, pair):\n"
        "        assert self._is_bytes(data)\n"
        "        assert is_pair(pair) and is_text(pair[0])\n"
        "def render(value, other):\n"
        "    assert is_text(value)\n"
        "    assert is_valid(other)\n"  # not a guard: real validation, still flagged
    )
    assert [text for text, _ in _flagged(src)] == ["assert is_valid(other)"]
