"""The 'Follow-up' page on a series above ``own_followup.PICK_LIST_LIMIT`` patients (a synthetic
registry of 2,016 patients): the patient is found by typing the study code (no choice listing
every code), a prefix lists the first matches with their count, the page reads that patient's
rows only, and a change written in another session shows on the next run."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.data.access import local_principal
from plexrt.data.own_schema import OwnSeriesFrames
from plexrt.data.userstore import Change, UserStore
from plexrt.ingest import own_followup as fu
from plexrt.ingest.own_import import prepare_import
from plexrt.ingest.synth import synth_registry
from tests.app.conftest import on_user_db, page_table
from tests.app.test_follow_up_page import PAGE, _ok
from tests.streamlit_markdown import as_read

ME = local_principal()


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> OwnSeriesFrames:
    """2,500 synthetic courses of two centres: 2,016 patients, C1-00001... and C2-00001..."""
    folder = tmp_path_factory.mktemp("registry")
    reg = synth_registry(2500, centres=2)
    reg.courses.to_csv(folder / "courses.csv", index=False)
    reg.assessments.to_csv(folder / "assessments.csv", index=False)
    prepared = prepare_import(folder / "courses.csv", folder / "assessments.csv", study_codes=True)
    assert prepared.frames is not None
    return prepared.frames


@pytest.fixture
def big(registry, tmp_path, monkeypatch):
    with on_user_db(monkeypatch, tmp_path / "user.duckdb") as path:
        store = UserStore(str(path))
        sid = store.apply_import(ME, "Registry", registry, pseudonymised=False).series_id
        yield store, sid


def _open(app, sid: str):
    at = _ok(app().run())
    _ok(at.switch_page(PAGE).run())
    assert at.selectbox(key="fu_series").value == sid
    return at


def _typed(at, sid: str, text: str):
    return _ok(at.text_input(key=f"fu_code_{sid}").set_value(text).run())


def _last_contact(at) -> int:
    return int(page_table(at, "patient_id", "age")["last_contact_day"].iloc[0])


def test_no_choice_lists_every_code_and_nothing_is_shown_until_a_code_is_typed(app, big):
    store, sid = big
    assert len(store.patient_codes(ME, sid)) == 2016 > fu.PICK_LIST_LIMIT
    at = _open(app, sid)
    assert f"fu_patient_{sid}" not in {s.key for s in at.selectbox}
    assert all(len(s.options) <= fu.MATCHES_SHOWN for s in at.selectbox)
    assert any("2,016 patients: type a study code" in c.value for c in at.caption)
    assert "fu_save" not in {b.key for b in at.button}  # no patient, no entry form
    assert page_table(at, *fu.HISTORY_COLUMNS).iloc[0]["kind"] == "import"  # history still shown


def test_a_prefix_lists_the_first_fifty_of_its_matches_with_their_count(app, big, registry):
    store, sid = big
    at = _typed(_open(app, sid), sid, "c1-00")  # case aside
    box = at.selectbox(key=f"fu_match_{sid}")
    codes = sorted(c for c in registry.patients["patient_id"] if c.startswith("C1-00"))
    assert len(codes) == 999
    assert box.options == codes[:50]  # natural order: fixed-width codes sort as text
    assert f"first 50 of {len(codes):,} matches" in box.label
    _ok(box.set_value("C1-00007").run())
    shown = page_table(at, "patient_id", "age")
    assert shown["patient_id"].tolist() == ["C1-00007"]


def test_an_exact_code_shows_that_patient_and_an_entry_is_saved_for_it(app, big, registry):
    store, sid = big
    p = registry.patients
    pid = str(p[p["death_day"].isna()]["patient_id"].iloc[0])
    day = int(p.loc[p["patient_id"] == pid, "last_contact_day"].iloc[0]) + 30
    at = _typed(_open(app, sid), sid, f" {pid} ")
    assert f"fu_match_{sid}" not in {s.key for s in at.selectbox}
    assert page_table(at, "patient_id", "age")["patient_id"].tolist() == [pid]
    _ok(at.radio(key="fu_kind").set_value("last_contact").run())
    at.number_input(key="fu_day_last_contact").set_value(day)
    _ok(at.button(key="fu_save").click().run())
    assert at.success and "Saved" in at.success[0].value
    assert _last_contact(at) == day
    assert store.patient_frames(ME, sid, pid).patients["last_contact_day"].tolist() == [day]
    # Undo still works from the searched page.
    _ok(at.button(key="fu_undo_ask").click().run())
    _ok(at.button(key="fu_undo_yes").click().run())
    assert at.success and "undone" in at.success[0].value
    assert _last_contact(at) == day - 30


def test_an_entry_typed_for_one_code_is_not_saved_for_the_next_code_typed(app, big, registry):
    store, sid = big
    at = _typed(_open(app, sid), sid, "C1-00004")
    _ok(at.radio(key="fu_kind").set_value("last_contact").run())
    at.number_input(key="fu_day_last_contact").set_value(900)
    at.text_input(key=f"fu_code_{sid}").set_value("C2-00001")  # changed before Save
    _ok(at.button(key="fu_save").click().run())
    assert not at.success
    assert at.error and "typed for patient C1-00004 " in as_read(at.error[0].value)
    assert len(store.history(ME, sid).drop_duplicates("batch_id")) == 1


def test_a_code_not_held_says_so_escaped(app, big):
    store, sid = big
    at = _typed(_open(app, sid), sid, "*Z9*")
    said = at.warning[0].value
    assert as_read(said) == "No patient code of this series starts with '*Z9*'."
    assert "\\*Z9\\*" in said  # escaped: not read as emphasis
    assert "fu_save" not in {b.key for b in at.button}


def test_changes_written_in_another_session_show_on_the_next_run(app, big, registry):
    store, sid = big
    at = _typed(_open(app, sid), sid, "C2-00001")
    before = _last_contact(at)
    store.record_follow_up(  # another session: this patient's rows are read again on each run
        ME, sid, [Change.update("patients", ("C2-00001",), last_contact_day=before + 1)]
    )
    assert _last_contact(_ok(at.run())) == before + 1
    # Another import adds a patient: the codes, cached by the series' last change, are read again.
    _typed(at, sid, "C3-00001")
    assert at.warning and "starts with 'C3-00001'" in as_read(at.warning[0].value)
    added = registry.patients.iloc[[0]].assign(patient_id="C3-00001")
    courses = registry.courses[registry.courses["patient_id"] == registry.patients.iloc[0, 0]]
    assessments = registry.assessments[
        registry.assessments["patient_id"] == registry.patients.iloc[0, 0]
    ]
    grown = registry.replace(
        patients=_with(registry.patients, added),
        courses=_with(registry.courses, courses.assign(patient_id="C3-00001")),
        assessments=_with(registry.assessments, assessments.assign(patient_id="C3-00001")),
    )
    store.apply_import(ME, "Registry", grown, pseudonymised=False)
    _ok(at.run())
    assert page_table(at, "patient_id", "age")["patient_id"].tolist() == ["C3-00001"]


def _with(frame: pd.DataFrame, more: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, more], ignore_index=True)


def test_the_history_shown_is_the_patients_or_a_counted_page_of_the_series(app, big, monkeypatch):
    store, sid = big
    monkeypatch.setattr(fu, "HISTORY_PAGE", 2)
    for pid, day in (("C1-00001", 5000), ("C2-00002", 5001), ("C1-00001", 5002)):
        store.record_follow_up(ME, sid, [Change.update("patients", (pid,), last_contact_day=day)])
    at = _typed(_open(app, sid), sid, "C1-00001")
    shown = page_table(at, *fu.HISTORY_COLUMNS)
    assert shown["row"].tolist() == ["patient C1-00001", "patient C1-00001"]
    assert shown["old -> new"].str.endswith(("5002", "5000")).all()
    assert "Lines 1 to 2 of 2, newest first: patient C1-00001's changes." in [
        as_read(c.value) for c in at.caption
    ]
    # The whole series: 4 lines (3 entries and the import), 2 a page, the newest page first.
    _ok(at.toggle(key="fu_history_mine").set_value(False).run())
    shown = page_table(at, *fu.HISTORY_COLUMNS)
    assert shown["row"].tolist() == ["patient C1-00001", "patient C2-00002"]
    captions = [as_read(c.value) for c in at.caption]
    assert "Lines 1 to 2 of 4, newest first: every change of the series." in captions
    page = at.number_input(key=f"fu_history_page_{sid}_None")
    assert page.label == "Page (of 2)"
    _ok(page.set_value(2).run())
    shown = page_table(at, *fu.HISTORY_COLUMNS)
    assert shown["row"].tolist() == ["patient C1-00001", ""]
    assert shown["kind"].tolist() == ["follow-up", "import"]
    assert "Lines 3 to 4 of 4, newest first: every change of the series." in [
        as_read(c.value) for c in at.caption
    ]


def test_saving_an_entry_does_not_read_the_patient_codes_again(app, big, registry, monkeypatch):
    store, sid = big
    reads = []
    codes = UserStore.patient_codes
    monkeypatch.setattr(
        UserStore, "patient_codes", lambda self, *a: reads.append(a) or codes(self, *a)
    )
    p = registry.patients
    pid = str(p[p["death_day"].isna()]["patient_id"].iloc[0])
    day = int(p.loc[p["patient_id"] == pid, "last_contact_day"].iloc[0]) + 30
    at = _typed(_open(app, sid), sid, pid)
    assert len(reads) == 1
    _ok(at.radio(key="fu_kind").set_value("last_contact").run())
    at.number_input(key="fu_day_last_contact").set_value(day)
    _ok(at.button(key="fu_save").click().run())
    assert at.success and "Saved" in at.success[0].value
    assert len(reads) == 1  # the entry changed a value, not the series' patients
