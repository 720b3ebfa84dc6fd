from aurelis.analysis.rules.deep_nesting import DeepNesting
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import run

DEEP = (
    "def walk(tree):\n"
    "    for a in tree:\n"
    "        if a:\n"
    "            with a.lock:\n"
    "                try:\n"
    "                    while a.more():\n"
    "                        a.step()  # depth 5\n"
    "                        a.again()\n"
    "                except ValueError:\n"
    "                    pass\n"
)


def test_reports_the_first_statement_too_deep_on_its_first_line():
    (finding,) = run(DeepNesting, DEEP)
    assert DEEP.encode()[finding.start : finding.end] == b"a.step()"
    assert finding.message == "Statement nested 5 blocks deep in `walk` (limit 4)"
    # a compound statement is reported by its header line only
    (finding,) = run(DeepNesting, DEEP, settings=AnalysisSettings(options={"AUR406": {"max_depth": 3}}))
    assert DEEP.encode()[finding.start : finding.end] == b"while a.more():"


def test_four_levels_elif_chains_and_nested_functions_are_fine():
    src = (
        "def f(x):\n"
        "    for a in x:\n"
        "        if a == 1:\n"
        "            pass\n"
        "        elif a == 2:\n"
        "            pass\n"
        "        elif a == 3:\n"
        "            with a:\n"
        "                try:\n"
        "                    go(a)\n"  # depth 4: the elifs do not add levels
        "                finally:\n"
        "                    def inner():\n"  # a nested function starts again at 0
        "                        if a:\n"
        "                            return a\n"
        "        else:\n"
        "            match a:\n"
        "                case 1:\n"
        "                    pass\n"
    )
    assert run(DeepNesting, src) == []


def test_limit_is_an_option_and_bad_input_yields_nothing():
    assert [
        f.message
        for f in run(DeepNesting, DEEP, settings=AnalysisSettings(options={"AUR406": {"max_depth": 2}}))
    ] == ["Statement nested 3 blocks deep in `walk` (limit 2)"]
    assert run(DeepNesting, DEEP + "def broken(:\n") == []
