"""Real-browser tests: Debian's Chromium driven by Playwright against `streamlit run` on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.teamstack import app_server

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


# Every Playwright wait is bounded: actions (click, fill, download) and navigations fail after these
# instead of waiting for pytest-timeout (pyproject: 300 s per test), and `expect` assertions after
# EXPECT_MS unless a test passes its own `timeout=`.
ACTION_MS = 30_000
NAVIGATION_MS = 60_000
EXPECT_MS = 15_000


@pytest.fixture
def context(context):
    """pytest-playwright's browser context with explicit default timeouts (pages inherit them)."""
    from playwright.sync_api import expect

    context.set_default_timeout(ACTION_MS)
    context.set_default_navigation_timeout(NAVIGATION_MS)
    expect.set_options(timeout=EXPECT_MS)
    return context


@pytest.fixture(scope="session")
def server(test_db):
    """A fresh `streamlit run app.py` on a free loopback port (``tests.teamstack.app_server``,
    stopped whatever happens next); its first request is a test's."""
    SHOTS.parent.mkdir(parents=True, exist_ok=True)
    with app_server({"PLEXRT_DB": str(test_db)}, SHOTS.parent / "streamlit-e2e.log") as base:
        yield base


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
