import textwrap

import pytest

from aurelis.analysis.rules.string_concat_in_loop import StringConcatInLoop
from tests.analysis.rule_support import fixed, run


def flagged(src: str) -> list[str]:
    src = textwrap.dedent(src)
    text = src.encode()
    return [text[f.start : f.end].decode() for f in run(StringConcatInLoop, src)]


@pytest.mark.parametrize(
    "stmt",
    [
        "s += item",
        "s = s + item",
        "s = item + s",
        "s = '<' + s + '>'",
        "s = f'{s}{item}'",
        "s = f'[{item}]{s}'",
        "s = '%s,%s' % (s, item)",
        "s = '%s!' % s",
        "s = '{}{}'.format(s, item)",
        "s = '{a}{b}'.format(a=s, b=item)",
    ],
)
def test_every_form_of_the_right_hand_side_is_flagged(stmt: str):
    src = f"def f(items):\n    s = ''\n    for item in items:\n        {stmt}\n    return s\n"
    assert flagged(src) == [stmt]


def test_known_str_from_str_call_fstring_annotation_and_bytes():
    src = """
    def f(items, head: str):
        a = str(len(items))
        b = f"{len(items)}:"
        c = b""
        while items:
            a += items.pop()
            head += "x"
            b = b + "y"
            c += b"z"
    """
    assert flagged(src) == ["a += items.pop()", 'head += "x"', 'b = b + "y"', 'c += b"z"']


def test_module_level_loops_count():
    assert flagged("out = ''\nfor x in xs:\n    out += x\n") == ["out += x"]


def test_lookalikes_are_not_flagged():
    src = """
    def f(items, prefix):
        total = 0
        for item in items:
            total += item            # a number
        parts = []
        for item in items:
            parts += [item]          # a list
        text = ''
        text += 'header'             # outside a loop
        for item in items:
            line = 'x'
            line = line + item       # reset on every iteration: does not grow
        for item in items:
            prefix += item           # a parameter of unknown type
        value = compute()
        for item in items:
            value += item            # unknown type
        s = ''
        for item in items:
            other = s + item         # s itself does not grow
        return total, parts, text, line, prefix, value, other
    """
    assert flagged(src) == []


def test_global_name_is_not_flagged():
    src = "LOG = ''\ndef f(xs):\n    global LOG\n    for x in xs:\n        LOG += x\n"
    assert flagged(src) == []


def test_fix_collects_parts_and_joins_after_the_loop():
    src = (
        "def render(rows, sep):\n"
        "    out = ''\n"
        "    for row in rows:\n"
        "        out += row.name + sep\n"
        "        out = out + ';'  # end\n"
        "    return out\n"
    )
    assert fixed(StringConcatInLoop, src) == (
        "def render(rows, sep):\n"
        "    out = ''\n"
        "    out_parts = [out]\n"
        "    for row in rows:\n"
        "        out_parts.append(row.name + sep)\n"
        "        out_parts.append(';')  # end\n"
        "    out = ''.join(out_parts)\n"
        "    return out\n"
    )


def test_fix_wraps_the_outermost_safe_loop_and_handles_fstrings():
    src = (
        "def grid(rows):\n"
        "    text = ''\n"
        "    for row in rows:\n"
        "        for cell in row:\n"
        "            text = f'{text}{cell}|'\n"
        "    return text\n"
    )
    assert fixed(StringConcatInLoop, src) == (
        "def grid(rows):\n"
        "    text = ''\n"
        "    text_parts = [text]\n"
        "    for row in rows:\n"
        "        for cell in row:\n"
        "            text_parts.append(f'{cell}|')\n"
        "    text = ''.join(text_parts)\n"
        "    return text\n"
    )


def test_fix_follows_the_quote_style_of_the_initial_literal():
    src = 'out = ""\nfor x in xs:\n    out += x\n'
    assert fixed(StringConcatInLoop, src) == (
        'out = ""\nout_parts = [out]\nfor x in xs:\n    out_parts.append(x)\nout = "".join(out_parts)\n'
    )


def test_fix_joins_bytes_with_bytes_and_avoids_name_clashes():
    src = "data = b''\ndata_parts = None\nfor chunk in chunks:\n    data += bytes(chunk)\n"
    assert fixed(StringConcatInLoop, src) == (
        "data = b''\ndata_parts = None\ndata_parts2 = [data]\nfor chunk in chunks:\n"
        "    data_parts2.append(bytes(chunk))\ndata = b''.join(data_parts2)\n"
    )


@pytest.mark.parametrize(
    "loop",
    [
        "    while items:\n        s += items.pop()\n",  # not a for loop
        "    for x in items:\n        s += x\n    else:\n        s += '.'\n",  # for-else
        "    for x in items:\n        if not x:\n            break\n        s += x\n",  # break
        "    for x in items:\n        s += x\n        print(len(s))\n",  # s read in the loop
        "    for x in items:\n        s = x + s\n",  # prepend
        "    for x in items:\n        s = '%s%s' % (s, x)\n",  # % formatting
        "    try:\n        for x in items:\n            s += x\n    except ValueError:\n        pass\n",  # inside try
    ],
)
def test_no_fix_where_the_rewrite_is_not_certainly_safe(loop: str):
    src = "def f(items):\n    s = ''\n" + loop + "    return s\n"
    findings = run(StringConcatInLoop, src)
    assert findings and all(f.fix is None for f in findings)


def test_inner_loop_is_wrapped_when_the_outer_loop_resets_the_string():
    src = (
        "def lines(rows):\n"
        "    for row in rows:\n"
        "        line = ''\n"
        "        for cell in row:\n"
        "            line += cell\n"
        "        print(line)\n"
    )
    assert fixed(StringConcatInLoop, src) == (
        "def lines(rows):\n"
        "    for row in rows:\n"
        "        line = ''\n"
        "        line_parts = [line]\n"
        "        for cell in row:\n"
        "            line_parts.append(cell)\n"
        "        line = ''.join(line_parts)\n"
        "        print(line)\n"
    )


def test_bad_input_yields_nothing():
    assert run(StringConcatInLoop, "s = ''\nfor x in y:\n    s += (\n") == []
    assert run(StringConcatInLoop, "") == []


def test_fixed_code_returns_the_same_strings():
    src = (
        "def render(rows, sep):\n"
        "    out = '<'\n"
        "    for row in rows:\n"
        "        for cell in row:\n"
        "            out += str(cell) + sep\n"
        "            out = f'{out}|'\n"
        "        out = out + (';' if row else '-')\n"
        "    return out\n"
    )
    after = fixed(StringConcatInLoop, src)
    assert "out_parts.append" in after
    rows = [[1, 2], [], ["x"]]
    before_ns: dict = {}
    after_ns: dict = {}
    exec(compile(src, "before", "exec"), before_ns)
    exec(compile(after, "after", "exec"), after_ns)
    assert after_ns["render"](rows, ",") == before_ns["render"](rows, ",") == "<1,|2,|;-x,|;"
    assert after_ns["render"]([], ",") == before_ns["render"]([], ",") == "<"
