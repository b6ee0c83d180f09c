"""The 'Follow-up' page under AppTest (issue 12 §3): an entry by date (the dates are not stored)
or by day, checked like an import, saved with a confirmation, kept in the history (who, when,
old -> new) and undone with a confirmation. Then: after the page flows, no calendar date and no
original patient code is anywhere in the user database."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from plexrt.data.access import Principal, local_principal
from plexrt.data.userstore import Change, UserStore
from plexrt.data.userstore import engine as eng
from plexrt.ingest.own_followup import HISTORY_COLUMNS
from plexrt.ingest.own_import import prepare_import
from plexrt.ui.safe_text import md
from tests.app.conftest import page_table
from tests.unit.own_files import (
    ASSESSMENT_HEADER,
    COURSE_HEADER,
    GOOD_ASSESSMENTS,
    GOOD_COURSES,
    csv_text,
    write,
)
from tests.unit.test_userstore_own import DATE

PAGE = "pages/follow_up.py"


@pytest.fixture
def user_db(tmp_path, monkeypatch):
    path = tmp_path / "user.duckdb"
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    return str(path)


@pytest.fixture
def series(user_db, tmp_path):
    """own_files' good series (S01: course 1 on days 0-13, course 2 on days 33-37 without a
    response; last contact day 184), stored with its study codes."""
    courses, assessments = write(tmp_path, GOOD_COURSES, GOOD_ASSESSMENTS)
    prepared = prepare_import(courses, assessments, study_codes=True)
    assert prepared.frames is not None
    store = UserStore(user_db)
    sid = store.apply_import(local_principal(), "Ours", prepared.frames, pseudonymised=False)
    return store, sid.series_id


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def _page(app, patient: str):
    at = _ok(app().run())
    _ok(at.switch_page(PAGE).run())
    sid = at.selectbox(key="fu_series").value
    _ok(at.selectbox(key=f"fu_patient_{sid}").set_value(patient).run())
    return at


def _course(store: UserStore, sid: str, pid: str, no: int) -> pd.Series:
    c = store.series_frames(local_principal(), sid).courses
    return c[(c["patient_id"] == pid) & (c["course_no"] == no)].iloc[0]


def test_relapse_by_date_history_and_undo(app, series):
    store, sid = series
    at = _page(app, "S01")
    _ok(at.radio(key="fu_kind").set_value("relapse").run())
    _ok(at.selectbox(key="fu_course").set_value(2).run())
    _ok(at.radio(key="fu_how").set_value("date").run())
    # S01's first RT started on 2023-03-01; 2023-06-29 is 30 + 31 + 30 + 28 + 1 = 120 days later.
    at.date_input(key="fu_first_rt").set_value(dt.date(2023, 3, 1))
    at.date_input(key="fu_date").set_value(dt.date(2023, 6, 29))
    _ok(at.button(key="fu_save").click().run())
    assert at.success and "Saved" in at.success[0].value
    assert _course(store, sid, "S01", 2)["relapse_day"] == 120
    history = page_table(at, *HISTORY_COLUMNS)
    latest = history.iloc[0]
    assert latest["kind"] == "follow-up"
    assert latest["by"] == local_principal().user_id
    assert (latest["row"], latest["column"], latest["old -> new"]) == (
        "patient S01, course 2",
        "relapse_day",
        "(empty) -> 120",
    )
    # Undo asks first; Cancel keeps the entry.
    _ok(at.button(key="fu_undo_ask").click().run())
    _ok(at.button(key="fu_undo_cancel").click().run())
    assert _course(store, sid, "S01", 2)["relapse_day"] == 120
    _ok(at.button(key="fu_undo_ask").click().run())
    _ok(at.button(key="fu_undo_yes").click().run())
    assert at.success and "undone" in at.success[0].value
    assert pd.isna(_course(store, sid, "S01", 2)["relapse_day"])
    history = page_table(at, *HISTORY_COLUMNS)
    assert list(history["kind"][:2]) == ["undo", "follow-up"]
    assert history.iloc[0]["old -> new"] == "120 -> (empty)"
    assert history.iloc[1]["undone"] == f"by entry {history.iloc[0]['entry']}"
    assert "fu_undo_ask" not in {b.key for b in at.button}  # nothing left to undo


def test_an_entry_against_the_rules_is_refused_with_its_problem(app, series):
    store, sid = series
    at = _page(app, "S01")
    _ok(at.radio(key="fu_kind").set_value("relapse").run())
    _ok(at.selectbox(key="fu_course").set_value(2).run())
    # Course 2 starts on day 33 and has no maximum response: a relapse on day 10 is impossible.
    at.number_input(key="fu_day_relapse").set_value(10)  # in the form: sent with Save
    _ok(at.button(key="fu_save").click().run())
    assert at.error and "Nothing was written" in at.error[0].value
    problems = list(page_table(at, "problem")["problem"])
    assert any("relapse of pain (day 10) is before RT start (day 33)" in p for p in problems)
    assert pd.isna(_course(store, sid, "S01", 2)["relapse_day"])
    assert len(store.history(local_principal(), sid).drop_duplicates("batch_id")) == 1


def test_an_assessment_by_day(app, series):
    store, sid = series
    at = _page(app, "S01")
    _ok(at.selectbox(key="fu_course").set_value(1).run())
    at.number_input(key="fu_day_assessment").set_value(40)
    at.number_input(key="fu_nrs").set_value(4)
    at.text_input(key="fu_drug").set_value("morphine")
    at.number_input(key="fu_mg").set_value(30.0)
    at.selectbox(key="fu_route").set_value("oral")
    _ok(at.button(key="fu_save").click().run())
    # The confirmation repeats what was stored, value by value.
    said = "assessment, patient S01, course 1, day 40: NRS 4, morphine 30 mg/day oral"
    assert f"({md(said)})" in at.success[0].value  # as markdown source: the ':' is escaped
    a = store.series_frames(local_principal(), sid).assessments
    new = a[(a["patient_id"] == "S01") & (a["course_no"] == 1) & (a["assessment_no"] == 3)]
    assert new[
        ["day", "nrs", "opioid_drug", "opioid_mg_per_day", "opioid_route"]
    ].values.tolist() == [[40, 4, "morphine", 30.0, "oral"]]


def test_the_same_assessment_saved_twice_is_refused_the_second_time(app, series):
    store, sid = series
    at = _page(app, "S01")
    _ok(at.selectbox(key="fu_course").set_value(1).run())
    for _ in range(2):
        at.number_input(key="fu_day_assessment").set_value(40)
        at.number_input(key="fu_nrs").set_value(4)
        _ok(at.button(key="fu_save").click().run())
    assert at.error and at.error[0].value.startswith("Not saved: 1 problem. Nothing was written")
    assert list(page_table(at, "problem")["problem"]) == [
        "patient S01, course 1, day 40: the same assessment is already stored (assessment 3)"
    ]
    a = store.series_frames(local_principal(), sid).assessments
    assert len(a[(a["patient_id"] == "S01") & (a["day"] == 40)]) == 1
    assert len(store.history(local_principal(), sid).drop_duplicates("batch_id")) == 2


# Codes a hospital could use as numbers: the import replaces them by pseudonyms.
HOSPITAL = {"S01": "40012345", "S02": "40067890"}


def _hospital_coded(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        for code, number in HOSPITAL.items():
            line = line.replace(code, number)
        out.append(line)
    return out


def test_no_calendar_date_or_original_code_in_the_user_database(app, user_db):
    at = _ok(app().run())
    _ok(at.switch_page("pages/own_import.py").run())
    courses = csv_text(COURSE_HEADER, _hospital_coded(GOOD_COURSES)).encode()
    assessments = csv_text(ASSESSMENT_HEADER, _hospital_coded(GOOD_ASSESSMENTS)).encode()
    at.file_uploader(key="oi_courses_0").upload("ward.csv", courses, "text/csv")
    at.file_uploader(key="oi_assessments_0").upload("ward_a.csv", assessments, "text/csv")
    _ok(at.run())
    _ok(at.button(key="oi_commit").click().run())
    assert at.success and any("pseudonym key" in w.value for w in at.warning)
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download the pseudonym key (CSV)"
    ]
    _ok(at.button(key="oi_again").click().run())
    # A follow-up entry by date and its undo, on the first pseudonym.
    _ok(at.switch_page(PAGE).run())
    _ok(at.radio(key="fu_kind").set_value("last_contact").run())
    _ok(at.radio(key="fu_how").set_value("date").run())
    at.date_input(key="fu_first_rt").set_value(dt.date(2023, 3, 1))
    at.date_input(key="fu_date").set_value(dt.date(2023, 9, 15))
    _ok(at.button(key="fu_save").click().run())
    assert at.success
    _ok(at.button(key="fu_undo_ask").click().run())
    _ok(at.button(key="fu_undo_yes").click().run())
    store = UserStore(user_db)
    listing = store.own_series(local_principal())
    assert bool(listing.iloc[0]["pseudonymised"])
    ids = set(
        store.series_frames(local_principal(), listing.iloc[0]["series_id"]).patients["patient_id"]
    )
    assert ids == {"P001", "P002"}
    _scan(user_db)


def _scan(user_db: str) -> None:
    """Every text value of every table: no calendar date (the times of the writes themselves
    excepted) and none of the original patient codes."""
    own_times = {("audit", "at_utc"), ("change_batches", "at_utc")}
    with eng.reading(eng.locate(user_db)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                sa.text(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                )
            )
        ]
        seen = 0
        for table in tables:
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")).mappings():  # noqa: S608
                for column, value in row.items():
                    if not isinstance(value, str) or (table, column) in own_times:
                        continue
                    seen += 1
                    assert not DATE.search(value), (table, column, value)
                    for code in HOSPITAL.values():
                        assert code not in value, (table, column, value)
    assert "own_patients" in tables and seen > 0


def test_a_change_written_elsewhere_shows_on_the_next_run(app, series):
    """Another app process (a second replica on a team server) records follow-up: this
    process's cached copy of the series is keyed by the series' version as listed on each run,
    so the analysis pages show the new value on the next run, with no cache to clear."""
    store, sid = series
    at = _ok(app(series=sid).run())
    _ok(at.switch_page("pages/cohort.py").run())
    column = "NRS at RT completion (0–10)"
    before = page_table(at, "Site").set_index("Site")[column]
    assert pd.isna(before["S02.1"]) and before["S01.1"] == 2
    store.record_follow_up(
        local_principal(), sid, [Change.update("courses", ("S02", 1), nrs_after=0)]
    )
    after = page_table(_ok(at.run()), "Site").set_index("Site")[column]
    assert after["S02.1"] == 0 and after["S01.1"] == 2


def test_two_series_of_one_name_are_told_apart_by_owner(app, series):
    """A colleague's series shared with edit may bear the name of the user's own ('Ours'): the
    series choice listed 'Ours' twice, and an entry could be recorded in the wrong one. Each is
    shown with its owner, and the entry goes to the one chosen."""
    store, mine = series
    colleague = Principal("alice@x.org", "editor", email="alice@x.org")
    theirs = store.apply_import(
        colleague, "Ours", store.series_frames(local_principal(), mine), pseudonymised=False
    ).series_id
    store.grant(colleague, theirs, local_principal().user_id, can_edit=True)
    at = _ok(app().run())
    _ok(at.switch_page(PAGE).run())
    box = at.selectbox(key="fu_series")
    assert sorted(box.options) == sorted(
        [f"Ours (owner {local_principal().user_id})", "Ours (owner alice@x.org)"]
    )
    _ok(box.set_value(theirs).run())
    assert at.selectbox(key=f"fu_patient_{theirs}").options
