"""The 'Follow-up' page when what an entry was typed for changes under it (issue 16 §3): the series
deleted, or its patient removed by a new import, in another session between drawing the form and
pressing Save. The page picks again on that rerun and falls back to another series or patient; the
entry must not be saved there."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.data.access import PermissionDenied, local_principal
from plexrt.data.userstore import UserDataUnavailable, UserStore
from plexrt.ingest.own_import import prepare_import
from tests.app.test_follow_up_page import PAGE, _ok
from tests.unit.own_files import GOOD_ASSESSMENTS, GOOD_COURSES, write

ME = local_principal()


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "user.duckdb"
    monkeypatch.setenv("PLEXRT_USER_DB", str(path))
    return UserStore(str(path))


def _import(store: UserStore, tmp_path, name: str, courses=GOOD_COURSES, assessments=None):
    c, a = write(tmp_path, courses, GOOD_ASSESSMENTS if assessments is None else assessments)
    prepared = prepare_import(c, a, study_codes=True)
    assert prepared.frames is not None
    return store.apply_import(ME, name, prepared.frames, pseudonymised=False).series_id


def _last_contact_typed(app, sid: str, patient: str, day: int):
    """The page on ``sid``/``patient``, a last contact on ``day`` typed but not saved yet."""
    at = _ok(app().run())
    _ok(at.switch_page(PAGE).run())
    _ok(at.selectbox(key="fu_series").set_value(sid).run())
    _ok(at.selectbox(key=f"fu_patient_{sid}").set_value(patient).run())
    _ok(at.radio(key="fu_kind").set_value("last_contact").run())
    at.number_input(key="fu_day_last_contact").set_value(day)
    return at


def _last_contacts(store: UserStore, sid: str) -> dict[str, int]:
    p = store.series_frames(ME, sid).patients
    return {
        r.patient_id: (None if pd.isna(r.last_contact_day) else int(r.last_contact_day))
        for r in p.itertuples()
    }


def _refused(at) -> None:
    assert not at.success
    assert at.error and at.error[0].value.startswith("Not saved: the entry was typed for patient")
    assert "Nothing was written" in at.error[0].value


def test_an_entry_for_a_series_deleted_meanwhile_is_not_saved_in_another(app, store, tmp_path):
    alpha = _import(store, tmp_path, "Alpha")
    beta = _import(store, tmp_path, "Beta")
    at = _last_contact_typed(app, beta, "S01", 200)
    store.delete_own_series(ME, beta)  # another session
    _ok(at.button(key="fu_save").click().run())
    _refused(at)
    assert "Beta" in at.error[0].value
    assert _last_contacts(store, alpha) == {"S01": 184, "S02": 59}
    assert len(store.history(ME, alpha).drop_duplicates("batch_id")) == 1


def test_save_after_the_only_series_was_deleted_says_nothing_was_saved(app, store, tmp_path):
    beta = _import(store, tmp_path, "Beta")
    at = _last_contact_typed(app, beta, "S01", 200)
    store.delete_own_series(ME, beta)
    _ok(at.button(key="fu_save").click().run())
    _refused(at)
    assert store.own_series(ME).empty


def test_an_entry_for_a_patient_removed_meanwhile_is_not_saved_for_another(app, store, tmp_path):
    sid = _import(store, tmp_path, "Ours")
    at = _last_contact_typed(app, sid, "S02", 190)  # a day S01 would accept
    # Another session imports the series again without S02: the patient list falls back to S01.
    only_s01 = [r for r in GOOD_COURSES if r.startswith("S01")]
    again = _import(store, tmp_path, "Ours", only_s01, [a for a in GOOD_ASSESSMENTS if "S01" in a])
    assert again == sid and set(_last_contacts(store, sid)) == {"S01"}
    _ok(at.button(key="fu_save").click().run())
    _refused(at)
    assert _last_contacts(store, sid) == {"S01": 184}


@pytest.mark.parametrize(
    ("exc", "said"),
    [
        (UserDataUnavailable("user.duckdb", "the disk is full"), "Nothing was changed."),
        (PermissionDenied(ME, "record follow-up on this series"), "Nothing was written."),
    ],
)
def test_a_failed_save_says_once_that_nothing_was_written(
    app, store, tmp_path, monkeypatch, exc, said
):
    """A store that could not be used says 'Nothing was changed.' in its own message; the page
    added ' Nothing was saved.' after it. A refusal that does not say so gets it once."""
    sid = _import(store, tmp_path, "Alpha")
    at = _last_contact_typed(app, sid, "S01", 200)

    def fail(*args, **kwargs):
        raise exc

    monkeypatch.setattr(UserStore, "record_follow_up", fail)
    _ok(at.button(key="fu_save").click().run())
    (error,) = at.error
    text = error.value.replace("\\", "")  # the page's Markdown escapes
    assert text.endswith(said)
    assert text.count("Nothing was") == 1
