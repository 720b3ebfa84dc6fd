"""AUR301: a string grown with `+=` / `s = s + …` inside a loop (quadratic copying)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aurelis.analysis.astutil import (
    FUNCTIONS,
    ast_index,
    iter_scope,
    line_end,
    line_indent,
    node_range,
)
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Finding, Fix, Rule, Severity

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_STR_FUNCS = {"str", "repr", "format", "chr", "ascii"}
# control flow that the list-and-join rewrite does not try to reason about
_JUMPS = (ast.Break, ast.Continue, ast.Return, ast.Yield, ast.YieldFrom, ast.Await)


@dataclass
class _Concat:
    stmt: ast.stmt
    form: str  # "+=", "+", "f-string", "%", ".format"
    append: str | None  # source of the appended part when the statement is a plain append
    loops: list[ast.AST]  # the loops of the scope around the statement, innermost first
    own_reads: set[int] = field(default_factory=set)  # ids of the Name nodes that are the accumulator itself


def _kind(value: ast.AST | None) -> str | None:
    """'str' / 'bytes' when the expression is certainly one; None when unknown."""
    if isinstance(value, ast.Constant):
        return "str" if isinstance(value.value, str) else "bytes" if isinstance(value.value, bytes) else None
    if isinstance(value, ast.JoinedStr):
        return "str"
    if isinstance(value, ast.Call):
        if isinstance(value.func, ast.Name) and value.func.id in _STR_FUNCS:
            return "str"
        if isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Constant):
            return _kind(value.func.value) if value.func.attr in ("join", "format") else None
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod):
        return _kind(value.left)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        for leaf in _add_leaves(value):  # iterative: long `a + b + ...` chains must not recurse
            if not isinstance(leaf, ast.BinOp):
                kind = _kind(leaf)
                if kind:
                    return kind
    return None


def _add_leaves(node: ast.AST) -> list[ast.AST]:
    """`a + b + c` (left-nested) -> [a, b, c]."""
    leaves: list[ast.AST] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        leaves.append(node.right)
        node = node.left
    leaves.append(node)
    return leaves[::-1]


def _is(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


class StringConcatInLoop(Rule):
    code = "AUR301"
    name = "string-concat-in-loop"
    category = Category.PERFORMANCE
    severity = Severity.INFO
    enabled_by_default = False
    summary = "String built by concatenation inside a loop"
    description = (
        "Strings are immutable: `s += part` in a loop copies everything built so far on each "
        "iteration, which is quadratic in the worst case (CPython's in-place shortcut is an "
        "implementation detail that other interpreters and many code shapes do not get). Collect "
        "the parts in a list and `''.join` them once. Every form is recognised: `s += x`, "
        "`s = s + x`, `s = x + s`, `s = f\"{s}…\"`, `s = '%s…' % s`, `s = '{}…'.format(s)`, where "
        "`s` is known to be a string (initialised from a literal, f-string or `str()`, or annotated "
        "`str`). The fix is offered only where it is safe: a plain `for` loop without `else`, "
        "`break`, `continue`, `return`, `yield` or `await`, not inside a `try`, with `s` only "
        "appended to (never read) inside the loop."
        "\n\nOff by default: on the precision benchmark (`bench/precision/`: rich, attrs, jinja2, "
        "werkzeug, starlette and part of the standard library) 10% actionable, 20% wrong of its labelled findings; a "
        "default rule needs at least 60% actionable and at most 10% wrong. Most loops run a handful of times, where a list and a join buy nothing. "
        "Select it by code to use it."
    )
    bad = "out = ''\nfor line in lines:\n    out += line.strip()"
    good = "out = ''\nout_parts = [out]\nfor line in lines:\n    out_parts.append(line.strip())\nout = ''.join(out_parts)"
    fixable = True

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None or not index.of(*_LOOPS):
            return
        up = index.parents
        # only scopes holding a concatenation inside a loop are analysed in full
        todo: dict[int, ast.AST] = {}
        for stmt in index.of(ast.AugAssign, ast.Assign):
            target = stmt.target if isinstance(stmt, ast.AugAssign) else stmt.targets[0]
            if not isinstance(target, ast.Name):
                continue
            scope = index.scope_of(stmt)
            if id(scope) in todo or not isinstance(scope, (ast.Module, *FUNCTIONS)):
                continue
            concat = self._concat(ctx, stmt, target.id, scope, up)
            if concat is not None and concat.loops:
                todo[id(scope)] = scope
        if not todo:
            return
        all_names = {n.id for n in index.of(ast.Name)}
        found: list[Finding] = []
        for scope in todo.values():
            found.extend(self._check_scope(ctx, scope, up, all_names))
        yield from sorted(found, key=lambda f: f.start)

    def _check_scope(
        self, ctx: RuleContext, scope: ast.AST, up: dict[Any, Any], all_names: set[str]
    ) -> Iterator[Finding]:
        nodes = list(iter_scope(scope))
        declared = {n for node in nodes if isinstance(node, (ast.Global, ast.Nonlocal)) for n in node.names}
        kinds: dict[str, set[str | None]] = {}  # every binding's kind; None = unknown
        if isinstance(scope, FUNCTIONS):
            a = scope.args
            for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
                ann = arg.annotation
                is_str = (
                    arg not in (a.vararg, a.kwarg)
                    and isinstance(ann, ast.Name)
                    and ann.id in ("str", "bytes")
                )
                kinds.setdefault(arg.arg, set()).add(ann.id if is_str else None)  # type: ignore[union-attr]
        concats: dict[str, list[_Concat]] = {}
        quotes: dict[str, bytes] = {}
        growing: set[int] = set()  # every concatenation statement, in a loop or not
        for node in nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stmt = up.get(node)
                concat = self._concat(ctx, stmt, node.id, scope, up) if stmt is not None else None
                if concat is not None:
                    growing.add(id(stmt))
                    if concat.loops:  # outside a loop a concatenation keeps the kind and is fine
                        concats.setdefault(node.id, []).append(concat)
                    continue
                if (
                    isinstance(stmt, (ast.Assign, ast.AnnAssign))
                    and (node in getattr(stmt, "targets", ()) or node is getattr(stmt, "target", None))
                    and stmt.value is not None
                ):
                    kinds.setdefault(node.id, set()).add(_kind(stmt.value))
                    if isinstance(stmt.value, ast.Constant):  # the join literal follows its quote style
                        quotes.setdefault(node.id, ctx.source[node_range(ctx, stmt.value)[0] :][:3])
                else:
                    kinds.setdefault(node.id, set()).add(None)
        for name, items in concats.items():
            k = kinds.get(name, set())
            if name in declared or len(k) != 1 or None in k:
                continue  # not certainly a str (or bytes) all along
            quote = '"' if b'"' in quotes.get(name, b"")[:2] else "'"
            joiner = ("b" if k == {"bytes"} else "") + quote * 2
            by_stmt = {id(c.stmt): c for c in items}
            groups: dict[int, list[_Concat]] = {}
            loops: dict[int, ast.AST] = {}
            for c in items:
                inner = c.loops[0]
                inner_body: list[ast.stmt] = getattr(inner, "body", [])
                body = [n for stmt in inner_body for n in ast.walk(stmt)]
                if any(
                    isinstance(n, ast.Name)
                    and n.id == name
                    and isinstance(n.ctx, ast.Store)
                    and id(up.get(n)) not in growing
                    for n in body
                ):
                    continue  # reset on every iteration: the string does not grow across iterations
                target = self._fix_loop(name, c, by_stmt, up, scope)
                key = id(target) if target is not None else -id(c.stmt)
                groups.setdefault(key, []).append(c)
                if target is not None:
                    loops[key] = target
            for key, group in groups.items():
                fix = self._fix(ctx, name, group, loops[key], all_names, joiner) if key in loops else None
                for c in group:
                    start, end = node_range(ctx, c.stmt)
                    message = f"String `{name}` built with `{c.form}` inside a loop; collect the parts in a list and join once"
                    yield self.finding(start, end, message=message, fix=fix)

    def _concat(
        self, ctx: RuleContext, stmt: ast.AST, name: str, scope: ast.AST, up: dict[Any, Any]
    ) -> _Concat | None:
        """The statement when it is `name = <concatenation involving name>` inside a loop."""
        form: str
        append: str | None
        own: set[int]
        if isinstance(stmt, ast.AugAssign):
            if not (isinstance(stmt.op, ast.Add) and _is(stmt.target, name)):
                return None
            form, append, own = "+=", _src(ctx, stmt.value), set()
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _is(stmt.targets[0], name):
            parsed = self._rhs(ctx, stmt.value, name)
            if parsed is None:
                return None
            form, append, own = parsed
        else:
            return None
        loops = []
        node = stmt
        while node is not scope and node in up:
            parent = up[node]
            if isinstance(parent, _LOOPS) and node in parent.body:
                loops.append(parent)
            node = parent
        return _Concat(stmt, form, append, loops, own)  # type: ignore[arg-type]

    def _rhs(self, ctx: RuleContext, value: ast.AST, name: str) -> tuple[str, str | None, set[int]] | None:
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            leaves = _add_leaves(value)
            hits = [leaf for leaf in leaves if _is(leaf, name)]
            if not hits:
                return None
            if len(hits) == 1 and leaves[0] is hits[0]:
                # text after the `+` that follows the accumulator: keeps parentheses intact
                _, e0 = node_range(ctx, leaves[0])
                s1, _ = node_range(ctx, leaves[1])
                _, end = node_range(ctx, value)
                plus = ctx.source.find(b"+", e0, s1)
                if plus >= 0:
                    return "+", _unwrap(ctx.source[plus + 1 : end].decode().strip()), {id(leaves[0])}
            return "+", None, set()
        if isinstance(value, ast.JoinedStr):
            refs = [v for v in value.values if isinstance(v, ast.FormattedValue) and _is(v.value, name)]
            if not refs:
                return None
            first = value.values[0]
            if len(refs) == 1 and first is refs[0] and first.conversion == -1 and first.format_spec is None:
                text = _src(ctx, value)
                m = re.match(r"([rRfF]{1,2})(\"\"\"|'''|\"|')\{\s*" + re.escape(name) + r"\s*\}", text)
                if m and "f" in m.group(1).lower():
                    return "f-string", m.group(1) + m.group(2) + text[m.end() :], {id(first.value)}
            return "f-string", None, set()
        if (
            isinstance(value, ast.BinOp)
            and isinstance(value.op, ast.Mod)
            and isinstance(value.left, ast.Constant)
        ):
            operands = value.right.elts if isinstance(value.right, ast.Tuple) else [value.right]
            return ("%", None, set()) if any(_is(o, name) for o in operands) else None
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "format"
            and isinstance(value.func.value, ast.Constant)
        ):
            args = value.args + [k.value for k in value.keywords]
            return (".format", None, set()) if any(_is(a, name) for a in args) else None
        return None

    def _fix_loop(
        self, name: str, c: _Concat, by_stmt: dict[int, _Concat], up: dict[Any, Any], scope: ast.AST
    ) -> ast.AST | None:
        """The outermost loop around ``c`` that the list-and-join rewrite can wrap, if any."""
        best = None
        for loop in c.loops:
            for n in ast.walk(loop):  # every other mention of the name inside the loop blocks the rewrite
                if isinstance(n, ast.Name) and n.id == name:
                    owner = by_stmt.get(id(up.get(n)))
                    if isinstance(n.ctx, ast.Store) and owner is not None and owner.append is not None:
                        continue
                    if not any(
                        id(n) in other.own_reads and other.append is not None for other in by_stmt.values()
                    ):
                        return best
            if (
                not isinstance(loop, ast.For)
                or loop.orelse
                or any(isinstance(n, _JUMPS) for n in iter_scope(loop))
            ):
                continue
            node = loop
            while node is not scope and node in up:  # an exception handler could observe a half-built string
                node = up[node]
                if isinstance(node, (ast.Try, ast.TryStar)):
                    return best
            best = loop
        return best

    def _fix(
        self,
        ctx: RuleContext,
        name: str,
        group: list[_Concat],
        loop: ast.AST,
        all_names: set[str],
        joiner: str,
    ) -> Fix:
        parts = f"{name}_parts"
        i = 2
        while parts in all_names:
            parts, i = f"{name}_parts{i}", i + 1
        start, end = node_range(ctx, loop)
        indent = line_indent(ctx.source, start)
        after = line_end(ctx.source, end)
        edits = [
            Edit(start, start, f"{parts} = [{name}]\n{indent}"),
            Edit(after, after, f"\n{indent}{name} = {joiner}.join({parts})"),
        ]
        for c in group:
            s, e = node_range(ctx, c.stmt)
            edits.append(Edit(s, e, f"{parts}.append({c.append})"))
        return Fix(f"Collect `{name}` in a list and join after the loop", tuple(edits))


def _src(ctx: RuleContext, node: ast.AST) -> str:
    s, e = node_range(ctx, node)
    return ctx.source[s:e].decode("utf-8", "replace")


def _unwrap(text: str) -> str:
    """`(c + "|")` -> `c + "|"`: it becomes a call argument, the parentheses are noise."""
    if text.startswith("(") and text.endswith(")"):
        try:
            if ast.dump(ast.parse(text[1:-1], mode="eval")) == ast.dump(ast.parse(text, mode="eval")):
                return text[1:-1].strip()
        except SyntaxError:
            pass
    return text
