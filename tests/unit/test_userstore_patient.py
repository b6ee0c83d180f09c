"""One patient of an own series read from the store on both backends (``UserStore.
patient_frames``): that patient's rows whole and nothing else, the code bound as a parameter,
and the reader's access check; the patient codes (``patient_codes``) for finding one."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.data.access import PermissionDenied, Principal
from plexrt.data.own_schema import TABLES
from plexrt.data.userstore import Change, UserStore
from tests.unit.own_frames import make_frames

ANN = Principal("ann", "editor")
BOB = Principal("bob", "viewer")


def _rows(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    return frame.sort_values(list(key)).reset_index(drop=True)


@pytest.fixture
def stored(user_db):
    store = UserStore(user_db)
    frames = make_frames(30, seed=3)
    sid = store.apply_import(ANN, "S", frames, pseudonymised=False).series_id
    return store, sid


def test_one_patient_is_read_whole_and_alone(stored):
    store, sid = stored
    whole = store.series_frames(ANN, sid)
    pid = "S000012"
    one = store.patient_frames(ANN, sid, pid)
    for table, (_, key) in TABLES.items():
        got, every = one.table(table), whole.table(table)
        assert set(got["patient_id"]) == {pid}
        want = every[every["patient_id"] == pid]
        assert len(got) == len(want) > 0
        pd.testing.assert_frame_equal(_rows(got, key), _rows(want, key))


def test_a_follow_up_entry_shows_in_the_next_read(stored):
    store, sid = stored
    store.record_follow_up(
        ANN, sid, [Change.update("patients", ("S000003",), last_contact_day=999)]
    )
    assert store.patient_frames(ANN, sid, "S000003").patients["last_contact_day"].tolist() == [999]


@pytest.mark.parametrize("code", ["S99", "s000012", "S000012 ", "S%", "S00001_", "' OR '1'='1"])
def test_a_code_the_series_does_not_hold_reads_no_row(stored, code):
    """Only the code as stored matches (no case folding, no wildcard, no SQL from the code)."""
    store, sid = stored
    one = store.patient_frames(ANN, sid, code)
    assert all(one.table(t).empty for t in TABLES)
    assert list(one.courses.columns) == list(store.series_frames(ANN, sid).courses.columns)


def test_patient_codes_are_every_code_of_the_series(stored):
    store, sid = stored
    other = store.apply_import(ANN, "T", make_frames(4, prefix="T"), pseudonymised=False)
    assert sorted(store.patient_codes(ANN, sid)) == [f"S{i:06d}" for i in range(30)]
    assert sorted(store.patient_codes(ANN, other.series_id)) == [f"T{i:06d}" for i in range(4)]


def test_a_series_not_shared_is_not_read(stored):
    store, sid = stored
    with pytest.raises(PermissionDenied):
        store.patient_frames(BOB, sid, "S000001")
    with pytest.raises(PermissionDenied):
        store.patient_codes(BOB, sid)
