"""The app in a real browser: every page renders, a filter changes the count, the URL restores the
view, garbage URLs give a notice, no page errors. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle, shot

pytestmark = pytest.mark.e2e

BANNER = re.compile(r"\d+ of 12 sites \(")
PAGES = [
    ("", "Cohort"),
    ("pain", "Pain response"),
    ("time_to_event", "Time to event (reconstructed times)"),
    ("literature", "Literature comparison"),
    ("data", "Data & provenance"),
]


def _banner(page):
    return page.get_by_text(BANNER).first


def test_a_deep_link_as_first_request_opens_inside_the_shell(server, page, page_errors):
    # The first request of a fresh server is a deep link to a sub-page with a filter.
    page.goto(f"{server}/data?sex=M")
    expect(page.get_by_role("heading", name="Data & provenance")).to_be_visible(timeout=30_000)
    expect(_banner(page)).to_contain_text("5 of 12 sites (5 of 11 patients) shown", timeout=30_000)
    expect(page.get_by_text("Cohort filters")).to_be_visible()
    assert page_errors == []


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_every_page_renders(server, page, page_errors, path, title):
    # A tall window, so the screenshot shows the whole page (Streamlit scrolls inside its own frame).
    page.set_viewport_size({"width": 1600, "height": 2400})
    page.goto(f"{server}/{path}")
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=60_000)
    expect(_banner(page)).to_contain_text("12 of 12 sites (11 patients) shown")
    settle(page)
    shot(page, f"page-{path or 'cohort'}")
    assert page_errors == []
    assert page.get_by_text("Traceback").count() == 0


def test_filter_changes_count_and_url_restores_view(server, page, browser, page_errors):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(server)
    expect(_banner(page)).to_contain_text("12 of 12 sites", timeout=30_000)
    page.get_by_role("combobox", name="Involved muscle").click()
    page.get_by_role("option", name="piriformis", exact=True).click()
    page.keyboard.press("Escape")
    expect(_banner(page)).to_contain_text("4 of 12 sites (4 of 11 patients) shown", timeout=15_000)
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("4")
    expect(page).to_have_url(re.compile(r"muscle=piriformis"))
    shot(page, "cohort-filtered-piriformis")
    url = page.url
    # A copied link opens the same view in a new browser context, and on another page too.
    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    other.goto(url)
    expect(_banner(other)).to_contain_text("4 of 12 sites (4 of 11 patients) shown", timeout=30_000)
    other.goto(url.replace(server + "/", server + "/data"))
    expect(_banner(other)).to_contain_text("4 of 12 sites", timeout=30_000)
    other.context.close()
    # Reset in one click.
    page.get_by_role("button", name="Reset filters").click()
    expect(_banner(page)).to_contain_text("12 of 12 sites (11 patients) shown", timeout=15_000)
    assert page_errors == []


def test_garbage_url_gives_notice(server, page, page_errors):
    page.goto(f"{server}/?age=banana&muscle=liver&x=%3Cscript%3E")
    expect(page.get_by_text("Ignored URL parameter age")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Ignored muscle value 'liver'")).to_be_visible()
    expect(_banner(page)).to_contain_text("12 of 12 sites")
    shot(page, "cohort-garbage-url")
    assert page_errors == []
