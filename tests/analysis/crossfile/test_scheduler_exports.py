"""The background scheduler's import facts, which fixes rely on: unknown until the folder has
been read (a fix then keeps every module-level name), whole afterwards, and read even when every
cross-file rule is off (AUR410 and AUR411 are off by default)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from aurelis.engine import Engine
from aurelis.workspace.folders import Folder
from aurelis.workspace.uris import from_path


class Sink:
    def __init__(self) -> None:
        self.passes = threading.Event()

    def publish(self, *args) -> None:
        pass

    def clear(self, path: str) -> None:
        pass

    def pass_done(self) -> None:
        self.passes.set()


def test_exports_are_unknown_until_the_folder_is_read_then_whole(tmp_path: Path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/__init__.py").write_text("")
    (tmp_path / "pkg/compat.py").write_text("import json\nfrom os import path\n")
    (tmp_path / "pkg/api.py").write_text("from .compat import json\n")
    engine = Engine()
    engine.folders.add(Folder.from_uri(from_path(tmp_path)))
    sink = Sink()
    cross = engine.crossfile_scheduler(sink)
    compat = from_path(tmp_path / "pkg/compat.py")
    outside = from_path(tmp_path.parent / "elsewhere.py")
    assert not cross.exports_known(compat)  # not read yet: nobody knows who imports `json`
    assert cross.exports_known(outside)  # a file in no folder has no project to break
    cross.start()
    try:
        assert sink.passes.wait(30)
        deadline = time.monotonic() + 30
        while not cross.idle and time.monotonic() < deadline:
            time.sleep(0.02)
        assert cross.exports_known(compat)
        assert cross.exports(compat) == frozenset({"json"})  # the default rules: no cross-file rule on
    finally:
        cross.stop()
