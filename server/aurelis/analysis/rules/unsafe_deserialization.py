"""AUR204: pickle/marshal/shelve (and friends) turn bytes into code execution."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import ImportMap, ast_index, iter_scope, node_range
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity

_PICKLERS = ("pickle", "cPickle", "_pickle", "dill", "cloudpickle")
_UNSAFE = {f"{m}.{f}" for m in _PICKLERS for f in ("load", "loads", "Unpickler")} | {
    "marshal.load",
    "marshal.loads",
    "shelve.open",
    "shelve.Shelf",
    "shelve.DbfilenameShelf",
    "joblib.load",
    "sklearn.externals.joblib.load",
    "pandas.read_pickle",
}
# bytes this process just produced: loading them back is a round trip, not untrusted input
_DUMPS = {f"{m}.dumps" for m in _PICKLERS} | {"marshal.dumps"}
_UNSAFE_MODULES = {u.split(".")[0] for u in _UNSAFE}


def _round_trip(arg: ast.AST | None, imports: ImportMap, scope: ast.AST) -> bool:
    """``loads(dumps(x))``, or ``data = dumps(x); loads(data)`` in the same scope."""
    if isinstance(arg, ast.Call):
        return imports.qualname(arg.func) in _DUMPS
    if not isinstance(arg, ast.Name):
        return False
    values = [
        n.value
        for n in iter_scope(scope)
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == arg.id for t in n.targets)
    ]
    stores = [
        n
        for n in iter_scope(scope)
        if isinstance(n, ast.Name) and n.id == arg.id and isinstance(n.ctx, ast.Store)
    ]
    return (
        bool(values)
        and len(values) == len(stores)
        and all(isinstance(v, ast.Call) and imports.qualname(v.func) in _DUMPS for v in values)
    )


class UnsafeDeserialization(Rule):
    code = "AUR204"
    name = "unsafe-deserialization"
    category = Category.SECURITY
    severity = Severity.WARNING
    summary = "Unsafe deserialization (pickle/marshal/shelve load)"
    description = (
        "Unpickling runs code chosen by whoever wrote the bytes (`__reduce__`), and `marshal` "
        "is not safe against malicious data either; `shelve` is pickle on disk. Load untrusted "
        "data with a data-only format (JSON, MessagePack) or sign and verify it first. Imports "
        "under another name (`import pickle as p`, `from pickle import loads`) are followed. A "
        "round trip of bytes the same code just produced (`loads(dumps(x))`, or a local assigned "
        "only from `dumps(...)`) is not flagged."
    )
    bad = "import pickle\nobj = pickle.loads(request.body)"
    good = "import json\nobj = json.loads(request.body)"
    noqa = ("S301", "S302")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        imports = index.imports
        if not any(origin.split(".")[0] in _UNSAFE_MODULES for origin in imports.names.values()):
            return
        found = []
        for node in index.of(ast.Call):
            if isinstance(node, ast.Call):
                name = imports.qualname(node.func)
                if name in _UNSAFE and not (
                    name.endswith(".loads")
                    and _round_trip(node.args[0] if node.args else None, imports, index.scope_of(node))
                ):
                    start, end = node_range(ctx, node)
                    found.append(
                        self.finding(
                            start, end, message=f"`{name}` can run arbitrary code from the data it loads"
                        )
                    )
        yield from sorted(found, key=lambda f: f.start)
