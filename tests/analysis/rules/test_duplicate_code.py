"""AUR410 duplicate-code: candidates from the real embedding index (all-MiniLM-L6-v2 +
hnswlib), confirmed by normalised-token similarity."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aurelis.analysis.crossfile.index_units import units_from_index
from aurelis.analysis.crossfile.runner import load_workspace
from aurelis.analysis.rules.duplicate_code import DuplicateCode
from aurelis.config.index import IndexSettings
from aurelis.config.settings import Settings
from aurelis.index.embedder import Embedder
from aurelis.index.service import WorkspaceIndex
from aurelis.opportunities.collect import with_rule
from tests.analysis.crossfile.support import write_tree
from tests.analysis.crossfile.workspace_fixture import FILES
from tests.analysis.rule_support import run

SHORT = """
def small_a(x):
    y = x + 1
    return y * 2


def small_b(v):
    w = v + 1
    return w * 2
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("dup"), {**FILES, "shop/small.py": SHORT})
    index = WorkspaceIndex(
        root,
        IndexSettings(),
        Embedder(cache_dir=tmp_path_factory.mktemp("emb")),
        index_dir=tmp_path_factory.mktemp("idx"),
    )
    index.build()
    return root, index


def _workspace(project, settings: Settings | None = None):
    root, index = project
    settings = with_rule(settings or Settings(), "AUR410")  # off by default: these tests select it
    ws = load_workspace(root, settings)
    units, neighbours = units_from_index(index, root, ws.sources.get)
    ws.set_units(units, neighbours)
    return ws


def _dups(ws, root: Path, rel: str):
    path = (root / rel).as_posix()
    return ws.sources[path], [f for f in ws.findings(path) if f.code == "AUR410"]


def test_renamed_and_edited_copy_is_reported_once_on_the_later_copy_with_the_twin_as_related(project):
    root = project[0]
    ws = _workspace(project)
    assert _dups(ws, root, "shop/billing.py")[1] == []  # the earlier copy: not reported again
    src_o, [o] = _dups(ws, root, "shop/orders.py")
    assert src_o[o.start : o.end] == b"order_sum"
    assert o.message.startswith("`order_sum` duplicates `invoice_total` (billing.py:7, ")
    [rel] = o.related
    assert rel.uri == (root / "shop/billing.py").as_uri() and rel.start_line == 6
    assert o.data["twins"] == ["shop.billing.invoice_total"]
    assert o.data["rank"] > 30  # tokens times similarity: a real function, nearly the same


def test_same_topic_code_and_short_functions_are_not_duplicates(project):
    root = project[0]
    ws = _workspace(project)
    # parse_lines (orders.py) is about order lines too, but its code differs: only the copy pair remains
    assert sorted(ws.paths_with_duplicates()) == [(root / "shop/orders.py").as_posix()]
    assert [f.data["twins"] for f in _dups(ws, root, "shop/orders.py")[1]] == [["shop.billing.invoice_total"]]
    assert _dups(ws, root, "shop/small.py")[1] == []  # two-statement twins are below min_statements


def test_options_lower_the_minimum_size_and_raise_the_threshold(project):
    root = project[0]
    options = {"AUR410": {"min_statements": 2, "min_tokens": 5}}
    low = _workspace(project, Settings(analysis={"options": options}))
    assert [f.data["twins"] for f in _dups(low, root, "shop/small.py")[1]] == [["shop.small.small_a"]]
    strict = _workspace(project, Settings(analysis={"options": {"AUR410": {"threshold": 0.99}}}))
    assert _dups(strict, root, "shop/orders.py")[1] == []  # the copy has one extra statement
    junk = _workspace(project, Settings(analysis={"options": {"AUR410": {"threshold": "high"}}}))
    assert len(_dups(junk, root, "shop/orders.py")[1]) == 1  # a bad option keeps the default


def test_edits_the_index_has_not_seen_yet(project):
    root, index = project
    ws = _workspace(project)
    orders = (root / "shop/orders.py").as_posix()
    # Lines added above the function only move it: the unit is found at its new place.
    moved = b"# a new comment\n# and another\n" + ws.sources[orders]
    ws.update(orders, moved)
    units, neighbours = units_from_index(index, root, ws.sources.get)
    ws.set_units(units, neighbours)
    [o] = [f for f in ws.findings(orders) if f.code == "AUR410"]
    assert moved[o.start : o.end] == b"order_sum"
    # The function itself edited: it waits for the re-index rather than point at the wrong bytes.
    ws.update(
        orders,
        moved.replace(b"order_sum(lines, tax, reduction=0.0):", b"order_sum(lines, tax, reduction=0.5):"),
    )
    units, neighbours = units_from_index(index, root, ws.sources.get)
    ws.set_units(units, neighbours)
    assert [f for f in ws.findings(orders) if f.code == "AUR410"] == []


def test_suppression_comment_silences_it(project):
    root = project[0]
    ws = _workspace(project)
    orders = (root / "shop/orders.py").as_posix()
    text = ws.sources[orders].replace(
        b"def order_sum(lines, tax, reduction=0.0):",
        b"def order_sum(lines, tax, reduction=0.0):  # aurelis: ignore[AUR410]",
    )
    assert [f for f in ws.findings(orders, text) if f.code == "AUR410"] == []


def test_without_a_workspace_the_rule_is_silent():
    assert run(DuplicateCode, SHORT) == []


def test_off_by_default_and_on_when_selected(project):
    """Below the precision bar (bench/precision): not reported unless selected; an `ignore` still wins."""
    root, _index = project
    assert not DuplicateCode.enabled_by_default
    orders = (root / "shop/orders.py").as_posix()

    def reported(settings: Settings) -> list:
        ws = load_workspace(root, settings)
        units, neighbours = units_from_index(project[1], root, ws.sources.get)
        ws.set_units(units, neighbours)
        return [f for f in ws.findings(orders) if f.code == "AUR410"]

    assert reported(Settings()) == []
    assert len(reported(Settings(analysis={"extend_select": ["AUR410"]}))) == 1
    assert reported(Settings(analysis={"extend_select": ["AUR410"], "ignore": ["AUR410"]})) == []
