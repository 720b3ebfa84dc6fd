"""AUR401: an imported name that nothing in the module uses."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aurelis.analysis.astutil import AstIndex, ast_index
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Facts, Finding, Fix, Rule, Severity, Tag

_BLOCK_FIELDS = ("body", "orelse", "finalbody")
# modules whose imports are their content: they gather names for others to import from them
_COMPAT_MODULES = frozenset({"compat", "_compat", "compatibility", "_compatibility", "py3compat", "six"})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class _Imp:
    stmt: ast.Import | ast.ImportFrom
    alias: ast.alias
    bound: str
    body: list[ast.stmt]  # the block holding the statement
    type_checking: bool


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _catches_import_error(node: ast.Try) -> bool:
    for h in node.handlers:
        names = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
        for n in names:
            if h.type is None or (
                isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError", "Exception")
            ):
                return True
    return False


def _imports(body: list[ast.stmt], type_checking: bool, in_function: bool, init_file: bool) -> Iterator[_Imp]:
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
                continue
            if init_file and not in_function:
                continue  # package `__init__` imports are its public re-exports
            for alias in stmt.names:
                if alias.name == "*" or (
                    alias.asname is not None
                    and alias.asname == alias.name.rsplit(".", 1)[-1]
                    and (isinstance(stmt, ast.ImportFrom) or alias.asname == alias.name)
                ):
                    continue  # `import x as x`: the explicit re-export idiom
                bound = alias.asname or alias.name.split(".", 1)[0]
                yield _Imp(stmt, alias, bound, body, type_checking)
            continue
        if isinstance(stmt, ast.Try) and _catches_import_error(stmt):
            # `try: import fast except ImportError: ...` probes availability; only look past the body
            for field in ("orelse", "finalbody"):
                yield from _imports(getattr(stmt, field), type_checking, in_function, init_file)
            for h in stmt.handlers:
                yield from _imports(h.body, type_checking, in_function, init_file)
            continue
        if isinstance(stmt, ast.ClassDef):
            continue  # an import in a class body defines an attribute/method (`from m import walk`)
        nested_fn = in_function or isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        tc = type_checking or (isinstance(stmt, ast.If) and _is_type_checking(stmt.test))
        for field in _BLOCK_FIELDS:
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from _imports(inner, tc if field == "body" else type_checking, nested_fn, init_file)
        for h in getattr(stmt, "handlers", []) or []:
            yield from _imports(h.body, type_checking, nested_fn, init_file)
        for case in getattr(stmt, "cases", []) or []:
            yield from _imports(case.body, type_checking, nested_fn, init_file)


def _strings(node: ast.AST) -> list[str]:
    return [c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)]


def _used_names(idx: AstIndex) -> tuple[set[str], set[str]]:
    """Names read anywhere (incl. string annotations and `__all__`), and words of every string."""
    used = {n.id for n in idx.of(ast.Name) if not isinstance(n.ctx, ast.Store)}
    words: set[str] = set()
    for c in idx.of(ast.Constant):
        if isinstance(c.value, str) and len(c.value) < 2000:
            words.update(_WORD.findall(c.value))
    annotations: list[ast.expr] = [a.annotation for a in idx.of(ast.arg) if a.annotation is not None]
    annotations += [f.returns for f in idx.of(ast.FunctionDef, ast.AsyncFunctionDef) if f.returns is not None]
    annotations += [a.annotation for a in idx.of(ast.AnnAssign)]
    for node in idx.of(ast.Assign, ast.AugAssign, ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is not None and any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            used.update(_strings(node.value))
    for call in idx.of(ast.Call):
        f = call.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "__all__":
            for a in call.args:
                used.update(_strings(a))
    for ann in annotations:  # "Foo" / "list[Foo]" annotations name imports too
        for text in _strings(ann):
            try:
                expr = ast.parse(text.strip(), mode="eval")
            except (SyntaxError, ValueError):
                continue
            used.update(n.id for n in ast.walk(expr) if isinstance(n, ast.Name))
    return used, words


def _merge(facts: list[tuple[int, Any]]) -> tuple[set[str], set[str], set[str]] | None:
    """Union of the units' (used names, string words, type-comment words); None if a unit did not parse."""
    used: set[str] = set()
    words: set[str] = set()
    comment_words: set[str] = set()
    for _, value in facts:
        if value is None:
            return None
        u, w, c = value
        used |= u
        words |= w
        comment_words |= c
    return used, words, comment_words


