"""AUR106: a file opened outside `with` stays open until the garbage collector finds it."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Facts, Finding, Fix, Rule, Severity
from aurelis.analysis.syntax import alone_on_lines, indent_of, line_end, line_start

if TYPE_CHECKING:
    from tree_sitter import Node

_PATTERNS = {
    "pattern_list",
    "tuple_pattern",
    "list_pattern",
    "tuple",
    "list",
    "parenthesized_expression",
    "as_pattern_target",
    "list_splat_pattern",
    "dictionary_splat_pattern",
    "typed_parameter",
}
_BINDING_PARENTS = {"parameters", "lambda_parameters", "global_statement", "nonlocal_statement"}
_BINDING_FIELDS = {
    "assignment": "left",
    "augmented_assignment": "left",
    "for_statement": "left",
    "for_in_clause": "left",
    "named_expression": "name",
    "function_definition": "name",
    "class_definition": "name",
    "default_parameter": "name",
    "typed_default_parameter": "name",
    "aliased_import": "alias",
}
_HANDOVER = ("closing", "enter_context", "enter_async_context", "push", "callback")
_OWNER_PREFIXES = ("set", "add", "register", "append")  # `source.setByteStream(f)`, `files.append(f)`
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)


class OpenWithoutWith(Rule):
    code = "AUR106"
    name = "open-without-with"
    category = Category.BUG_RISK
    severity = Severity.WARNING
    summary = "File opened without `with`; it may never be closed"
    description = (
        "A file object that is not closed by a `with` block (or a `close()` in `finally`) stays "
        "open when an exception is raised, and `open(p).read()` leaves closing to the garbage "
        "collector (a ResourceWarning, and a leaked handle on PyPy or under load). Files handed "
        "over — returned, yielded, stored on an object, passed to `closing()`/`enter_context()` — "
        "are the new owner's business and are not flagged, nor are module-level globals."
    )
    bad = "f = open(path)\ndata = f.read()\nf.close()"
    good = "with open(path) as f:\n    data = f.read()"
    fixable = True
    noqa = ("SIM115",)

    def _names(self, ctx: RuleContext) -> list[Node]:
        """`open` identifiers in the text this context owns (a cheap scan of the bytes first);
        kept on the context, since `gather` and `check` both need them."""
        names = ctx.__dict__.get("_aurelis_open_names")
        if names is None:
            hits = [h for s, e in ctx.spans for h in _occurrences(ctx.source, b"open", s, e)]
            found = [ctx.root.descendant_for_byte_range(h, h + 4) for h in hits]
            names = ctx.__dict__["_aurelis_open_names"] = [
                n for n in found if n is not None and n.type == "identifier"
            ]
        return names

    def gather(self, ctx: RuleContext) -> Facts | None:
        """Whether this unit binds `open` (then the module's `open` is not the builtin); a site
        when it calls `open`."""
        names = self._names(ctx)
        if not names:
            return None
        return Facts(any(_binds(n) for n in names), site=any(_called(n) for n in names))

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        # cheap pre-filter on the tree-sitter tree; the `ast` is only searched along the paths to real calls
        names = self._names(ctx)
        if not names:
            return
        if any(bound for _, bound in ctx.module_facts(self)):
            return  # `open` is the module's own (def, import, assignment, parameter), not the builtin
        calls = [n.parent for n in names if _called(n)]
        tree = ctx.python_ast
        if tree is None or not calls:
            return
        found = []
        for call_node in calls:
            if call_node is None:
                continue
            path = _ast_path(tree, call_node.start_point, call_node.end_point)
            if path is None or not isinstance(path[-1], ast.Call):
                continue
            parents = {child: parent for parent, child in itertools.pairwise(path)}
            finding = self._judge(ctx, path[-1], parents)
            if finding is not None:
                found.append(finding)
        yield from sorted(found, key=lambda f: f.start)

    def _judge(self, ctx: RuleContext, call: ast.Call, parents: dict[Any, Any]) -> Finding | None:
        start = ctx.offset_of(call.lineno, call.col_offset)
        end = ctx.offset_of(call.end_lineno or call.lineno, call.end_col_offset or call.col_offset)
        parent = parents.get(call)
        if isinstance(parent, ast.Assign) and parent.value is call:
            if len(parent.targets) != 1 or not isinstance(parent.targets[0], ast.Name):
                return None  # stored on an object / unpacked: ownership moves elsewhere
            var = parent.targets[0].id
            scope = _scope_of(parent, parents)
            if _handled(scope, var):
                return None
            fix = _fix(ctx, parent, var, parents)
            if isinstance(scope, ast.Module) and fix is None:
                return None  # a module-level handle is usually meant to live as long as the module
            return self.finding(start, end, message=f"File `{var}` is opened without `with`", fix=fix)
        if _handed_over(call, parents):
            return None
        if isinstance(parent, (ast.Attribute, ast.Expr, ast.For, ast.comprehension, ast.Call, ast.Starred)):
            return self.finding(
                start, end, message="`open()` result is never closed explicitly; use `with open(...)`"
            )
        return None


def _called(name: Node) -> bool:
    parent = name.parent
    return parent is not None and parent.type == "call" and parent.child_by_field_name("function") == name


def _occurrences(source: bytes, word: bytes, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of ``word`` as a whole identifier in ``source[start:end]`` (bytes.find is far
    faster than a regex here)."""
    end = len(source) if end is None else end
    out, pos, n = [], source.find(word, start, end), len(word)
    while pos >= 0:
        before = source[pos - 1 : pos] if pos else b" "
        after = source[pos + n : pos + n + 1]
        if not (before.isalnum() or before in b"_.") and not (after.isalnum() or after == b"_"):
            out.append(pos)
        pos = source.find(word, pos + n, end)
    return out


def _binds(name: Node) -> bool:
    """Is this `open` identifier a binding (assignment target, def/class name, parameter, import)?"""
    node, parent = name, name.parent
    while parent is not None and parent.type in _PATTERNS:
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type in _BINDING_PARENTS:
        return True
    if parent.type in _BINDING_FIELDS:
        return parent.child_by_field_name(_BINDING_FIELDS[parent.type]) == node
    if parent.type == "dotted_name":  # `from gzip import open` / `import open`
        grand = parent.parent
        return (
            grand is not None
            and grand.type in ("import_from_statement", "import_statement")
            and grand.child_by_field_name("module_name") != parent
        )
    return False


def _ast_path(tree: ast.Module, start: tuple[int, int], end: tuple[int, int]) -> list[ast.AST] | None:
    """Nodes from the module down to the `open(...)` Call spanning tree-sitter points ``start..end``."""
    lo, hi = (start[0] + 1, start[1]), (end[0] + 1, end[1])

    def visit(node: ast.AST) -> list[ast.AST] | None:
        for child in ast.iter_child_nodes(node):
            if hasattr(child, "lineno") and hasattr(child, "end_lineno"):
                located: Any = child  # an expr or stmt: it has a position
                c_lo = (located.lineno, located.col_offset)
                c_hi = (located.end_lineno or located.lineno, located.end_col_offset or 0)
                if not (c_lo <= lo and hi <= c_hi):
                    continue
                if c_lo == lo and c_hi == hi and isinstance(child, ast.Call) and _is_name(child.func, "open"):
                    return [child]
            elif isinstance(child, (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)):
                continue
            found = visit(child)
            if found is not None:
                return [child, *found]
        return None

    found = visit(tree)
    return None if found is None else [tree, *found]


def _scope_of(node: ast.AST, parents: dict[Any, Any]) -> ast.AST:
    while not isinstance(node, _SCOPES):
        node = parents[node]
    return node


def _handed_over(call: ast.AST, parents: dict[Any, Any]) -> bool:
    """Inside this statement, does the file end up owned by someone else (with/return/closing/attr)?"""
    node, parent = call, parents.get(call)
    while parent is not None and not isinstance(parent, ast.stmt):
        if isinstance(parent, (ast.withitem, ast.Yield, ast.YieldFrom, ast.Lambda)):
            return True
        if isinstance(parent, ast.Call) and node is not parent.func and _callee(parent).endswith(_HANDOVER):
            return True
        node, parent = parent, parents.get(parent)
    if isinstance(parent, (ast.Return, ast.With, ast.AsyncWith)):
        return True
    if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets)
    return False


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _takes_ownership(call: ast.Call) -> bool:
    name = _callee(call)
    method = isinstance(call.func, ast.Attribute)
    return name.endswith(_HANDOVER) or (method and name.lower().startswith(_OWNER_PREFIXES))


