from aurelis.analysis.rules.open_without_with import OpenWithoutWith
from tests.analysis.rule_support import fixed, run


def _flagged(src):
    return [(src.encode()[f.start : f.end].decode(), f.message) for f in run(OpenWithoutWith, src)]


def test_flags_unclosed_and_chained_opens():
    src = (
        "def load(p):\n"
        "    data = open(p).read()\n"
        "    cfg = json.load(open(p))\n"
        "    for line in open(p):\n"
        "        print(line)\n"
        "    open(p, 'w')\n"
        "    f = open(p)\n"
        "    head = f.readline()\n"
        "    return head\n"
    )
    msg = "`open()` result is never closed explicitly; use `with open(...)`"
    assert _flagged(src) == [
        ("open(p)", msg),
        ("open(p)", msg),
        ("open(p)", msg),
        ("open(p, 'w')", msg),
        ("open(p)", "File `f` is opened without `with`"),
    ]
    assert all(f.fix is None for f in run(OpenWithoutWith, src))


def test_idiomatic_lookalikes_are_not_flagged():
    src = (
        "def a(p):\n    with open(p) as f, open(p + '.bak') as g:\n        return f.read() + g.read()\n"
        "def b(p):\n    return open(p, 'rb')\n"  # a factory: the caller owns the file
        "def c(self, p):\n    self._fh = open(p)\n"  # stored on the object
        "def d(p):\n    f = open(p)\n    try:\n        return f.read()\n    finally:\n        f.close()\n"
        "def e(stack, p):\n    f = stack.enter_context(open(p))\n    g = open(p)\n    stack.callback(g.close)\n"
        "def g(p):\n    with contextlib.closing(open(p)) as f:\n        pass\n"
        "def h(p):\n    f = open(p)\n    yield f\n"
        "def k(p):\n    f = open(p)\n    atexit.register(f.close)\n"
        "def m(p):\n    return io.TextIOWrapper(open(p, 'rb'))\n"
        "def o(src, p):\n    f = open(p, 'rb')\n    src.setByteStream(f)\n"  # handed to another object
        "def n(p):\n    f = os.open(p, os.O_RDONLY)\n"  # os.open returns a descriptor, another API
        "_log = open('/tmp/log', 'a')\n"  # a module-level handle meant to live with the module
    )
    assert _flagged(src) == []


def test_open_rebound_in_the_module_is_not_the_builtin():
    assert _flagged("from gzip import open\ndata = open(p).read()\n") == []
    assert _flagged("def f(open):\n    return open(p).read()\n") == []


def test_fix_wraps_the_statements_between_open_and_close():
    src = (
        "def copy(src, dst):\n"
        "    f = open(src)  # source\n"
        "    data = f.read()\n"
        "    # transform\n"
        "    text = '''a\n"
        "b'''\n"
        "\n"
        "    dst.write(data + text)\n"
        "    f.close()\n"
        "    return data\n"
    )
    assert fixed(OpenWithoutWith, src) == (
        "def copy(src, dst):\n"
        "    with open(src) as f:  # source\n"
        "        data = f.read()\n"
        "        # transform\n"
        "        text = '''a\n"
        "b'''\n"
        "\n"
        "        dst.write(data + text)\n"
        "    return data\n"
    )


def test_fix_at_module_level_and_with_nothing_between():
    assert (
        fixed(OpenWithoutWith, "f = open('x', 'w')\nf.close()\n") == "with open('x', 'w') as f:\n    pass\n"
    )
    src = "f = open('x')\nprint(f.read())\nf.close()\nprint('done')\n"
    assert fixed(OpenWithoutWith, src) == "with open('x') as f:\n    print(f.read())\nprint('done')\n"


def test_no_fix_when_close_is_not_in_the_same_block_or_file_used_after():
    src = "def f(p):\n    f = open(p)\n    if p:\n        f.close()\n"
    assert [x.fix for x in run(OpenWithoutWith, src)] == [None]
    src = "def f(p):\n    f = open(p)\n    f.close()\n    print(f.closed)\n"
    assert [x.fix for x in run(OpenWithoutWith, src)] == [None]


def test_syntax_errors_yield_nothing():
    assert run(OpenWithoutWith, "data = open(p).read(\n") == []
    assert run(OpenWithoutWith, "") == []
