"""Editor settings schema generated from the one pydantic ``Settings`` model.

Each leaf field becomes one entry ``aurelis.<section>.<key>`` with its JSON type,
default, description and (for Literal fields) enum, the shape VS Code's
``contributes.configuration.properties`` expects. The VS Code extension's
package.json is written from this, and a test fails when the two drift.

    python -m aurelis.config.schema                 # print the properties as JSON
    python -m aurelis.config.schema --write FILE    # update FILE's contributes.configuration
    python -m aurelis.config.schema --check FILE    # exit 1 when FILE has drifted
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from aurelis.config.settings import Settings

PREFIX = "aurelis"
# Keys of JSON schema that VS Code understands for a setting; the rest (title, $defs) are noise.
_KEEP = (
    "type",
    "enum",
    "items",
    "properties",
    "additionalProperties",
    "minimum",
    "maximum",
    "anyOf",
    "required",
)


def properties(model: type[BaseModel] = Settings, prefix: str = PREFIX) -> dict[str, dict[str, Any]]:
    """``{"aurelis.index.enabled": {"type": "boolean", "default": true, ...}, ...}`` in field order."""
    out: dict[str, dict[str, Any]] = {}
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    for name, field in model.model_fields.items():
        key = f"{prefix}.{name}"
        section = _section_model(field)
        if section is not None:
            out.update(properties(section, key))
            continue
        entry = _entry(field, schema["properties"][name], defs)
        # Section settings are resolved per workspace folder, so VS Code must allow folder values
        # ("resource"); top-level ones (log_level) are per server process ("window").
        entry["scope"] = "resource" if prefix != PREFIX else "window"
        out[key] = entry
    return out


def _section_model(field: FieldInfo) -> type[BaseModel] | None:
    """A nested settings section (a BaseModel-typed field) is flattened into dotted keys."""
    ann = field.annotation
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    return None


def _entry(field: FieldInfo, field_schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    resolved = _inline(field_schema, defs)
    entry: dict[str, Any] = {k: resolved[k] for k in _KEEP if k in resolved}
    if "anyOf" in entry and _is_nullable(entry["anyOf"]):
        # Optional[X]: VS Code wants "type": [X, "null"] rather than anyOf.
        options = entry.pop("anyOf")
        types = [o["type"] for o in options if "type" in o]
        entry["type"] = types
        for o in options:
            for k in ("enum", "items", "properties", "minimum", "maximum"):
                if k in o:
                    entry[k] = o[k]
        if "enum" in entry and "null" in types:
            entry["enum"] = [*entry["enum"], None]
    entry["default"] = _default(field)
    entry["description"] = field.description or ""
    order = ["type", "enum", "items", "properties", "additionalProperties", "required", "anyOf"]
    order += ["minimum", "maximum", "default", "description"]
    return {k: entry[k] for k in order if k in entry}


def _is_nullable(options: list[dict[str, Any]]) -> bool:
    return all("type" in o and isinstance(o["type"], str) for o in options)


def _default(field: FieldInfo) -> Any:
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    return json.loads(json.dumps(value, default=str))


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Replace ``$ref`` with the definition and drop titles, so each entry stands alone."""
    if isinstance(node, list):
        return [_inline(n, defs) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _inline(merged, defs)
    return {k: _inline(v, defs) for k, v in node.items() if k not in ("title", "$defs")}


# -- package.json ---------------------------------------------------------------------------------


def server_keys(props: dict[str, Any]) -> dict[str, Any]:
    """The entries of a package.json ``properties`` object that come from the server model."""
    client_only = ("aurelis.server.", "aurelis.trace.")
    return {k: v for k, v in props.items() if not k.startswith(client_only)}


def updated_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """``manifest`` with its server settings replaced by the model's, client-only ones kept first."""
    contributes = manifest.setdefault("contributes", {})
    config = contributes.setdefault("configuration", {"title": "Aurelis", "properties": {}})
    old = config.get("properties", {})
    kept = {k: v for k, v in old.items() if k not in server_keys(old)}
    config["properties"] = {**kept, **properties()}
    return manifest


def drift(manifest: dict[str, Any]) -> list[str]:
    """Human-readable differences between the manifest's server settings and the model."""
    have = server_keys(manifest.get("contributes", {}).get("configuration", {}).get("properties", {}))
    want = properties()
    problems = [f"missing in package.json: {k}" for k in want if k not in have]
    problems += [f"not in the server model: {k}" for k in have if k not in want]
    problems += [f"differs: {k}" for k in want if k in have and have[k] != want[k]]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aurelis.config.schema", description=__doc__.split("\n")[0]
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="PACKAGE_JSON", help="update this package.json in place")
    group.add_argument("--check", metavar="PACKAGE_JSON", help="exit 1 when this package.json has drifted")
    args = parser.parse_args(argv)
    if args.write or args.check:
        path = Path(args.write or args.check)
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if args.check:
            problems = drift(manifest)
            for p in problems:
                print(p, file=sys.stderr)
            if problems:
                print(f"regenerate with: python -m aurelis.config.schema --write {path}", file=sys.stderr)
            return 1 if problems else 0
        path.write_text(
            json.dumps(updated_manifest(manifest), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return 0
    json.dump(properties(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
