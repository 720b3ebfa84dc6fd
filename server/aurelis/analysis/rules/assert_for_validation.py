"""AUR107: `assert` used to validate arguments disappears under `python -O`."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Facts, Finding, Fix, Rule, Severity
from aurelis.analysis.syntax import alone_on_lines, indent_of

_IMPLICIT = {"self", "cls", "mcs", "metacls"}
_NARROWING_CALLS = frozenset({"isinstance", "issubclass", "callable", "hasattr"})
_GUARDS = ("TypeGuard", "TypeIs")
_INVERT = {
    ast.Eq: "!=",
    ast.NotEq: "==",
    ast.Lt: ">=",
    ast.LtE: ">",
    ast.Gt: "<=",
    ast.GtE: "<",
    ast.In: "not in",
    ast.NotIn: "in",
    ast.Is: "is not",
    ast.IsNot: "is",
}


class AssertForValidation(Rule):
    code = "AUR107"
    name = "assert-for-validation"
    category = Category.BUG_RISK
    severity = Severity.WARNING
    enabled_by_default = False
    summary = "`assert` used to validate an argument; it is stripped under `python -O`"
    description = (
        "`assert` statements are removed when Python runs with `-O`, so a public function that checks "
        "its arguments with `assert` stops checking them in optimised deployments. Raise a real "
        "exception instead.\n\n"
        "To stay precise, only asserts at the top level of a public function's body that test one of "
        "its parameters (not reassigned before) are flagged. Test files, private modules (`_impl.py`), private and nested functions, methods of private classes, "
        "`assert False`, and type-narrowing asserts (`isinstance`, `issubclass`, `callable`, `hasattr`, "
        "`x is None` / `x is not None`, and calls of the module's own `TypeGuard` / `TypeIs` functions) "
        "are left alone. The offered fix (`if not ...: raise ValueError`) "
        "changes the exception type, so it is not applied by fix-all."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 40% actionable, 10% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. Frameworks assert protocol invariants (an ASGI scope's type) that no user input reaches. "
        "Select it by code to use it."
    )
    bad = "def withdraw(amount):\n    assert amount > 0, 'amount must be positive'\n    ..."
    good = "def withdraw(amount):\n    if amount <= 0:\n        raise ValueError('amount must be positive')\n    ..."
    fixable = True
    noqa = ("S101",)

    def gather(self, ctx: RuleContext) -> Facts | None:
        """The unit's functions declared `-> TypeGuard[...]` / `-> TypeIs[...]` (an assert that
        calls one narrows a type, like `isinstance`); a site when it has an assert."""
        site = bool(ctx.nodes_by_type.get("assert_statement"))
        if not (ctx.mentions(b"TypeGuard") or ctx.mentions(b"TypeIs")):
            return Facts(frozenset(), site=site)
        tree = ctx.python_ast
        guards = frozenset(
            n.name
            for n in (ast.walk(tree) if tree is not None else ())
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.returns and _is_guard(n.returns)
        )
        return Facts(guards, site=site)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.is_test_file or _private_module(ctx) or not ctx.nodes_by_type.get("assert_statement"):
            return  # no assert at all: skip building the `ast`
        tree = ctx.python_ast
        if tree is None:
            return
        guards = _NARROWING_CALLS.union(*(v for _, v in ctx.module_facts(self) if v))
        for func in _public_functions(tree):
            last = max((i for i, s in enumerate(func.body) if isinstance(s, ast.Assert)), default=-1)
            if last < 0:
                continue  # most functions: no top-level assert, nothing to walk
            params = _params(func)
            assigned: set[str] = set()
            for stmt in func.body[: last + 1]:
                if isinstance(stmt, ast.Assert):
                    used = sorted(_names(stmt.test) & (params - assigned))
                    if used and not _is_narrowing(stmt.test, guards):
                        yield self._finding(ctx, stmt, used)
                assigned |= _stored(stmt)

    def _finding(self, ctx: RuleContext, stmt: ast.Assert, used: list[str]) -> Finding:
        start = ctx.offset_of(stmt.lineno, stmt.col_offset)
        end = ctx.offset_of(stmt.end_lineno or stmt.lineno, stmt.end_col_offset or 0)
        what = ", ".join(f"`{n}`" for n in used)
        message = f"`assert` validates argument {what}; it is stripped under `python -O`"
        return self.finding(start, end, message=message, fix=_fix(ctx, stmt, start, end))


def _private_module(ctx: RuleContext) -> bool:
    """`_impl.py` is internal: its asserts check the package's own invariants, not user input."""
    name = ctx.path.name if ctx.path is not None else ctx.doc.uri.rsplit("/", 1)[-1]
    return name.startswith("_") and not name.startswith("__")


