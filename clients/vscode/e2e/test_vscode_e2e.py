"""The extension in a real VS Code: code-server with the built .vsix, driven by Playwright through
the system Chromium, against a real `aurelis serve` (index and rules on) over a fixture workspace.

Run by `make test-vscode-e2e`, which installs code-server (clients/vscode/e2e/install_code_server.sh),
builds the .vsix and passes their paths: CODE_SERVER_DIR, CODE_SERVER_NODE, AURELIS_VSIX;
AURELIS_E2E_SHOTS names where the screenshots go (the README shows the ones under docs/).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture"
CHROMIUM = os.environ.get("AURELIS_E2E_CHROMIUM", "/usr/bin/chromium")
# What works headless as root in a container; a fresh profile per run (--user-data-dir below).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 120_000  # a cold server on a busy two-core machine: model load + first index

NEEDS = ("CODE_SERVER_DIR", "CODE_SERVER_NODE", "AURELIS_VSIX")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"code-server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"code-server did not answer at {url}")
        time.sleep(0.2)


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:  # every process of the group has exited already
        pass


@pytest.fixture(scope="module")
def code_server(tmp_path_factory):
    """code-server on a free port with the extension installed and a fixture workspace copy."""
    if missing := [name for name in NEEDS if not os.environ.get(name)]:
        pytest.fail(f"run through `make test-vscode-e2e` ({', '.join(missing)} not set)")
    root = tmp_path_factory.mktemp("code-server")
    node, entry = os.environ["CODE_SERVER_NODE"], str(Path(os.environ["CODE_SERVER_DIR"]) / "out/node/entry.js")
    data, extensions, ws = root / "data", root / "extensions", root / "workspace"
    shutil.copytree(FIXTURE, ws)
    common = ["--user-data-dir", str(data), "--extensions-dir", str(extensions), "--config", str(root / "config.yaml")]
    subprocess.run(
        [node, entry, *common, "--install-extension", os.environ["AURELIS_VSIX"]],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (data / "User").mkdir(parents=True, exist_ok=True)
    (data / "User" / "settings.json").write_text(
        json.dumps(
            {
                "aurelis.server.command": [sys.executable, "-m", "aurelis", "serve"],
                "aurelis.log_level": "info",
                "security.workspace.trust.enabled": False,
                "workbench.startupEditor": "none",
                "workbench.tips.enabled": False,
                "workbench.enableExperiments": False,
                "extensions.autoCheckUpdates": False,
                "extensions.ignoreRecommendations": True,
                "telemetry.telemetryLevel": "off",
                "update.mode": "none",
                "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
                "python.languageServer": "None",
                "chat.disableAIFeatures": True,
                "workbench.secondarySideBar.defaultVisibility": "hidden",
            }
        )
    )
    port = _free_port()
    env = {
        **os.environ,
        "HOME": str(root / "home"),
        "AURELIS_CACHE_DIR": str(root / "cache"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    log = (root / "code-server.log").open("w")
    proc = subprocess.Popen(
        [
            node,
            entry,
            *common,
            "--auth",
            "none",
            "--bind-addr",
            f"127.0.0.1:{port}",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--disable-getting-started-override",
            str(ws),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/healthz", proc)
        yield {"url": f"http://127.0.0.1:{port}/?folder={ws}", "workspace": ws, "root": root}
    finally:
        # its own process group: code-server, its extension host and the aurelis server it started
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def page(code_server, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 850},
        )
        pg = context.pages[0] if context.pages else context.new_page()
        pg.set_default_timeout(TIMEOUT_MS)
        pg.goto(code_server["url"])
        pg.locator(".monaco-workbench").wait_for()
        yield pg
        context.close()


def shots_dir() -> Path:
    d = Path(os.environ.get("AURELIS_E2E_SHOTS") or (HERE.parents[2] / "build" / "vscode-e2e"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def run_command(page, title: str) -> None:
    """Run a command by its palette title (F1, type, Enter on the exact match)."""
    page.keyboard.press("F1")
    box = page.locator(".quick-input-widget input")
    box.wait_for()
    box.fill(">" + title)
    page.locator(".quick-input-list .monaco-list-row", has_text=title).first.wait_for()
    page.keyboard.press("Enter")


def open_file(page, name: str) -> None:
    tab = page.locator(".tabs-container .tab", has_text=name)
    if tab.count():
        tab.first.click()
        page.locator(".tab.active", has_text=name).wait_for()
        return
    page.keyboard.press("Control+p")
    box = page.locator(".quick-input-widget input")
    box.wait_for()
    box.fill(name)
    page.locator(".quick-input-list .monaco-list-row", has_text=name).first.wait_for()
    page.keyboard.press("Enter")
    page.locator(".tab.active", has_text=name).wait_for()


def quick_fix_menu(page, title: str, attempts: int = 6):
    """Ctrl+. (or the palette's Quick Fix...) until the quick-fix menu lists ``title``: a key
    press that lands while focus is still moving from the quick input to the editor is lost, and
    on a loaded machine the server may answer late."""
    action = page.locator(".action-widget .monaco-list-row", has_text=title).first
    for n in range(attempts):
        if n % 2 == 0:
            page.keyboard.press("Control+.")
        else:
            run_command(page, "Quick Fix...")
        try:
            action.wait_for(timeout=30_000)
            return action
        except Exception:
            page.keyboard.press("Escape")
    raise AssertionError(f"no quick fix {title!r} offered")


def status_item(page):
    return page.locator(".statusbar-item", has_text="Aurelis").first


def cursor_line(page) -> int:
    text = page.locator(".statusbar-item", has_text=re.compile(r"Ln \d+, Col \d+")).first.inner_text()
    return int(re.search(r"Ln (\d+)", text).group(1))


def editor_text(page) -> str:
    return page.locator(".monaco-editor .view-lines").first.inner_text().replace("\u00a0", " ")


@pytest.mark.timeout(900)
def test_extension_in_code_server(page, code_server):
    """One session, in the order a user meets things (each step needs the one before)."""
    try:
        user_session(page, code_server)
    except Exception:
        page.screenshot(path=str(shots_dir() / "failure.png"))
        raise


def user_session(page, code_server) -> None:
    # 1. Opening a Python file activates the extension: its status bar entry appears.
    open_file(page, "accounts.py")
    status_item(page).wait_for()

    # 2. The server's diagnostic is listed in the Problems panel.
    run_command(page, "View: Focus Problems")
    row = page.locator(".markers-panel .monaco-list-row", has_text="AUR104")
    row.first.wait_for()
    assert "Comparison to None" in row.first.inner_text()
    page.screenshot(path=str(shots_dir() / "vscode-problems.png"))

    # 3. The status bar shows the index state, and reaches "ready" once the index is built.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.statusbar-item')].some(e => /Aurelis: ready/.test(e.textContent))",
        timeout=240_000,
    )

    # 4. Semantic Search from the palette opens the hit at its line.
    run_command(page, "Aurelis: Semantic Search")
    page.locator(".quick-input-widget input").fill("how much does it cost to send a parcel")
    page.keyboard.press("Enter")
    first = page.locator(".quick-input-list .monaco-list-row").first
    first.wait_for()
    page.locator(".quick-input-list .monaco-list-row", has_text="shipping_cost").first.wait_for()
    assert "shipping_cost" in first.inner_text()
    page.screenshot(path=str(shots_dir() / "vscode-search.png"))
    page.keyboard.press("Enter")
    page.locator(".tab.active", has_text="shipping.py").wait_for()
    expected = 1 + next(
        n for n, line in enumerate((code_server["workspace"] / "shop/shipping.py").read_text().splitlines())
        if line.startswith("def shipping_cost")
    )
    page.wait_for_function(
        f"() => [...document.querySelectorAll('.statusbar-item')].some(e => /Ln {expected}, Col/.test(e.textContent))"
    )
    assert cursor_line(page) == expected

    # 5. A quick fix applies: `== None` becomes `is None` in the editor.
    open_file(page, "accounts.py")
    source = (code_server["workspace"] / "shop/accounts.py").read_text().splitlines()
    line = 1 + next(n for n, text in enumerate(source) if "== None" in text)
    column = 1 + source[line - 1].index("== None")
    run_command(page, "Go to Line/Column")
    page.locator(".quick-input-widget input").fill(f":{line}:{column}")
    page.keyboard.press("Enter")
    quick_fix_menu(page, "is None").click()
    page.wait_for_function(
        # (the editor renders spaces as no-break spaces)
        "() => document.querySelector('.monaco-editor .view-lines').textContent"
        ".replace(/\\u00a0/g, ' ').includes('.get(\"email\") is None')"
    )
    assert '.get("email") == None' not in editor_text(page)