def _is_name(node: ast.AST, var: str) -> bool:
    return isinstance(node, ast.Name) and node.id == var


def _mentions(node: ast.AST | None, var: str) -> bool:
    return node is not None and any(_is_name(n, var) for n in ast.walk(node))


def _handled(scope: ast.AST, var: str) -> bool:
    """Is ``var`` closed in a `finally`, used as a context manager, or handed over in this scope?"""
    called = {id(c.func) for c in ast.walk(scope) if isinstance(c, ast.Call)}
    for node in ast.walk(scope):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and var in node.names:
            return True
        if isinstance(node, ast.withitem) and _mentions(node.context_expr, var):
            return True
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and _mentions(node.value, var):
            return True
        if isinstance(node, ast.Try) and any(_closes(s, var) for s in node.finalbody):
            return True
        if isinstance(node, ast.Assign) and (
            _is_name(node.value, var)  # aliased: the alias may be closed
            or (
                _mentions(node.value, var)
                and any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in node.targets)
            )
        ):
            return True
        if isinstance(node, ast.Call) and any(_is_name(a, var) for a in node.args) and _takes_ownership(node):
            return True
        if (
            isinstance(node, ast.Attribute)
            and _is_name(node.value, var)
            and node.attr == "close"
            and id(node) not in called
        ):
            return True  # `f.close` registered as a callback (atexit.register, addCleanup) closes it later
    return False


