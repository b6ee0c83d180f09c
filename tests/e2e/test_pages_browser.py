"""The analysis pages in Chromium: charts render, selectors change them, a series can be added."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle, shot

pytestmark = pytest.mark.e2e


def _open(page, server, path, width=1600, height=2000):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server}/{path}")
    expect(page.get_by_text(re.compile(r"\d+ of 12 sites \(")).first).to_be_visible(timeout=60_000)
    settle(page)


def _select(page, label, option):
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_pain_page_selectors(server, page, page_errors):
    _open(page, server, "pain")
    plots = page.locator(".js-plotly-plot")
    expect(plots.first).to_be_visible(timeout=30_000)
    legend = page.locator(".js-plotly-plot").first.locator(".legendtext")
    expect(legend).to_have_count(2)  # complete, improved
    expect(legend.first).to_contain_text("Complete")
    shot(page, "pain-default")
    _select(page, "Colour bars by", "involved muscle")
    expect(legend.first).to_contain_text(re.compile("piriformis|psoas", re.I), timeout=15_000)
    _select(
        page,
        "Response definition (every figure on this page follows it)",
        "What-if: improvement = NRS fall ≥4 points; complete = NRS 0 (any fall)",
    )
    expect(page.get_by_text("10/12 sites · 95% CI").first).to_be_visible(timeout=15_000)
    expect(page).to_have_url(re.compile(r"resp=threshold4"))
    shot(page, "pain-what-if-k4-by-muscle")
    _select(
        page,
        "Response definition (every figure on this page follows it)",
        "ICPRE 2012: pain score and oral morphine equivalent dose",
    )
    expect(page.get_by_text("8–12 of 12 sites")).to_be_visible(timeout=15_000)
    shot(page, "pain-icpre-range")
    assert page_errors == []


def test_time_to_event_grouping_changes_curves(server, page, page_errors):
    _open(page, server, "time_to_event", height=2200)
    km = page.locator(".js-plotly-plot").first
    curves = km.locator(".legendtext", has_text="median")
    expect(curves).to_have_count(1, timeout=30_000)
    expect(page.get_by_text("These curves rest on reconstructed times")).to_be_visible()
    expect(km.get_by_text(re.compile("RECONSTRUCTED TIMES"))).to_be_visible()
    shot(page, "time-to-event-survival")
    _select(page, "Group by", "involved muscle")
    expect(curves).to_have_count(2, timeout=15_000)
    expect(page.get_by_text(re.compile("Log-rank test")).first).to_be_visible()
    # (the relief tab says it too: the survival tab's own warning is checked)
    survival = page.get_by_role("tabpanel", name="Survival after RT")
    expect(
        survival.get_by_text("The published data cannot answer this comparison.")
    ).to_be_visible()
    shot(page, "time-to-event-by-muscle")
    _select(page, "Group by", "primary group")
    expect(curves).to_have_count(3, timeout=15_000)
    for tab in (
        "Duration of pain relief",
        "Relapse vs death",
        "Swimmer plot",
        "Constraints & conflicts",
    ):
        page.get_by_role("tab", name=tab).click()
        settle(page)
        shot(page, "time-to-event-" + re.sub(r"\W+", "-", tab.lower()))
    expect(page.get_by_text("Conflicts found by computation (4)")).to_be_visible()
    assert page_errors == []


def test_literature_add_series_appears_in_forest_plot(server, page, page_errors):
    _open(page, server, "literature", height=2400)
    page.get_by_role("tab", name="Response (forest plot)").click()
    forest = page.locator(".js-plotly-plot").first
    expect(forest).to_contain_text("Gerontopoulos 2020", timeout=30_000)
    shot(page, "literature-forest")
    page.get_by_role("tab", name="Add or edit a series").click()
    form = {
        "Citation *": "Browser B, et al. Added in Chromium. J Test 2025;2:3",
        "Year": "2025",
        "Patients (n) *": "9",
        "Source of: Patients (n)": "Table 1",
        "Responders (n)": "7",
        "Source of: Responders (n)": "Results, para 3",
    }
    add_form = page.locator('[data-testid="stForm"]').filter(has_text="Add a published series")
    for label, value in form.items():
        add_form.get_by_role("textbox", name=label, exact=True).fill(value)
    shot(page, "literature-form-filled")
    add_form.get_by_role("button", name="Save series").click()
    page.get_by_role("tab", name="Response (forest plot)").click()
    expect(page.locator(".js-plotly-plot").first).to_contain_text(
        "Browser 2025 (added)", timeout=30_000
    )
    shot(page, "literature-forest-with-added-series")
    assert page_errors == []


def test_tables_leave_only_through_plexrt_downloads(server, page, page_errors):
    # .streamlit/config.toml disableDataExport: the table toolbar keeps search, but its CSV
    # download (no formula neutralised, no audit entry) is gone; the page's own download stays.
    _open(page, server, "")
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible(timeout=30_000)
    grid.hover()
    expect(page.get_by_role("button", name="Search").first).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)
    expect(page.get_by_role("button", name="Download this table (CSV)")).to_be_visible()
    assert page_errors == []


# Bare addresses, an icon name and an arrow in a typed citation: Streamlit made links, the icon and
# the arrow of them even escaped (plexrt.ui.safe_text). They must read exactly as typed.
TYPED = "Hostile H. See http://evil.example/x, www.evil.example, a@evil.example -> :material/home:"


def test_typed_text_reads_as_typed_and_never_links(server, page, page_errors):
    _open(page, server, "literature", height=2400)
    page.get_by_role("tab", name="Add or edit a series").click()
    add_form = page.locator('[data-testid="stForm"]').filter(has_text="Add a published series")
    form = {"Citation *": TYPED, "Patients (n) *": "9", "Source of: Patients (n)": "Table 1"}
    for label, value in form.items():
        add_form.get_by_role("textbox", name=label, exact=True).fill(value)
    add_form.get_by_role("button", name="Save series").click()
    saved = page.get_by_test_id("stAlert").filter(has_text="Saved “Hostile H.")
    expect(saved).to_be_visible(timeout=30_000)
    settle(page)
    # what a reader sees (and copies) is the citation as typed, and nothing became a link or icon
    assert f"“{TYPED}”" in saved.inner_text()
    expect(page.locator("a", has_text="evil.example")).to_have_count(0)
    expect(saved.get_by_role("img")).to_have_count(0)
    shot(page, "literature-typed-addresses")
    assert page_errors == []
