"""A published curve imported from its files on the literature page, seen on the KM comparison."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle, shot
from tests.fixtures import FIXTURES

pytestmark = pytest.mark.e2e

EX = FIXTURES / "curve_example"


def _uploader(page, label):
    return (
        page.locator('[data-testid="stFileUploader"]')
        .filter(has_text=label)
        .locator('input[type="file"]')
    )


def test_import_curve_and_see_it_on_the_km_comparison(server, page, page_errors):
    page.set_viewport_size({"width": 1600, "height": 2600})
    page.goto(f"{server}/literature")
    expect(page.get_by_text(re.compile(r"\d+ of 12 sites \(")).first).to_be_visible(timeout=60_000)
    settle(page)
    page.get_by_role("tab", name="Import a published curve").click()
    _uploader(page, "Digitised points").set_input_files(str(EX / "points.csv"))
    settle(page)
    _uploader(page, "Number-at-risk table").set_input_files(str(EX / "risk.csv"))
    settle(page)
    page.get_by_role("textbox", name="Total events reported (optional)").fill("41")
    page.get_by_role("textbox", name="Total events reported (optional)").press("Enter")
    settle(page)
    panel = page.get_by_role("tabpanel", name="Import a published curve")
    preview = panel.locator(".js-plotly-plot").first
    expect(preview).to_contain_text("RECONSTRUCTED FROM PUBLISHED CURVE", timeout=30_000)
    expect(preview).to_contain_text("Largest gap")
    expect(
        panel.get_by_text("Patients reconstructed: 60, events 41 (reported: 41).")
    ).to_be_visible()
    shot(page, "literature-curve-preview")
    form = page.locator('[data-testid="stForm"]').filter(has_text="Save as a literature series")
    form.get_by_role("textbox", name="Citation *", exact=True).fill(
        "Chromium C, et al. Synthetic curve. J Test 2025;1:1"
    )
    form.get_by_role("textbox", name="Year", exact=True).fill("2025")
    form.get_by_role("textbox", name="Figure (where in the paper)").fill("Figure 2")
    form.get_by_role("button", name="Save curve series").click()
    expect(
        page.get_by_text(re.compile("flagged 'reconstructed from published curve'"))
    ).to_be_visible(timeout=30_000)
    page.get_by_role("tab", name="Kaplan–Meier comparison").click()
    settle(page)
    km_panel = page.get_by_role("tabpanel", name="Kaplan–Meier comparison")
    km = km_panel.locator(".js-plotly-plot").first
    expect(km).to_contain_text(
        "Chromium 2025 (added): reconstructed from published curve", timeout=30_000
    )
    expect(km).to_contain_text("PlexRT (this cohort)")
    expect(km_panel.get_by_text(re.compile("Log-rank test across the 2 curves"))).to_be_visible()
    expect(km_panel.get_by_text(re.compile("themselves reconstructed"))).to_be_visible()
    shot(page, "literature-km-comparison")
    assert page_errors == []
