from aurelis.analysis.rules.mutable_class_attribute import MutableClassAttribute
from aurelis.config.analysis import AnalysisSettings
from tests.analysis.rule_support import run

STRICT = AnalysisSettings(options={"AUR109": {"require_mutation": False}})


def _flagged(src, settings=None):
    return [
        (src.encode()[f.start : f.end].decode(), f.message)
        for f in run(MutableClassAttribute, src, settings=settings)
    ]


def test_flags_attributes_mutated_in_place_through_self():
    src = (
        "class Cart:\n"
        "    items = []\n"
        "    cache: dict[str, int] = {}\n"
        "    tags = set()\n"
        "    seen = []\n"
        "    def add(self, item):\n"
        "        self.items.append(item)\n"
        "        self.cache[item] = 1\n"
        "        self.seen += [item]\n"
        "    def tag(self, t):\n"
        "        self.tags.add(t)\n"
    )
    assert _flagged(src) == [
        (
            "[]",
            "Class attribute `items` is mutable and shared by all instances; `self.items` is modified in place",
        ),
        (
            "{}",
            "Class attribute `cache` is mutable and shared by all instances; `self.cache` is modified in place",
        ),
        (
            "set()",
            "Class attribute `tags` is mutable and shared by all instances; `self.tags` is modified in place",
        ),
        (
            "[]",
            "Class attribute `seen` is mutable and shared by all instances; `self.seen` is modified in place",
        ),
    ]


def test_dataclass_field_with_a_literal_default_is_flagged():
    src = "@dataclass\nclass P:\n    xs: list[int] = []\n    ys: list[int] = field(default_factory=list)\n"
    assert _flagged(src) == [
        ("[]", "Mutable default for dataclass field `xs`; use `field(default_factory=...)`")
    ]


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "class Handler:\n"
        "    __slots__ = ['a', 'b']\n"
        "    __all__ = []\n"
        "    SUPPORTED = ['json', 'xml']\n"  # a constant
        "    registry: ClassVar[list[str]] = []\n"  # declared shared
        "    extensions_map = {'.gz': 'gzip'}\n"  # a read-only lookup table
        "    buffer = []\n"
        "    names = ()\n"  # immutable
        "    def __init__(self):\n"
        "        self.buffer = []\n"  # every instance gets its own list
        "    def push(self, x):\n"
        "        self.buffer.append(x)\n"
        "        self.registry.append(x)\n"
        "        self.SUPPORTED.append(x)\n"
        "class Color(Enum):\n    RED = [1]\n    def f(self):\n        self.RED.append(2)\n"
        "class Settings(BaseModel):\n    hosts: list[str] = []\n    def f(self):\n        self.hosts.append('x')\n"
    )
    assert _flagged(src) == []


def test_strict_mode_reports_every_mutable_class_attribute():
    src = "class H:\n    extensions_map = {'.gz': 'gzip'}\n    SUPPORTED = ['json']\n    ok: ClassVar[list] = []\n"
    assert _flagged(src, STRICT) == [
        ("{'.gz': 'gzip'}", "Class attribute `extensions_map` is mutable and shared by all instances"),
    ]
    assert _flagged(src) == []


def test_syntax_errors_yield_nothing():
    assert run(MutableClassAttribute, "class A:\n    x = [\n") == []


def test_option_given_as_a_string_is_understood():
    src = "class H:\n    table = {'a': 1}\n"
    as_text = AnalysisSettings(options={"AUR109": {"require_mutation": "false"}})
    assert [m for _, m in _flagged(src, as_text)] == [
        "Class attribute `table` is mutable and shared by all instances"
    ]
