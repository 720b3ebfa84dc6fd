"""AUR202: a shell command built from variables (or `shell=True` with a non-literal command)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator

from aurelis.analysis.astutil import (
    ImportMap,
    ast_index,
    is_str_literal,
    iter_scope,
    node_range,
)
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity

# run a command through the shell only when asked (shell=True)
_SHELL_OPTIONAL = {f"subprocess.{n}" for n in ("run", "call", "check_call", "check_output", "Popen")}
# always run their string through /bin/sh
_ALWAYS_SHELL = {
    "os.system",
    "os.popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "asyncio.create_subprocess_shell",
    "commands.getoutput",
    "commands.getstatusoutput",
}


def _literal(node: ast.AST) -> bool:
    """A constant command: a string literal, or a list/tuple of them."""
    if is_str_literal(node):
        return True
    return isinstance(node, (ast.List, ast.Tuple)) and all(is_str_literal(e) for e in node.elts)


def _const_str(node: ast.AST) -> bool:
    """A string literal or a concatenation of them (iterative: chains can be long)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
            stack += [n.left, n.right]
        elif not is_str_literal(n):
            return False
    return True


def _built(node: ast.AST) -> bool:
    """A string put together from non-literal pieces: + , f-string, % or .format/.join."""
    if isinstance(node, ast.AugAssign):  # cmd += arg
        return True
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return not _const_str(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return is_str_literal(node.left) and not _literal(node.right)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    ):
        return (
            is_str_literal(node.func.value)
            and not all(_literal(a) for a in node.args)
            and bool(node.args or node.keywords)
        )
    return False


class ShellInjection(Rule):
    code = "AUR202"
    name = "shell-injection"
    category = Category.SECURITY
    severity = Severity.WARNING
    summary = "Shell command built from variables (shell injection)"
    description = (
        "A command string that the shell parses, built from variables, lets a value such as "
        "`x; rm -rf ~` run its own commands. Pass an argument list to `subprocess.run` without "
        "`shell=True` (or quote with `shlex.quote`). Flagged: `subprocess.*` with `shell=True` and a "
        "non-literal command; `os.system`/`os.popen`/`subprocess.getoutput` with a command built by "
        "concatenation, f-string, `%` or `.format` (directly or through a local variable). A constant "
        "command is not flagged."
    )
    bad = 'os.system(f"convert {name} out.png")'
    good = 'subprocess.run(["convert", name, "out.png"], check=True)'
    noqa = ("S602", "S604", "S605")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        imports = index.imports
        calls = [c for c in index.of(ast.Call) if imports.qualname(c.func) in _SHELL_OPTIONAL | _ALWAYS_SHELL]
        assigned: dict[int, dict[str, list[ast.AST | None]]] = {}
        found = []
        for call in calls:
            scope = index.scope_of(call)
            if id(scope) not in assigned:
                assigned[id(scope)] = _assignments(scope)
            finding = self._check_call(ctx, call, imports, assigned[id(scope)])
            if finding:
                found.append(finding)
        yield from sorted(found, key=lambda f: f.start)

    def _check_call(
        self, ctx: RuleContext, call: ast.Call, imports: ImportMap, values: dict[str, list[ast.AST | None]]
    ) -> Finding | None:
        name = imports.qualname(call.func)
        if name not in _SHELL_OPTIONAL and name not in _ALWAYS_SHELL:
            return None
        command = (
            call.args[0]
            if call.args
            else next((k.value for k in call.keywords if k.arg in ("args", "cmd", "command")), None)
        )
        if command is None or isinstance(command, ast.Starred):
            return None
        if name in _SHELL_OPTIONAL:
            shell = next((k.value for k in call.keywords if k.arg == "shell"), None)
            if not (isinstance(shell, ast.Constant) and shell.value):
                return None
            if _literal(command) or _via_local(command, values, _literal, all):
                return None
            message = f"`{name}` with `shell=True` and a non-literal command: shell injection risk; pass an argument list without shell=True"
        else:
            if not (_built(command) or _via_local(command, values, _built, any)):
                return None
            message = f"`{name}` with a command built from variables: shell injection risk; use subprocess.run([...]) with an argument list"
        start, end = node_range(ctx, command)
        return self.finding(start, end, message=message)


def _assignments(scope: ast.AST) -> dict[str, list[ast.AST | None]]:
    """Name -> assigned values in one scope; None for a binding we cannot see through."""
    nodes = list(iter_scope(scope))
    values: dict[str, list[ast.AST | None]] = {}
    direct: set[int] = set()
    for node in nodes:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    values.setdefault(t.id, []).append(node.value)
                    direct.add(id(t))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            # cmd += arg builds the command from a variable
            values.setdefault(node.target.id, []).append(
                node.value if isinstance(node, ast.AnnAssign) else node
            )
            direct.add(id(node.target))
    for node in nodes:  # for-targets, with-as, unpacking, walrus: unknown values
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and id(node) not in direct:
            values.setdefault(node.id, []).append(None)
    return values


def _via_local(
    expr: ast.AST,
    values: dict[str, list[ast.AST | None]],
    test: Callable[[ast.AST], bool],
    quantifier: Callable[[Iterable[bool]], bool],
) -> bool:
    """A local name whose assignments in this scope satisfy ``test`` (``all`` or ``any`` of them)."""
    if not isinstance(expr, ast.Name) or expr.id not in values:
        return False
    return bool(quantifier(v is not None and test(v) for v in values[expr.id]))
