"""An own series in Chromium: imported through the CLI, chosen in the sidebar's series switcher,
its real Kaplan-Meier curve drawn on the time-to-event page (no reconstruction label), the choice
kept in the URL; then compare mode overlays it with Sanuki 2022."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import pick, settle, shot

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "SYNTHETIC_example.xlsx"
NAME = "Example clinic e2e"


@pytest.fixture(scope="module")
def imported():
    """The example workbook imported into the user database the app under test uses."""
    # In a process of its own: a DuckDB file is held by the process that last used it (for a few
    # idle seconds), and the server under test must be able to open it at once.
    user_db = os.environ["PLEXRT_USER_DB"]
    args = ["import", str(EXAMPLE), "--series", NAME, "--user-db", user_db]
    code = f"from plexrt.cli import main; raise SystemExit(main({args!r}))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def _select(page, label, option):
    pick(
        page,
        page.get_by_test_id("stSidebar").get_by_role("combobox", name=label, exact=True),
        option,
    )


def test_switch_to_an_own_series_shows_its_curve(server, page, page_errors, imported):
    page.set_viewport_size({"width": 1600, "height": 2200})
    page.goto(f"{server}/")
    expect(page.get_by_text(re.compile(r"12 of 12 sites|12 sites")).first).to_be_visible(
        timeout=60_000
    )
    settle(page, timeout=60_000)
    _select(page, "Series", NAME)
    expect(page).to_have_url(re.compile(r"series=own-[0-9a-f]+"), timeout=30_000)
    expect(page.get_by_text("52 sites", exact=False).first).to_be_visible(timeout=60_000)
    settle(page, timeout=60_000)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Time to event").click()
    expect(page).to_have_url(re.compile(r"time_to_event.*series=own-"), timeout=30_000)
    settle(page, timeout=90_000)
    km = page.locator(".js-plotly-plot").first
    expect(km.locator(".legendtext", has_text="median")).to_have_count(1, timeout=30_000)
    expect(km.locator(".gtitle")).not_to_contain_text("reconstructed")
    expect(page.get_by_text("These curves rest on reconstructed times")).to_have_count(0)
    expect(page.get_by_text("first course", exact=False).first).to_be_visible()
    shot(page, "own-series-time-to-event")
    _select(page, "Series", "Compare: an own series beside Sanuki 2022")
    expect(page).to_have_url(re.compile(r"series=compare"), timeout=30_000)
    settle(page, timeout=120_000)
    # Other tests may have imported series too: compare this one.
    _select(page, "Own series to compare", NAME)
    settle(page, timeout=120_000)
    km = page.locator(".js-plotly-plot").first
    expect(km.locator(".legendtext")).to_contain_text(
        [re.compile(NAME), re.compile("reconstructed")], timeout=60_000
    )
    shot(page, "own-series-compare")
    assert page_errors == []
