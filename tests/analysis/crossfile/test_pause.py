"""The cross-file duplicate search gives way between functions (real index, real model):
``pause`` runs before each unit, and a pause that raises (newer input arrived) stops the
search without touching the twins; a retry that keeps the neighbours asked so far gives
the same twins as a search that was never stopped."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aurelis.analysis.crossfile.index_units import units_from_index
from aurelis.analysis.crossfile.runner import load_workspace
from aurelis.config.index import IndexSettings
from aurelis.index.embedder import Embedder
from aurelis.index.service import WorkspaceIndex
from tests.analysis.crossfile.support import write_tree
from tests.analysis.crossfile.workspace_fixture import FILES


class Stop(Exception):
    pass


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("pause"), FILES)
    index = WorkspaceIndex(
        root,
        IndexSettings(),
        Embedder(cache_dir=tmp_path_factory.mktemp("emb")),
        index_dir=tmp_path_factory.mktemp("idx"),
    )
    index.build()
    return root, index


def test_units_and_duplicates_pause_before_every_function(project):
    root, index = project
    ws = load_workspace(root)
    calls = []
    units, neighbours = units_from_index(index, root, ws.sources.get, lambda: calls.append("unit"))
    assert len(units) > 3 and len(calls) == len(units)
    calls.clear()
    ws.set_units(units, neighbours, pause=lambda: calls.append("dup"))
    assert len(calls) >= len(units)  # every unit once for its tokens, eligible ones again for neighbours
    assert len(ws.paths_with_duplicates()) == 1  # one pair: reported on its later copy


def test_a_stopped_search_leaves_the_twins_and_a_retry_resumes_it(project):
    root, index = project
    reference = load_workspace(root)
    units, neighbours = units_from_index(index, root, reference.sources.get)
    reference.set_units(units, neighbours)
    expected = {
        p: [(u.key, [t.unit.key for t in ts]) for u, ts in reference.duplicates_in(p)]
        for p in reference.paths_with_duplicates()
    }
    assert expected

    ws = load_workspace(root)
    asked = []

    def counting(unit, k):
        asked.append(unit.key)
        return neighbours(unit, k)

    budget = iter(range(len(units) + 2))  # through the token pass, then stop among the neighbour queries

    def pause() -> None:
        if next(budget, None) is None:
            raise Stop()

    with pytest.raises(Stop):
        ws.set_units(units, counting, fresh=True, pause=pause)
    assert ws.paths_with_duplicates() == [] and ws.units_available is False
    first = len(asked)
    assert first >= 1

    ws.set_units(units, counting, fresh=False)  # the neighbours asked before the stop are kept
    got = {
        p: [(u.key, [t.unit.key for t in ts]) for u, ts in ws.duplicates_in(p)]
        for p in ws.paths_with_duplicates()
    }
    assert got == expected
    assert len(set(asked[first:]) & set(asked[:first])) == 0  # nothing asked twice
