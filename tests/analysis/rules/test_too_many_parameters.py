from aurelis.analysis.rules.too_many_parameters import TooManyParameters
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import run


def flagged(src: str, settings=None) -> list[tuple[str, str]]:
    text = src.encode()
    return [
        (text[f.start : f.end].decode(), f.message) for f in run(TooManyParameters, src, settings=settings)
    ]


def test_flags_more_than_five_positional_parameters():
    src = (
        "def connect(host, port, user, password, timeout, retries):\n    pass\n"
        "async def fetch(a, b, /, c, d, e, f):\n    pass\n"
    )
    assert flagged(src) == [
        ("connect", "`connect` takes 6 parameters (limit 5)"),
        ("fetch", "`fetch` takes 6 parameters (limit 5)"),
    ]


def test_keyword_only_parameters_count_only_when_asked():
    # every call names them: `fetch(a, b, c, d=1, e=2, f=3)` is not the problem this rule is about
    src = "async def fetch(a, /, b, c, *, d, e, f):\n    pass\n"
    assert flagged(src) == []
    on = AnalysisSettings(options={"AUR404": {"count_keyword_only": True}})
    assert flagged(src, on) == [("fetch", "`fetch` takes 6 parameters (limit 5)")]


def test_self_cls_and_star_args_are_not_counted():
    src = (
        "class Client:\n"
        "    def connect(self, host, port, user, password, timeout):\n        pass\n"
        "    @classmethod\n"
        "    def make(cls, a, b, c, d, e, *args, **kwargs):\n        pass\n"
        "    @staticmethod\n"
        "    def helper(a, b, c, d, e, f):\n        pass\n"  # a static method has no self: 6
        "def wrapper(*args, **kwargs):\n    pass\n"
        "from typing import overload\n"
        "@overload\n"
        "def g(a: int, b: int, c: int, d: int, e: int, f: int) -> int: ...\n"
    )
    assert flagged(src) == [("helper", "`helper` takes 6 parameters (limit 5)")]


def test_limit_is_an_option():
    src = "def f(a, b, c):\n    pass\n"
    assert flagged(src) == []
    assert flagged(src, AnalysisSettings(options={"AUR404": {"max_parameters": 2}})) == [
        ("f", "`f` takes 3 parameters (limit 2)")
    ]


def test_bad_input_yields_nothing():
    assert flagged("def f(a, b, c, d, e, f, g\n") == []
