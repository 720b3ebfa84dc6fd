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
    assert next(w for w in warnings if w.key == "indx").problem == "unknown setting (did you mean 'index'?)"
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


def _warning(warnings, key):
    return next(w for w in warnings if w.key == key)


def test_unknown_key_suggests_the_close_setting_at_its_level():
    _, warnings = resolve(
        [
            Layer(
                "init",
                {
                    "index": {"enabeld": False},
                    "log_levle": "debug",
                    "ai": {"providers": [{"name": "a", "base_url": "u", "model": "m", "modle": "x"}]},
                    "zzz": 1,
                },
            )
        ]
    )
    assert _warning(warnings, "index.enabeld").problem == "unknown setting (did you mean 'index.enabled'?)"
    assert "(did you mean 'log_level'?)" in str(_warning(warnings, "log_levle"))
    assert _warning(warnings, "ai.providers.0.modle").problem.endswith(
        "(did you mean 'ai.providers.0.model'?)"
    )
    assert _warning(warnings, "zzz").problem == "unknown setting"  # nothing close: no guess


def test_a_warning_never_carries_the_bad_value():
    _, warnings = resolve([Layer("init", {"api_key": "sk-secret-value"})])
    assert "sk-secret-value" not in str(warnings[0]) and "sk-secret-value" not in repr(warnings[0])


def test_a_bad_key_sent_both_ways_by_the_editor_warns_once():
    store = SettingsStore()
    store.set_init_options({"index": {"enabeld": False}})
    store.get()
    store.set_client(GLOBAL, {"aurelis": {"index": {"enabeld": False}}})
    store.get()
    assert [w.key for w in store.take_warnings()] == ["index.enabeld"]
    store.set_client(GLOBAL, {"index": {"enabeld": False}, "log_level": "debug"})  # another change
    store.get()
    assert store.take_warnings() == []  # still the same bad key: not again


def test_a_bad_key_warns_again_once_changed_or_fixed_and_broken_again():
    store = SettingsStore()
    store.set_client(GLOBAL, {"index": {"max_file_bytes": 0}})
    store.get()
    assert len(store.take_warnings()) == 1
    store.set_client(GLOBAL, {"index": {"max_file_bytes": -1}})  # another bad value
    store.get()
    assert [w.key for w in store.take_warnings()] == ["index.max_file_bytes"]
    store.set_client(GLOBAL, {})  # fixed
    store.get()
    store.set_client(GLOBAL, {"index": {"max_file_bytes": -1}})  # broken again
    store.get()
    assert [w.key for w in store.take_warnings()] == ["index.max_file_bytes"]


def test_the_same_bad_key_in_two_pyprojects_is_two_warnings(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pyproject.toml").write_text('[tool.aurelis]\nlog_level = "loud"\n')
    store = SettingsStore()
    store.get("a", tmp_path / "a")
    store.get("b", tmp_path / "b")
    assert sorted(w.source for w in store.take_warnings()) == [
        str(tmp_path / "a" / "pyproject.toml"),
        str(tmp_path / "b" / "pyproject.toml"),
    ]
