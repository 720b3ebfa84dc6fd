import textwrap

from aurelis.analysis.rules.complex_function import ComplexFunction
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import run

# 1 + if + elif + for + while + except + try-else + 2 match cases (the final `case _` is an else) = 9
NINE = """
def route(req):
    if req.a:
        pass
    elif req.b:
        pass
    for x in req.items:
        while x:
            x -= 1
    try:
        go()
    except ValueError:
        pass
    else:
        done()
    match req.kind:
        case 1:
            pass
        case 2:
            pass
        case _:
            pass
    value = 1 if req.c else 2      # expressions do not count (as in mccabe / ruff C901)
    ok = req.d and req.e or req.f
    return [y for y in req.items if y]
"""


def test_complexity_counts_like_mccabe():
    src = textwrap.dedent(NINE)
    assert run(ComplexFunction, src, settings=AnalysisSettings(options={"AUR403": {"max_complexity": 8}}))[
        0
    ].data == {"complexity": 9}
    assert (
        run(ComplexFunction, src, settings=AnalysisSettings(options={"AUR403": {"max_complexity": 9}})) == []
    )


def test_flags_functions_over_the_default_limit_on_their_name():
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(10))
    src = f"def pick(x):\n{branches}    return None\n\nasync def fine(x):\n    if x:\n        return 1\n"
    (finding,) = run(ComplexFunction, src)
    assert src.encode()[finding.start : finding.end] == b"pick"
    assert finding.message == "`pick` has cyclomatic complexity 11 (limit 10)"


def test_nested_functions_add_to_the_outer_one():
    inner = "".join(f"        if y == {i}:\n            return {i}\n" for i in range(9))
    src = f"def outer(x):\n    def inner(y):\n{inner}        return None\n    return inner(x)\n"
    # outer: 1 + nested def (1) + its 9 branches = 11; inner alone: 10
    assert [f.message for f in run(ComplexFunction, src)] == [
        "`outer` has cyclomatic complexity 11 (limit 10)"
    ]


def test_simple_code_and_bad_input_are_not_flagged():
    assert run(ComplexFunction, "def f(x):\n    return x and x.y or None\n") == []
    assert run(ComplexFunction, "def f(:\n") == []
