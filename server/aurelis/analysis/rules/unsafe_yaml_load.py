"""AUR203: `yaml.load` without a safe loader can construct arbitrary Python objects."""

from __future__ import annotations

from collections.abc import Iterator

from aurelis.analysis.context import RuleContext
from aurelis.analysis.rule import Category, Edit, Finding, Fix, Rule, Severity

_SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
_FUNCS = {"load": "safe_load", "load_all": "safe_load_all"}


def _yaml_names(ctx: RuleContext) -> tuple[set[str], dict[str, str]]:
    """Names bound to the yaml module, and names bound to `yaml.load`/`load_all` by from-imports."""
    modules: set[str] = set()
    funcs: dict[str, str] = {}
    for node in ctx.nodes("import_statement"):
        for child in node.named_children:
            if child.type == "dotted_name" and ctx.text(child) == "yaml":
                modules.add("yaml")
            elif child.type == "aliased_import":
                name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
                if name is not None and alias is not None and ctx.text(name) == "yaml":
                    modules.add(ctx.text(alias))
    for node in ctx.nodes("import_from_statement"):
        module = node.child_by_field_name("module_name")
        if module is None or ctx.text(module) != "yaml":
            continue
        for child in node.children_by_field_name("name"):
            if child.type == "dotted_name" and ctx.text(child) in _FUNCS:
                funcs[ctx.text(child)] = ctx.text(child)
            elif child.type == "aliased_import":
                name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
                if name is not None and alias is not None and ctx.text(name) in _FUNCS:
                    funcs[ctx.text(alias)] = ctx.text(name)
    if ctx.module is not None:  # one unit of the module: the imports may sit in another one
        for local, origin in ctx.module.imports.items():
            if origin == "yaml":
                modules.add(local)
            elif origin.startswith("yaml.") and origin[5:] in _FUNCS:
                funcs[local] = origin[5:]
    return modules, funcs


class UnsafeYamlLoad(Rule):
    code = "AUR203"
    name = "unsafe-yaml-load"
    category = Category.SECURITY
    severity = Severity.ERROR
    summary = "`yaml.load` without a safe Loader can run arbitrary code; use `yaml.safe_load`"
    description = (
        "PyYAML's full and unsafe loaders build arbitrary Python objects from tags such as "
        "`!!python/object/apply`, so loading untrusted YAML can execute code. `yaml.safe_load` "
        "(or `Loader=yaml.SafeLoader`) builds only plain data."
    )
    bad = "config = yaml.load(stream, Loader=yaml.FullLoader)"
    good = "config = yaml.safe_load(stream)"
    fixable = True
    noqa = ("S506",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not ctx.mentions(b"yaml"):
            return
        modules, funcs = _yaml_names(ctx)
        if not modules and not funcs:
            return
        for call in ctx.nodes("call"):
            fn, args = call.child_by_field_name("function"), call.child_by_field_name("arguments")
            if fn is None or args is None or args.type != "argument_list":
                continue
            attr = None
            if fn.type == "attribute":
                obj, attr = fn.child_by_field_name("object"), fn.child_by_field_name("attribute")
                if obj is None or attr is None or obj.type != "identifier" or ctx.text(obj) not in modules:
                    continue
                func = ctx.text(attr)
            elif fn.type == "identifier" and ctx.text(fn) in funcs:
                func = funcs[ctx.text(fn)]
            else:
                continue
            if func not in _FUNCS:
                continue
            positional = [a for a in args.named_children if a.type not in ("keyword_argument", "comment")]
            loader = next(
                (
                    a
                    for a in args.named_children
                    if a.type == "keyword_argument"
                    and (n := a.child_by_field_name("name")) is not None
                    and ctx.text(n) == "Loader"
                ),
                None,
            )
            loader_value = loader.child_by_field_name("value") if loader is not None else None
            if loader_value is None and len(positional) >= 2:
                loader = loader_value = positional[1]
            if loader_value is not None and ctx.text(loader_value).rsplit(".", 1)[-1] in _SAFE_LOADERS:
                continue
            fix = None
            others = [a for a in args.named_children if a is not loader and a.type != "comment"]
            if attr is not None and positional and len(others) == 1 and others[0] is positional[0]:
                edits = [Edit(attr.start_byte, attr.end_byte, _FUNCS[func])]
                if loader is not None:  # drop ", Loader=..." (from the end of the stream argument)
                    edits.append(Edit(positional[0].end_byte, loader.end_byte, ""))
                obj = fn.child_by_field_name("object")
                owner = ctx.text(obj) if obj is not None else "yaml"
                fix = Fix(f"Use `{owner}.{_FUNCS[func]}`", tuple(edits))
            yield self.finding(
                call,
                message=f"`{ctx.text(fn)}` without a safe Loader can construct arbitrary "
                f"objects; use `{_FUNCS[func]}`",
                fix=fix,
            )