def _closes(node: ast.AST, var: str) -> bool:
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "close"
        and _is_name(n.func.value, var)
        and not n.args
        for n in ast.walk(node)
    )


def _is_close_stmt(stmt: ast.stmt, var: str) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and not stmt.value.args
        and not stmt.value.keywords
        and isinstance(stmt.value.func, ast.Attribute)
        and stmt.value.func.attr == "close"
        and _is_name(stmt.value.func.value, var)
    )


def _body_of(stmt: ast.stmt, parents: dict[Any, Any]) -> list[ast.stmt] | None:
    parent = parents.get(stmt)
    for field in ("body", "orelse", "finalbody"):
        seq = getattr(parent, field, None)
        if isinstance(seq, list) and stmt in seq:
            return seq
    for handler in getattr(parent, "handlers", ()):
        if stmt in handler.body:
            handled: list[ast.stmt] = handler.body
            return handled
    return None


def _rebinds(node: ast.AST, var: str) -> bool:
    return any(
        isinstance(n, ast.Name) and n.id == var and not isinstance(n.ctx, ast.Load) for n in ast.walk(node)
    )


def _fix(ctx: RuleContext, assign: ast.Assign, var: str, parents: dict[Any, Any]) -> Fix | None:
    """`f = open(...)` ... `f.close()` in one block -> `with open(...) as f:` around the statements between."""
    body = _body_of(assign, parents)
    if body is None:
        return None
    i = body.index(assign)
    j = next((k for k in range(i + 1, len(body)) if _is_close_stmt(body[k], var)), None)
    if (
        j is None
        or any(_rebinds(s, var) for s in body[i + 1 : j])
        or any(_mentions(s, var) for s in body[j + 1 :])
    ):
        return None
    src = ctx.source
    a_start = ctx.offset_of(assign.lineno, assign.col_offset)
    a_end = ctx.offset_of(assign.end_lineno, assign.end_col_offset)
    close = body[j]
    c_start = ctx.offset_of(close.lineno, close.col_offset)
    c_end = ctx.offset_of(close.end_lineno, close.end_col_offset)
    if not alone_on_lines(src, a_start, a_end) or not alone_on_lines(src, c_start, c_end):
        return None
    indent = indent_of(src, a_start) or ""
    unit = "\t" if "\t" in indent else "    "
    call = _text(ctx, assign.value)
    edits = [Edit(a_start, a_end, f"with {call} as {var}:")]
    if j == i + 1:
        edits.append(Edit(a_end, a_end, f"\n{indent}{unit}pass"))
    else:
        in_string = _string_rows(ctx)
        last = body[j - 1]
        for row in range(
            (assign.end_lineno or assign.lineno) + 1, (last.end_lineno or last.lineno) + 1
        ):  # 1-based ast rows
            start = ctx.offset_of(row, 0)
            if row - 1 in in_string or src[start : line_end(src, start)].strip() == b"":
                continue
            edits.append(Edit(start, start, unit))
    edits.append(Edit(line_start(src, c_start), min(line_end(src, c_end) + 1, len(src)), ""))
    return Fix(f"Open `{var}` in a `with` block", tuple(edits))


def _text(ctx: RuleContext, node: ast.expr) -> str:
    start = ctx.offset_of(node.lineno, node.col_offset)
    end = ctx.offset_of(node.end_lineno, node.end_col_offset)
    return ctx.source[start:end].decode("utf-8")


def _string_rows(ctx: RuleContext) -> set[int]:
    """Zero-based rows that continue a multi-line string: re-indenting them would change the string."""
    rows: set[int] = set()
    for node in ctx.nodes("string"):
        first, last = node.start_point[0], node.end_point[0]
        rows.update(range(first + 1, last + 1))
    return rows
