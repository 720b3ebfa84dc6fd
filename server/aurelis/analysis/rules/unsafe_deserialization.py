"""AUR204: pickle/marshal/shelve (and friends) turn bytes into code execution."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from aurelis.analysis.astutil import ast_index, node_range
from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Finding, Rule, Severity

_PICKLERS = ("pickle", "cPickle", "_pickle", "dill", "cloudpickle")
_UNSAFE = {f"{m}.{f}" for m in _PICKLERS for f in ("load", "loads", "Unpickler")} | {
    "marshal.load", "marshal.loads",
    "shelve.open", "shelve.Shelf", "shelve.DbfilenameShelf",
    "joblib.load", "sklearn.externals.joblib.load",
    "pandas.read_pickle",
}


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
        "under another name (`import pickle as p`, `from pickle import loads`) are followed."
    )
    bad = "import pickle\nobj = pickle.loads(request.body)"
    good = "import json\nobj = json.loads(request.body)"
    noqa = ("S301", "S302")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        index = ast_index(ctx)
        if index is None:
            return
        imports = index.imports
        if not any(origin.split(".")[0] in {u.split(".")[0] for u in _UNSAFE} for origin in imports.names.values()):
            return
        found = []
        for node in index.of(ast.Call):
            if isinstance(node, ast.Call):
                name = imports.qualname(node.func)
                if name in _UNSAFE:
                    start, end = node_range(ctx, node)
                    found.append(self.finding(start, end, message=f"`{name}` can run arbitrary code from the data it loads"))
        yield from sorted(found, key=lambda f: f.start)
