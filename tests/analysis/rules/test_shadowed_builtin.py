from aurelis.analysis.rules.shadowed_builtin import ShadowedBuiltin
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import run


def _flagged(src, settings=None):
    return [
        (src.encode()[f.start : f.end].decode(), f.message)
        for f in run(ShadowedBuiltin, src, settings=settings)
    ]


def test_flags_variables_parameters_and_defs():
    src = (
        "def input(a, type=1, *vars, b: int = 2, sum: str, **locals):\n"
        "    dict = {}\n"
        "    for (i, [hash, *min]) in z:\n"
        "        pass\n"
        "    with ctx() as (len, zip):\n"
        "        pass\n"
        "    try:\n"
        "        pass\n"
        "    except E as iter:\n"
        "        pass\n"
        "    if (next := 3):\n"
        "        return [x for set in y]\n"
        "class object:\n"
        "    pass\n"
        "f = lambda max, str=3: 0\n"
    )
    assert [name for name, _ in _flagged(src)] == [
        "input",
        "type",
        "vars",
        "sum",
        "locals",
        "dict",
        "hash",
        "min",
        "len",
        "zip",
        "iter",
        "next",
        "set",
        "object",
        "max",
        "str",
    ]
    messages = dict(_flagged(src))
    assert messages["type"] == "Argument `type` shadows the builtin `type`"
    assert messages["dict"] == "Variable `dict` shadows the builtin `dict`"
    assert messages["input"] == "Function `input` shadows the builtin `input`"


def test_names_bound_by_an_import_are_not_flagged():
    # `from .compat import str` shadows on purpose: the module chose that name for its value
    src = (
        "from .compat import str, bytes\n"
        "import os as id\n"
        "from helpers import list, filter as map\n"
        "def f():\n"
        "    from io import open\n"
        "    return open\n"
    )
    assert _flagged(src) == []


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "from builtins import open\n"
        "import json as json_\n"
        "class Model:\n"
        "    id = 0\n"  # class attribute
        "    type: str = 'x'\n"
        "    def list(self, filter=None):\n"  # method name is an attribute; the parameter is flagged
        "        self.id = 3\n"  # attribute
        "        return call(id=3, type=4)\n"  # keyword arguments
        "def _make(len=len, isinstance=isinstance):\n"  # fast-local idiom binds the builtin itself
        "    TimeoutError = TimeoutError\n"
        "    obj[list] = 1\n"
        "    help = license = 'MIT'\n"  # interactive-only names from `site`
        "    _id, list_ = 1, 2\n"
    )
    assert _flagged(src) == [("filter", "Argument `filter` shadows the builtin `filter`")]


def test_ignore_option_exempts_names():
    settings = AnalysisSettings(options={"AUR108": {"ignore": ["id", "type"]}})
    assert [n for n, _ in _flagged("def f(id, type, input):\n    pass\n", settings)] == ["input"]


def test_code_that_does_not_parse_gets_no_findings():
    # the rule reads Python's own ast: without one it reports nothing rather than guessing
    assert run(ShadowedBuiltin, "def f(list, :\n    dict = \n") == []
    assert run(ShadowedBuiltin, "") == []
    # the same names in code that parses are reported, so the empty answer above is the syntax error's
    assert [n for n, _ in _flagged("def f(list):\n    dict = 1\n")] == ["list", "dict"]
