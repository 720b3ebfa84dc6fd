"""The README's settings table is generated from the model and must not be stale."""

from __future__ import annotations

from pathlib import Path

from aurelis.config.docs import render, table
from aurelis.config.schema import properties

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_settings_table_is_current():
    text = README.read_text(encoding="utf-8")
    assert render(text) == text, (
        "README settings table is stale: python -m aurelis.config.docs --write README.md"
    )


def test_every_setting_is_documented_with_a_description():
    rows = table()
    for key, entry in properties().items():
        assert f"`{key.removeprefix('aurelis.')}`" in rows
        assert entry["description"], f"{key} has no description"
