"""The VS Code extension's contributed settings are generated from the server's pydantic model;
these tests fail when clients/vscode/package.json has drifted from it."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel

from aurelis.config.schema import drift, properties, server_keys, updated_manifest
from aurelis.config.settings import Settings

MANIFEST = Path(__file__).resolve().parents[2] / "clients" / "vscode" / "package.json"


def _manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def test_package_json_matches_the_settings_model() -> None:
    problems = drift(_manifest())
    assert problems == [], (
        "clients/vscode/package.json has drifted from the server settings; regenerate with "
        "`python -m aurelis.config.schema --write clients/vscode/package.json`:\n" + "\n".join(problems)
    )


def test_every_leaf_of_the_model_is_a_setting_with_its_default() -> None:
    props = _manifest()["contributes"]["configuration"]["properties"]

    def leaves(prefix: str, model: type[BaseModel]) -> dict:
        out = {}
        instance = model()
        for name, field in model.model_fields.items():
            ann = field.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                out.update(leaves(f"{prefix}.{name}", ann))
            else:
                value = getattr(instance, name)
                out[f"{prefix}.{name}"] = json.loads(
                    json.dumps(
                        value,
                        default=lambda v: v.model_dump(mode="json") if isinstance(v, BaseModel) else str(v),
                    )
                )
        return out

    expected = leaves("aurelis", Settings)
    assert set(expected) == set(server_keys(props))
    for key, default in expected.items():
        assert props[key]["default"] == default, key
        assert isinstance(props[key]["description"], str)


def test_drift_is_detected_for_a_missing_changed_or_stale_setting() -> None:
    manifest = _manifest()
    props = manifest["contributes"]["configuration"]["properties"]
    broken = copy.deepcopy(manifest)
    bprops = broken["contributes"]["configuration"]["properties"]
    del bprops["aurelis.index.enabled"]
    bprops["aurelis.log_level"] = {**props["aurelis.log_level"], "default": "debug"}
    bprops["aurelis.index.removed_long_ago"] = {"type": "boolean", "default": True, "description": ""}
    assert sorted(drift(broken)) == [
        "differs: aurelis.log_level",
        "missing in package.json: aurelis.index.enabled",
        "not in the server model: aurelis.index.removed_long_ago",
    ]
    repaired = updated_manifest(broken)
    assert drift(repaired) == []
    # client-only settings survive regeneration, first in the list
    rprops = repaired["contributes"]["configuration"]["properties"]
    assert list(rprops)[:2] == ["aurelis.server.command", "aurelis.trace.server"]
    assert rprops["aurelis.server.command"] == props["aurelis.server.command"]


def test_cli_check_and_write(tmp_path: Path) -> None:
    target = tmp_path / "package.json"
    manifest = _manifest()
    del manifest["contributes"]["configuration"]["properties"]["aurelis.ai.enabled"]
    target.write_text(json.dumps(manifest), encoding="utf-8")
    cmd = [sys.executable, "-m", "aurelis.config.schema"]
    check = subprocess.run([*cmd, "--check", str(target)], capture_output=True, text=True, check=False)
    assert check.returncode == 1
    assert "missing in package.json: aurelis.ai.enabled" in check.stderr
    assert subprocess.run([*cmd, "--write", str(target)], check=False).returncode == 0
    assert subprocess.run([*cmd, "--check", str(target)], check=False).returncode == 0
    printed = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    assert printed == properties()


def test_literal_fields_become_enums() -> None:
    entry = properties()["aurelis.log_level"]
    assert entry["type"] == "string"
    assert entry["enum"] == ["debug", "info", "warning", "error"]
    assert entry["default"] == "info"


def test_section_settings_are_folder_scoped_top_level_ones_window_scoped() -> None:
    props = properties()
    assert props["aurelis.log_level"]["scope"] == "window"
    assert props["aurelis.index.enabled"]["scope"] == "resource"
    assert all(v["scope"] == "resource" for k, v in props.items() if k.count(".") >= 2)
