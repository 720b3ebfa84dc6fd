from aurelis.analysis.rules.eval_exec import EvalExec
from tests.analysis.rule_support import run


def test_flags_eval_and_exec_of_variables():
    src = (
        "import builtins\n"
        "def handle(req):\n"
        "    value = eval(req.body)\n"
        "    exec(compile(req.code, '<x>', 'exec'))\n"
        "    builtins.eval(f'1 + {req.n}')\n"
        "    return value\n"
    )
    findings = run(EvalExec, src)
    assert [f.message.split(";")[0] for f in findings] == [
        "`eval` on non-literal input",
        "`exec` on non-literal input",
        "`eval` on non-literal input",
    ]
    text = src.encode()
    # the range is exactly the call expression
    assert [text[f.start : f.end].decode() for f in findings] == [
        "eval(req.body)",
        "exec(compile(req.code, '<x>', 'exec'))",
        "builtins.eval(f'1 + {req.n}')",
    ]


def test_lookalikes_are_not_flagged():
    src = (
        "import ast\n"
        "x = eval('1 + 2')\n"
        "exec('import sys')\n"
        "y = ast.literal_eval(text)\n"
        "model.eval()\n"
        "self.exec(query)\n"
        "conn.eval(script)\n"
    )
    assert run(EvalExec, src) == []


def test_module_with_its_own_eval_is_not_flagged():
    src = "def eval(expr, env):\n    return env[expr]\n\nprint(eval(name, {}))\n"
    assert run(EvalExec, src) == []
    assert run(EvalExec, "from sandbox import exec\nexec(code)\n") == []


def test_syntax_error_and_empty_input_yield_nothing():
    assert run(EvalExec, "eval(x\n") == []
    assert run(EvalExec, "") == []


def test_code_objects_the_program_compiled_itself_are_not_flagged():
    src = (
        "from types import CodeType\n"
        "def run_template(code: CodeType, ns):\n"
        "    exec(code, ns)\n"  # a template engine runs its own compiled output (jinja2, werkzeug)
        "def make(script, globs):\n"
        "    bytecode = compile(script, '<attrs generated>', 'exec')\n"
        "    eval(bytecode, globs)\n"  # attrs' generated methods
        "def fake_tb(location, g):\n"
        "    code = compile('raise E', 'x', 'exec')\n"
        "    code = code.replace(co_name=location)\n"
        "    exec(code, g)\n"  # jinja2's traceback rewriting
        "def handle(req, code):\n"
        "    exec(code)\n"  # an unannotated parameter: still flagged
        "    text = req.body.replace('a', 'b')\n"
        "    eval(text)\n"  # str.replace is no code object: still flagged
    )
    assert [src.encode()[f.start : f.end].decode() for f in run(EvalExec, src)] == [
        "exec(code)",
        "eval(text)",
    ]
