from aurelis.analysis.rules.long_function import LongFunction
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import run


def make(code_lines: int, extra: str = "") -> str:
    body = "".join(f"    x{i} = {i}\n" for i in range(code_lines - 1))
    return f"def long_one():\n{extra}{body}    return 0\n"


def test_flags_functions_over_sixty_lines_of_code():
    src = make(61)
    (finding,) = run(LongFunction, src)
    assert src.encode()[finding.start : finding.end] == b"long_one"
    assert finding.message == "`long_one` has 61 lines of code (limit 60)"


def test_docstring_blank_and_comment_lines_do_not_count():
    filler = '    """Docstring.\n\n    More words.\n    """\n' + "\n" * 10 + "    # a comment\n" * 10
    src = make(60, filler)
    assert run(LongFunction, src) == []
    assert [
        f.message
        for f in run(
            LongFunction,
            make(60, filler) + "def other():\n    return 1\n",
            settings=AnalysisSettings(options={"AUR405": {"max_lines": 59}}),
        )
    ] == ["`long_one` has 60 lines of code (limit 59)"]


def test_short_functions_and_bad_input_are_not_flagged():
    assert run(LongFunction, "def f():\n    return 1\n") == []
    assert run(LongFunction, make(80) + "def broken(:\n") == []