class UnusedImport(Rule):
    code = "AUR401"
    name = "unused-import"
    category = Category.MAINTAINABILITY
    severity = Severity.WARNING
    summary = "Imported name is never used"
    description = (
        "An unused import slows start-up, can create import cycles and misleads readers about a "
        "module's dependencies. Names listed in `__all__`, imports in a package's `__init__.py`, "
        "`import x as x` re-exports, availability probes in `try/except ImportError` and "
        "`TYPE_CHECKING` imports used in string annotations are not flagged; neither is a name that "
        "another module of the project imports from this one (`from m import name`, `m.name`): a "
        "re-export (`aurelis check` and the editor know the project's imports), nor anything a "
        "compatibility module (`compat.py`, `_compat.py`) imports: it exists to be imported from."
    )
    bad = "import os\nimport sys\n\nprint(sys.argv)"
    good = "import sys\n\nprint(sys.argv)"
    fixable = True
    noqa = ("F401",)
    tags = frozenset({Tag.UNNECESSARY})

    def gather(self, ctx: RuleContext) -> Facts | None:
        """The names this unit uses (and the words of its strings and type comments); it is a
        site when it imports something."""
        tree = ctx.python_ast
        idx = ast_index(ctx)
        if tree is None or idx is None:
            return Facts(None)  # a unit that does not parse may use any name
        used, words = _used_names(idx)
        comment_words = {
            w
            for n in ctx.nodes("comment")
            if ctx.text(n).lstrip("# ").startswith("type:")
            for w in _WORD.findall(ctx.text(n))
        }
        site = b"import" in ctx.source and any(
            True for _ in _imports(tree.body, False, False, ctx.is_init_file)
        )
        return Facts((frozenset(used), frozenset(words), frozenset(comment_words)), site=site)

    def facts_key(self, facts: list[tuple[int, Any]], group: int) -> Any:
        """The names used anywhere (a new method that uses nothing new re-runs no site)."""
        merged = _merge(facts)
        return None if merged is None else tuple(frozenset(s) for s in merged)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        tree = ctx.python_ast
        if tree is None or not ctx.mentions(b"import"):
            return
        if ctx.path is not None and ctx.path.stem in _COMPAT_MODULES:
            return  # requests/compat.py: everything it imports is there to be imported from it
        imports = list(_imports(tree.body, False, False, ctx.is_init_file))
        if not imports:
            return
        merged = _merge(ctx.module_facts(self))  # every unit's: an import is used anywhere in the module
        if merged is None:
            return  # some unit does not parse (yet): its uses are unknown, so say nothing
        used, words, comment_words = merged
        # `import multiprocessing as mp` + `import multiprocessing.connection`: the dotted import
        # loads the submodule that `mp.connection` reaches; its own bound name is beside the point
        aliased = {
            i.alias.name.split(".", 1)[0]
            for i in imports
            if i.alias.asname and isinstance(i.stmt, ast.Import)
        }
        unused = [
            i
            for i in imports
            if i.bound not in used
            and i.bound not in ctx.exports  # other modules import it from here: a re-export
            and i.bound not in comment_words
            and not (i.type_checking and i.bound in words)
            and not (
                isinstance(i.stmt, ast.Import)
                and not i.alias.asname
                and "." in i.alias.name
                and i.bound in aliased
            )
        ]
        if not unused:
            return
        fixes = self._fixes(ctx, unused)
        for imp in unused:
            a = imp.alias
            start, end = (
                ctx.offset_of(a.lineno, a.col_offset),
                ctx.offset_of(a.end_lineno or a.lineno, a.end_col_offset or 0),
            )
            shown = f"{a.name} as {a.asname}" if a.asname else a.name
            yield self.finding(
                start, end, message=f"`{shown}` imported but unused", fix=fixes.get(id(imp.stmt))
            )

    # -- fixes -------------------------------------------------------------------------------
    def _fixes(self, ctx: RuleContext, unused: list[_Imp]) -> dict[int, Fix]:
        by_stmt: dict[int, list[_Imp]] = {}
        for imp in unused:
            by_stmt.setdefault(id(imp.stmt), []).append(imp)
        whole = {k for k, imps in by_stmt.items() if len(imps) == len(imps[0].stmt.names)}
        out: dict[int, Fix] = {}
        passed: set[int] = set()  # blocks that already got their `pass`
        for key, imps in by_stmt.items():
            stmt = imps[0].stmt
            names = ", ".join(f"`{i.alias.asname or i.alias.name}`" for i in imps)
            title = f"Remove unused import{'s' if len(imps) > 1 else ''} {names}"
            if key in whole:
                body = imps[0].body
                emptied = all(id(s) in whole for s in body)
                edit = self._delete_statement(ctx, stmt, as_pass=emptied and id(body) not in passed)
                if emptied:
                    passed.add(id(body))
            else:
                edit = self._delete_aliases(ctx, stmt, {id(i.alias) for i in imps})
            if edit is not None:
                out[key] = Fix(title, (edit,))
        return out

    def _delete_statement(self, ctx: RuleContext, stmt: ast.stmt, as_pass: bool) -> Edit | None:
        src, starts = ctx.source, ctx.doc.lines.starts
        start = ctx.offset_of(stmt.lineno, stmt.col_offset)
        end = ctx.offset_of(stmt.end_lineno or stmt.lineno, stmt.end_col_offset or 0)
        line_start = starts[stmt.lineno - 1]
        last = (stmt.end_lineno or stmt.lineno) - 1
        line_end = starts[last + 1] if last + 1 < len(starts) else len(src)
        before, after = src[line_start:start], src[end:line_end].strip()
        if before.strip() or (after and not after.startswith(b"#")):
            return None  # shares its line with other statements (`a; import b`)
        if as_pass:
            return Edit(start, end, "pass")
        return Edit(line_start, line_end, "")

    def _delete_aliases(
        self, ctx: RuleContext, stmt: ast.Import | ast.ImportFrom, drop: set[int]
    ) -> Edit | None:
        spans = [
            (
                ctx.offset_of(a.lineno, a.col_offset),
                ctx.offset_of(a.end_lineno or a.lineno, a.end_col_offset or 0),
                id(a) in drop,
            )
            for a in stmt.names
        ]
        pieces: list[tuple[int, int]] = []
        i = 0
        while i < len(spans):
            if not spans[i][2]:
                i += 1
                continue
            j = i
            while j + 1 < len(spans) and spans[j + 1][2]:
                j += 1
            if j + 1 < len(spans):  # a kept name follows: delete up to its start
                pieces.append((spans[i][0], spans[j + 1][0]))
            else:  # trailing run: delete from the end of the last kept name
                pieces.append((spans[i - 1][1], spans[j][1]))
            i = j + 1
        start, end = min(p[0] for p in pieces), max(p[1] for p in pieces)
        text = bytearray(ctx.source[start:end])
        for s, e in sorted(pieces, reverse=True):
            del text[s - start : e - start]
        return Edit(start, end, text.decode("utf-8", "surrogatepass"))
