"""Plugin options are validated, and a server that cannot start is explained."""

from __future__ import annotations

from nvim_driver import make_workspace, run_scenario


def test_bad_options_and_missing_server_are_explained(tmp_path):
    outcome = run_scenario("options", make_workspace(tmp_path), tmp_path)
    assert outcome.returncode == 0, outcome.explain()
    r = outcome.result
    for name, needle in {"cmd": "cmd", "k": "search.k", "progress": "progress", "unknown": "colour"}.items():
        bad = r["bad"][name]
        assert bad["ok"] is False, name
        assert bad["msg"].startswith("Aurelis: setup(): ") and needle in bad["msg"], bad
        assert bad["level"] == 4  # vim.log.levels.ERROR
    assert "an integer from 1 to 200" in r["bad"]["k"]["msg"]
    assert r["clients_after_bad"] == 0
    # said once, though two Python buffers were opened, with what to do
    (missing,) = r["missing"]
    assert missing["level"] == 4
    msg = missing["msg"]
    assert "`aurelis-not-installed-here` is not an executable on $PATH" in msg
    assert "pip install aurelis" in msg and "cmd = {" in msg and ":checkhealth aurelis" in msg
