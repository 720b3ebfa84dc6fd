from aurelis.analysis.rule import apply_edits
from aurelis.analysis.rules.mutable_default_argument import MutableDefaultArgument
from tests.analysis.rule_support import fixed, run


def test_flags_literals_comprehensions_and_factory_calls():
    src = (
        "def f(a, b=[], *, c={}, d=set(), e=collections.defaultdict(list), g=[i for i in range(3)]):\n"
        "    return a\n"
        "h = lambda x={}: x\n"
    )
    findings = run(MutableDefaultArgument, src)
    assert [src.encode()[f.start : f.end].decode() for f in findings] == [
        "[]",
        "{}",
        "set()",
        "collections.defaultdict(list)",
        "[i for i in range(3)]",
        "{}",
    ]
    assert findings[0].message == "Mutable default `[]` for `b` is shared between calls"
    assert findings[-1].fix is None  # a lambda has no body for the guard


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "def f(a=None, b=(), c=frozenset(), d='[]', e=0, f=tuple([1, 2]), *args, **kwargs):\n"
        "    call(x=[], y={})\n"
        "    items = []\n"
        "    return items\n"
    )
    assert run(MutableDefaultArgument, src) == []


def test_fix_inserts_guard_after_docstring_with_body_indent():
    src = (
        "class A:\n"
        "    def add(self, item, into=[]):\n"
        '        """Add item."""\n'
        "        into.append(item)\n"
        "        return into\n"
    )
    assert fixed(MutableDefaultArgument, src) == (
        "class A:\n"
        "    def add(self, item, into=None):\n"
        '        """Add item."""\n'
        "        if into is None:\n"
        "            into = []\n"
        "        into.append(item)\n"
        "        return into\n"
    )


def test_fix_without_docstring_and_several_params_and_annotation():
    src = "def f(a: dict[str, int] = {}, b=set()):\n    # keep me\n    return a, b\n"
    assert fixed(MutableDefaultArgument, src) == (
        "def f(a: dict[str, int] | None = None, b=None):\n"
        "    # keep me\n"
        "    if a is None:\n"
        "        a = {}\n"
        "    if b is None:\n"
        "        b = set()\n"
        "    return a, b\n"
    )


def test_fixes_applied_one_at_a_time_keep_the_parameter_order():
    src = 'def f(a=[], b={}):\n    """Doc."""\n    return a, b\n'
    first = run(MutableDefaultArgument, src)[0]
    once = apply_edits(src.encode(), first.fix.edits).decode()
    assert (
        once == 'def f(a=None, b={}):\n    """Doc."""\n    if a is None:\n        a = []\n    return a, b\n'
    )
    assert fixed(MutableDefaultArgument, once) == (
        'def f(a=None, b=None):\n    """Doc."""\n    if a is None:\n        a = []\n'
        "    if b is None:\n        b = {}\n    return a, b\n"
    )


def test_fix_with_docstring_only_body_and_tabs():
    src = 'def f(x=[]):\n\t"""Doc."""\n'
    assert fixed(MutableDefaultArgument, src) == 'def f(x=None):\n\t"""Doc."""\n\tif x is None:\n\t\tx = []\n'


def test_fixed_function_behaves_like_a_fresh_default_each_call():
    out = fixed(MutableDefaultArgument, "def add(item, into=[]):\n    into.append(item)\n    return into\n")
    ns: dict = {}
    exec(compile(out, "m.py", "exec"), ns)
    assert ns["add"](1) == [1] and ns["add"](2) == [2]


def test_one_line_def_is_flagged_without_fix_and_broken_code_gets_no_fix():
    findings = run(MutableDefaultArgument, "def f(x=[]): return x\n")
    assert len(findings) == 1 and findings[0].fix is None
    # a broken signature: the default is still reported, but no edit is offered on code that does not parse
    src = "def f(x=[], :\n"
    (finding,) = run(MutableDefaultArgument, src)
    assert src.encode()[finding.start : finding.end] == b"[]" and finding.fix is None
    assert run(MutableDefaultArgument, "") == []
