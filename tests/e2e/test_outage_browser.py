"""The team's PostgreSQL server stops between typing a follow-up entry and pressing Save, in
Chromium against `streamlit run` (issue 16 §3): the page says that the entry was not written and
why, and serves the bundled data; nothing reaches the database. Screenshots at 1280x720 and
1920x1080."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plexrt.data.access import local_principal
from plexrt.data.userstore import UserStore
from plexrt.ingest.own_import import prepare_import
from tests.e2e.conftest import SHOTS, settle, shot
from tests.teamstack import app_server
from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, write

pytestmark = pytest.mark.e2e

SIZES = [(1280, 720), (1920, 1080)]


@pytest.fixture
def team(pg_server_alone, test_db, tmp_path):
    url = pg_server_alone.new_database()
    store = UserStore(url)
    prepared = prepare_import(*write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS), study_codes=True)
    assert prepared.frames is not None
    sid = store.apply_import(
        local_principal(), "Ours", prepared.frames, pseudonymised=False
    ).series_id
    env = {"PLEXRT_DB": str(test_db), "PLEXRT_USER_DB": url}
    with app_server(env, SHOTS.parent / "streamlit-outage.log") as base:
        yield base, pg_server_alone, store, sid


def _last_contact(store: UserStore, sid: str) -> int:
    patients = store.series_frames(local_principal(), sid).patients.set_index("patient_id")
    return int(patients.loc["S01", "last_contact_day"])


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_save_while_the_server_is_down_says_nothing_was_written(
    team, page, page_errors, width, height
):
    base, pg, store, sid = team
    before = _last_contact(store, sid)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{base}/follow_up")
    settle(page, timeout=60_000)
    page.get_by_text("Last contact", exact=True).click()
    settle(page)
    day = page.get_by_label("Day (day 0 = the patient's first RT start)")
    day.fill(str(before + 30))
    pg.pause()
    try:
        page.get_by_role("button", name="Save").click()
        said = page.get_by_text("Not saved: the follow-up entry could not be written")
        expect(said).to_be_visible(timeout=60_000)
        expect(page.get_by_text("the PostgreSQL server cannot be reached").first).to_be_visible()
        settle(page)
        shot(page, f"outage-follow-up-save-{width}x{height}")
    finally:
        pg.resume()
    assert _last_contact(store, sid) == before  # nothing written
    assert page_errors == []
