"""The 'Your data' pages in Chromium: the example workbook uploaded through the file input,
mapped, previewed and committed; the series then on the Follow-up page and its Kaplan-Meier curve on
the Time to event page; a broken file refused with every problem listed. Screenshots at 1280x720 and 1920x1080."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plexrt.data.paths import DEFAULT_DATA_DIR
from tests.e2e.conftest import settle, shot
from tests.unit.own_files import COURSE_HEADER, course_row, csv_text

pytestmark = pytest.mark.e2e

EXAMPLE = DEFAULT_DATA_DIR / "examples" / "SYNTHETIC_example.xlsx"
SIZES = [(1280, 720), (1920, 1080)]


def _open(page, server, path: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server}/{path}")
    settle(page, timeout=60_000)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_import_the_example_workbook(server, page, page_errors, width, height):
    name = f"Browser example {width}"
    _open(page, server, "own_import", width, height)
    expect(page.get_by_role("heading", name="Import a series")).to_be_visible()
    page.locator('input[type="file"]').first.set_input_files(str(EXAMPLE))
    expect(page.get_by_text("Patients", exact=True).first).to_be_visible(timeout=60_000)
    settle(page)
    # Map: the example's headers are the template's, so the mapping is matched and closed; open it
    # and see the patient code column chosen.
    mapping = page.get_by_text(re.compile(r"Column mapping: Courses .*all matched"))
    expect(mapping).to_be_visible()
    mapping.click()
    expect(page.get_by_text("Patient code · patient_id *").first).to_be_visible()
    page.get_by_label("Series name *").fill(name)
    page.get_by_label("Series name *").press("Enter")
    settle(page)
    page.get_by_role("heading", name="What will be stored").scroll_into_view_if_needed()
    shot(page, f"own-import-preview-{width}x{height}")
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("42")
    page.get_by_role("button", name="Commit: store the series").click()
    expect(page.get_by_text(f"Created the series '{name}'")).to_be_visible(timeout=60_000)
    settle(page)
    shot(page, f"own-import-done-{width}x{height}")
    # The series exists: the Follow-up page offers it.
    _open(page, server, "follow_up", width, height)
    page.get_by_role("combobox", name="Series to update").click()
    expect(page.get_by_role("option", name=name, exact=True)).to_be_visible()
    page.get_by_role("option", name=name, exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    page.get_by_role("heading", name="New entry").scroll_into_view_if_needed()
    shot(page, f"own-follow-up-{width}x{height}")
    # The series imported through the page is analysed at once: chosen in the sidebar's switcher,
    # its Time to event page draws its own Kaplan-Meier curve (real times, nothing reconstructed).
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Series", exact=True).click()
    page.get_by_role("option", name=name, exact=True).click()
    expect(page).to_have_url(re.compile(r"series=own-[0-9a-f]+"), timeout=30_000)
    settle(page, timeout=60_000)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Time to event").click()
    expect(page).to_have_url(re.compile(r"time_to_event.*series=own-"), timeout=30_000)
    settle(page, timeout=90_000)
    km = page.locator(".js-plotly-plot").first
    expect(km.locator(".scatterlayer .trace").first).to_be_attached(timeout=30_000)
    expect(km.locator(".legendtext", has_text="median")).to_have_count(1, timeout=30_000)
    expect(km.locator(".gtitle")).to_contain_text(name)
    expect(km.locator(".gtitle")).not_to_contain_text("reconstructed")
    shot(page, f"own-import-km-{width}x{height}")
    assert page_errors == []


BROKEN = [
    course_row(patient_id="X1", nrs_before="11"),
    course_row(patient_id="X3", fractions="0"),
    course_row(patient_id="X4", intent="curative"),
    course_row(patient_id="X5", relapse_date="2022-02-01"),
    course_row(patient_id="X8", rt_end_date="2022-01-05", max_response_date=""),
]
BROKEN_WORDS = [
    "NRS before RT must be 0-10",
    "Fractions must be 1-40",
    "unknown intent: must be one of palliative, local_control",
    "relapse of pain (day 22) is before the maximum response (day 28)",
    "the course ends (day -5) before it starts (day 0)",
]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_broken_file_is_refused_with_every_problem(
    server, page, page_errors, tmp_path, width, height
):
    broken = tmp_path / "broken.csv"
    broken.write_text(csv_text(COURSE_HEADER, BROKEN), encoding="utf-8")
    _open(page, server, "own_import", width, height)
    page.locator('input[type="file"]').first.set_input_files(str(broken))
    expect(page.get_by_text(f"The file was refused: {len(BROKEN_WORDS)} problems")).to_be_visible(
        timeout=60_000
    )
    settle(page)
    table = page.get_by_test_id("stTable")
    for words in BROKEN_WORDS:
        expect(table.get_by_text(words, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Download the problem report (CSV)")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Commit"))).to_have_count(0)
    page.get_by_text("The file was refused").scroll_into_view_if_needed()
    shot(page, f"own-import-refused-{width}x{height}")
    assert page_errors == []
