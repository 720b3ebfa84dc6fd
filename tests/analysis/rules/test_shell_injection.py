from aurelis.analysis.rules.shell_injection import ShellInjection
from tests.analysis.rule_support import run


def flagged(src: str) -> list[str]:
    text = src.encode()
    return [text[f.start : f.end].decode() for f in run(ShellInjection, src)]


def test_shell_true_with_non_literal_command():
    src = (
        "import subprocess\n"
        "import subprocess as sp\n"
        "from subprocess import Popen\n"
        "def go(name, cmd):\n"
        "    subprocess.run('ls ' + name, shell=True)\n"
        "    sp.check_output(cmd, shell=True)\n"
        "    Popen(args=f'cat {name}', shell=True)\n"
    )
    assert flagged(src) == ["'ls ' + name", "cmd", "f'cat {name}'"]
    messages = [f.message for f in run(ShellInjection, src)]
    assert messages[0].startswith("`subprocess.run` with `shell=True` and a non-literal command")
    assert messages[2].startswith("`subprocess.Popen` with `shell=True`")


def test_os_system_and_popen_with_built_commands():
    src = (
        "import os\n"
        "from os import popen\n"
        "def go(path, n):\n"
        "    os.system(f'rm -rf {path}')\n"
        "    os.system('tar xf ' + path)\n"
        "    popen('head -n %d file' % n)\n"
        "    os.popen('grep {} log'.format(n))\n"
        "    cmd = 'du -sh ' + path\n"
        "    os.system(cmd)\n"
        "    line = 'echo'\n"
        "    line += path\n"
        "    os.system(line)\n"
    )
    assert flagged(src) == [
        "f'rm -rf {path}'",
        "'tar xf ' + path",
        "'head -n %d file' % n",
        "'grep {} log'.format(n)",
        "cmd",
        "line",
    ]
    assert all("built from variables" in f.message for f in run(ShellInjection, src))


def test_lookalikes_are_not_flagged():
    src = (
        "import os, subprocess\n"
        "def go(name, cmd):\n"
        "    subprocess.run(['ls', name])\n"  # argument list, no shell
        "    subprocess.run(cmd)\n"  # no shell
        "    subprocess.run('ls -l', shell=True)\n"  # constant command
        "    subprocess.run(cmd, shell=False)\n"
        "    os.system('make clean')\n"
        "    os.system('make ' + 'all')\n"  # constant concatenation
        "    fixed = 'uptime'\n"
        "    subprocess.call(fixed, shell=True)\n"  # local bound to a literal
        "    os.system(cmd)\n"  # a parameter: origin unknown, not built here
        "    system(f'{name}')\n"  # not os.system
        "    db.popen(f'{name}')\n"
    )
    assert flagged(src) == []


def test_bad_input_yields_nothing():
    assert run(ShellInjection, "os.system(f'{x}'\n") == []
    assert run(ShellInjection, "") == []
