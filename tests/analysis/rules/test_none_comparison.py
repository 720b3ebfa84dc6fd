from aurelis.analysis.rules.none_comparison import NoneComparison
from tests.analysis.rule_support import fixed, run


def test_flags_eq_none_and_ne_true():
    findings = run(
        NoneComparison, "if x == None:\n    pass\nif y != True:\n    pass\nif None == z:\n    pass\n"
    )
    assert [f.message for f in findings] == [
        "Comparison to None with `==`; use `is`",
        "Comparison to True with `!=`; use `is not`",
        "Comparison to None with `==`; use `is`",
    ]


def test_idiomatic_lookalikes_are_not_flagged():
    assert (
        run(NoneComparison, "if x is None:\n    pass\nif x == 'None':\n    pass\nif a == b:\n    pass\n")
        == []
    )


def test_fix_rewrites_operator():
    assert fixed(NoneComparison, "if x == None:\n    pass\n") == "if x is None:\n    pass\n"
    assert fixed(NoneComparison, "ok = flag != False\n") == "ok = flag is not False\n"
