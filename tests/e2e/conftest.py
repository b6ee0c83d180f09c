"""Real-browser tests: Debian's Chromium driven by Playwright against `streamlit run` on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError("CI: Chromium is required for the browser tests and is missing")
    skip = pytest.mark.skip(
        reason="Chromium is not installed (Debian: apt-get install chromium); browser tests skipped"
    )
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Every Playwright wait is bounded: actions (click, fill, download) and navigations fail after these
# instead of waiting for pytest-timeout (pyproject: 300 s per test), and `expect` assertions after
# EXPECT_MS unless a test passes its own `timeout=`.
ACTION_MS = 30_000
NAVIGATION_MS = 60_000
EXPECT_MS = 15_000
SERVER_START_S = 60
SERVER_STOP_S = 10


@pytest.fixture
def context(context):
    """pytest-playwright's browser context with explicit default timeouts (pages inherit them)."""
    from playwright.sync_api import expect

    context.set_default_timeout(ACTION_MS)
    context.set_default_navigation_timeout(NAVIGATION_MS)
    expect.set_options(timeout=EXPECT_MS)
    return context


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGTERM when the test process dies, even by SIGKILL or
    pytest-timeout's thread method (which exits without running finalizers)."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and anything it started (its own process group): TERM, then KILL."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=SERVER_STOP_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=SERVER_STOP_S)


@pytest.fixture(scope="session")
def server(request, test_db):
    """A fresh `streamlit run app.py` on a free loopback port; its first request is a test's.

    The process is stopped by a finalizer registered as soon as it exists, so it ends whatever
    happens next: the health check failing, a test failing or timing out, Ctrl-C.
    """
    port = _free_port()
    env = {**os.environ, "PLEXRT_DB": str(test_db)}
    SHOTS.parent.mkdir(parents=True, exist_ok=True)
    log = open(SHOTS.parent / "streamlit-e2e.log", "w")  # noqa: SIM115 -- closed by the finalizer
    request.addfinalizer(log.close)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    request.addfinalizer(lambda: _stop(proc))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return base
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"streamlit did not become healthy within {SERVER_START_S} s; see {log.name}"
            )
        time.sleep(0.3)


@pytest.fixture(scope="session", autouse=True)
def _artifacts():
    SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def page_errors(page):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def settle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished drawing: no skeletons, no running script, plots laid out."""
    from playwright.sync_api import expect

    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=timeout
    )
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=timeout)
    page.wait_for_timeout(400)  # plotly lays out after the script has finished


def pick(page, box, option: str, attempts: int = 3) -> None:
    """Choose ``option`` in the Streamlit selectbox ``box`` (a combobox locator). The typed text
    filters the list, so the option is drawn even in a long list; if a rerun closes the list before
    the option shows, the list is opened again."""
    from playwright.sync_api import expect

    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(attempts):
        try:
            box.click()
            page.keyboard.type(option)
            expect(wanted).to_be_visible(timeout=10_000)
            wanted.click()
            return
        except AssertionError:
            if attempt == attempts - 1:
                shot(page, "failed-pick")
                raise
            page.keyboard.press("Escape")
            settle(page, timeout=60_000)


def shot(page, name: str) -> Path:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
