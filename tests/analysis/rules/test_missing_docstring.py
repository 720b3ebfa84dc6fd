from aurelis.analysis.registry import by_code
from aurelis.analysis.rules.missing_docstring import MissingDocstring
from tests.analysis.rule_support import run


def _flagged(src, path="/project/pkg/mod.py"):
    return [(src.encode()[f.start : f.end].decode(), f.message) for f in run(MissingDocstring, src, path)]


def test_is_off_by_default_and_registered():
    assert MissingDocstring.enabled_by_default is False
    assert by_code()["AUR501"] is MissingDocstring


def test_flags_public_module_class_function_and_method():
    src = (
        "import os\n"
        "def parse(text):\n    return text\n"
        "class Parser:\n"
        "    def feed(self, data):\n        pass\n"
        "    @property\n    def size(self):\n        return 1\n"
        "    class Options:\n        pass\n"
        "async def fetch():\n    pass\n"
    )
    assert _flagged(src) == [
        ("import os", "Public module has no docstring"),
        ("parse", "Public function `parse` has no docstring"),
        ("Parser", "Public class `Parser` has no docstring"),
        ("feed", "Public method `Parser.feed` has no docstring"),
        ("size", "Public method `Parser.size` has no docstring"),
        ("Options", "Public class `Parser.Options` has no docstring"),
        ("fetch", "Public function `fetch` has no docstring"),
    ]
    assert _flagged("x = 1\n", "/project/pkg/__init__.py") == [("x = 1", "Public package has no docstring")]


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        '"""Module docstring."""\n'
        "def documented():\n    '''Yes.'''\n"
        "def _private():\n    pass\n"
        "class _Hidden:\n    def visible(self):\n        pass\n"
        "class Shape:\n"
        '    "Doc" " in parts."\n'
        "    def __init__(self):\n        pass\n"  # dunders, __init__ included, are documented by the class
        "    def __repr__(self):\n        return ''\n"
        "    @property\n    def size(self):\n        '''Size.'''\n"
        "    @size.setter\n    def size(self, v):\n        pass\n"
        "    @typing.overload\n    def at(self, i: int) -> int: ...\n"
        "    @overload\n    def at(self, i: str) -> str: ...\n"
        "    def at(self, i):\n        '''Item at i.'''\n"
        "    @override\n    def area(self):\n        return 0\n"
        "def outer():\n    '''Doc.'''\n    def inner():\n        pass\n    class Local:\n        pass\n"
    )
    assert _flagged(src) == []


def test_dunder_all_defines_the_public_api():
    src = (
        '"""M."""\n'
        "__all__ = ['Api', \"run\"]\n"
        "__all__ += ('extra',)\n"
        "class Api:\n    def call(self):\n        pass\n"
        "def run():\n    pass\n"
        "def extra():\n    pass\n"
        "def helper():\n    pass\n"  # public-looking but not exported
        "class Internal:\n    def call(self):\n        pass\n"
    )
    assert [m for _, m in _flagged(src)] == [
        "Public class `Api` has no docstring",
        "Public method `Api.call` has no docstring",
        "Public function `run` has no docstring",
        "Public function `extra` has no docstring",
    ]
    computed = '"""M."""\n__all__ = base.__all__ + ["x"]\ndef helper():\n    pass\n'
    assert [m for _, m in _flagged(computed)] == ["Public function `helper` has no docstring"]


def test_fstring_is_not_a_docstring():
    assert _flagged('"""M."""\ndef f():\n    f"not {a} docstring"\n') == [
        ("f", "Public function `f` has no docstring"),
    ]


def test_test_private_main_and_empty_modules_are_skipped():
    src = "def parse(text):\n    return text\n"
    assert _flagged(src, "/project/tests/test_parse.py") == []
    assert _flagged(src, "/project/pkg/_impl.py") == []
    assert _flagged(src, "/project/pkg/__main__.py") == []
    assert _flagged("", "/project/pkg/__init__.py") == []
    assert _flagged("# just a comment\n") == []


def test_broken_code_is_still_checked_where_it_parses():
    # tree-sitter recovers `def f(` as a function: the module and `f` are still reported, at their names
    src = "def f(:\n    pass\nclass\n"
    found = [(f.message, src.encode()[f.start : f.end].decode()) for f in run(MissingDocstring, src)]
    assert found == [
        ("Public module has no docstring", "def f(:"),
        ("Public function `f` has no docstring", "f"),
    ]
