"""Settings layering and validation: bad keys are dropped with a warning, never fatal."""

from __future__ import annotations

from aurelis.config.sources import Layer, read_pyproject, resolve, unwrap
from aurelis.config.store import GLOBAL, SettingsStore


def test_precedence_defaults_pyproject_init_client():
    s, warnings = resolve(
        [
            Layer("pyproject", {"log_level": "debug", "index": {"max_file_bytes": 10}}),
            Layer("init", {"index": {"max_file_bytes": 20}}),
            Layer("client", {"index": {"model": "my-model"}}),
        ]
    )
    assert warnings == []
    assert s.log_level == "debug"
    assert s.index.max_file_bytes == 20
    assert s.index.model == "my-model"


def test_invalid_value_falls_back_to_lower_layer_not_lost():
    s, warnings = resolve(
        [
            Layer("pyproject", {"index": {"max_file_bytes": 10}}),
            Layer("init", {"index": {"max_file_bytes": -5}}),
        ]
    )
    assert s.index.max_file_bytes == 10
    assert [(w.source, w.key) for w in warnings] == [("init", "index.max_file_bytes")]
    assert "greater than or equal to 1" in warnings[0].problem


def test_unknown_keys_and_wrong_types_are_named():
    s, warnings = resolve([Layer("init", {"indx": {}, "index": "not a table", "log_level": "loud"})])
    keys = sorted(w.key for w in warnings)
    assert keys == ["index", "indx", "log_level"]
    assert s.log_level == "info"
    assert next(w for w in warnings if w.key == "indx").problem == "unknown setting"
    assert "'indx'" in str(next(w for w in warnings if w.key == "indx"))


def test_kebab_case_keys_accepted():
    s, warnings = resolve([Layer("pyproject", {"log-level": "error", "index": {"max-file-bytes": 7}})])
    assert warnings == []
    assert (s.log_level, s.index.max_file_bytes) == ("error", 7)


def test_unwrap_section():
    assert unwrap({"aurelis": {"log_level": "debug"}}) == {"log_level": "debug"}
    assert unwrap(None) == {}
    assert unwrap({"log_level": "debug"}) == {"log_level": "debug"}


def test_read_pyproject_tool_section_and_broken_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.aurelis]\nlog_level = "debug"\n')
    assert read_pyproject(tmp_path).data == {"log_level": "debug"}
    (tmp_path / "pyproject.toml").write_text("[tool.aurelis\nbroken")
    s, warnings = resolve([read_pyproject(tmp_path)])
    assert s.log_level == "info" and warnings[0].key == "tool.aurelis"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert read_pyproject(tmp_path) is None


def test_store_per_folder_and_warnings_reported_once(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "pyproject.toml").write_text('[tool.aurelis]\nlog_level = "debug"\n')
    (b / "pyproject.toml").write_text('[tool.aurelis]\nlog_level = "shouting"\n')
    store = SettingsStore()
    assert store.get("a", a).log_level == "debug"
    assert store.get("b", b).log_level == "info"
    assert [w.key for w in store.take_warnings()] == ["log_level"]
    store.set_client(GLOBAL, {"index": {"model": "m"}})
    assert store.get("b", b).index.model == "m"
    assert store.take_warnings() == []  # the same problem is not shown twice