def _public_functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Module-level functions and methods of module-level (or nested) classes, not nested functions."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = child.name
                if not name.startswith("_") or (name.startswith("__") and name.endswith("__")):
                    yield child
            elif (isinstance(child, ast.ClassDef) and not child.name.startswith("_")) or isinstance(
                child, (ast.If, ast.Try)
            ):
                stack.append(child)  # public classes, and defs under `if`/`try` at module or class level


def _params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    a = func.args
    every = [*a.posonlyargs, *a.args, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x)]
    return {p.arg for p in every} - _IMPLICIT


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _stored(stmt: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}


def _is_guard(annotation: ast.expr) -> bool:
    """`TypeGuard[X]`, `typing.TypeIs[X]`, or the same as a string annotation."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return any(g in annotation.value for g in _GUARDS)
    node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return name in _GUARDS


def _is_narrowing(test: ast.expr, calls: frozenset[str] = _NARROWING_CALLS) -> bool:
    """Type-narrowing / unreachable markers that type checkers rely on, not input validation.
    ``calls``: functions whose call narrows (builtins, and the module's TypeGuard/TypeIs functions)."""
    if isinstance(test, ast.BoolOp):
        return all(_is_narrowing(v, calls) for v in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _is_narrowing(test.operand, calls)
    if isinstance(test, ast.Constant):
        return not test.value  # `assert False` / `assert 0`: an unreachable marker
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name):
        return test.func.id in calls
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute):
        return test.func.attr in calls - _NARROWING_CALLS  # `self._is_text(x)`, `utils.is_x(x)`
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot)):
        return any(isinstance(c, ast.Constant) and c.value is None for c in (test.left, *test.comparators))
    return False


def _fix(ctx: RuleContext, stmt: ast.Assert, start: int, end: int) -> Fix | None:
    """`assert cond, msg` -> `if not cond:\\n    raise ValueError(msg)` (unsafe: the exception type changes)."""
    src = ctx.source
    if not alone_on_lines(src, start, end):
        return None
    indent = indent_of(src, start) or ""
    unit = "\t" if "\t" in indent else "    "
    test = _segment(ctx, stmt.test)
    one_line = "\n" not in test
    cond: str
    if (
        one_line
        and isinstance(stmt.test, ast.Compare)
        and len(stmt.test.ops) == 1
        and type(stmt.test.ops[0]) in _INVERT
    ):
        left = _segment(ctx, stmt.test.left)
        right = _segment(ctx, stmt.test.comparators[0])
        cond = f"{left} {_INVERT[type(stmt.test.ops[0])]} {right}"
    elif one_line and isinstance(stmt.test, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
        cond = f"not {test}"
    else:
        cond = f"not ({test})"
    message = _segment(ctx, stmt.msg) if stmt.msg is not None else repr(" ".join(test.split()))
    text = f"if {cond}:\n{indent}{unit}raise ValueError({message})"
    return Fix("Raise ValueError instead of `assert`", (Edit(start, end, text),), safe=False)


def _segment(ctx: RuleContext, node: ast.expr) -> str:
    s = ctx.offset_of(node.lineno, node.col_offset)
    e = ctx.offset_of(node.end_lineno or node.lineno, node.end_col_offset or 0)
    return ctx.source[s:e].decode("utf-8")
