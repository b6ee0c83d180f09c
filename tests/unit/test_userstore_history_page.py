"""What the Follow-up page reads of a series' change history, on both backends: one patient's
lines or a page of the newest lines (bound code, LIMIT/OFFSET in SQL) with their count, the entry
'Undo latest entry' reverses, and the version that keys the cached patient codes (it moves only
when a patient may have been added or removed)."""

from __future__ import annotations

import pandas as pd
import pytest

from plexrt.data.access import Principal
from plexrt.data.own_schema import TABLES
from plexrt.data.userstore import Change, UserStore
from tests.unit.own_frames import make_frames

ANN = Principal("ann", "editor")


@pytest.fixture
def stored(user_db):
    store = UserStore(user_db)
    frames = make_frames(30, seed=3)
    sid = store.apply_import(ANN, "S", frames, pseudonymised=False).series_id
    return store, sid, frames


def _entry(store, sid, pid: str, day: int) -> int:
    batch = store.record_follow_up(
        ANN, sid, [Change.update("patients", (pid,), last_contact_day=day)]
    )
    assert batch is not None
    return batch


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    # the same lines and values (a column's dtype follows the values decoded from its JSON)
    def plain(df: pd.DataFrame) -> list[list[object]]:
        return [[None if pd.isna(v) else v for v in row] for row in df.astype(object).values]

    assert list(got.columns) == list(want.columns)
    assert plain(got) == plain(want)


def test_one_patients_history_is_their_lines_of_the_whole_history(stored):
    store, sid, _ = stored
    for pid, day in (("S000001", 5000), ("S000002", 5001), ("S000001", 5002)):
        _entry(store, sid, pid, day)
    whole = store.history(ANN, sid)
    assert len(whole) == 4  # the import's batch line and three values changed
    mine = store.history(ANN, sid, patient_id="S000001")
    _same(mine, whole[whole["patient_id"] == "S000001"])
    assert mine["new_value"].tolist() == [5002, 5000]  # newest first
    assert store.history_size(ANN, sid, patient_id="S000001") == 2
    assert store.history_size(ANN, sid) == 4
    # The code is bound: text that would widen the query matches no line.
    assert store.history(ANN, sid, patient_id="x' OR '1'='1").empty
    assert store.history_size(ANN, sid, patient_id="x' OR '1'='1") == 0


def test_a_page_of_the_history_is_those_lines_of_the_whole_history(stored):
    store, sid, _ = stored
    for i in range(6):
        _entry(store, sid, f"S0000{10 + i}", 6000 + i)
    whole = store.history(ANN, sid)
    assert len(whole) == 7
    _same(store.history(ANN, sid, limit=3), whole.iloc[:3])
    _same(store.history(ANN, sid, limit=3, offset=3), whole.iloc[3:6])
    _same(store.history(ANN, sid, limit=3, offset=6), whole.iloc[6:])
    assert store.history(ANN, sid, limit=3, offset=7).empty


def test_latest_undoable_walks_back_past_undone_entries_to_the_import(stored):
    store, sid, _ = stored
    assert store.latest_undoable(ANN, sid) is None  # only the import
    first = _entry(store, sid, "S000003", 5000)
    second = _entry(store, sid, "S000004", 5000)
    assert store.latest_undoable(ANN, sid) == second
    store.undo_last(ANN, sid, expected_batch=second)
    assert store.latest_undoable(ANN, sid) == first  # the undo itself is never undone
    store.undo_last(ANN, sid, expected_batch=first)
    assert store.latest_undoable(ANN, sid) is None


def test_the_codes_version_moves_only_when_a_patient_may_come_or_go(stored):
    store, sid, frames = stored
    imported = store.patient_codes_version(ANN, sid)
    assert imported == int(store.history(ANN, sid)["batch_id"].iloc[0])
    _entry(store, sid, "S000005", 5000)  # a value changed: the codes are the same
    assert store.patient_codes_version(ANN, sid) == imported
    gone = "S000006"
    fewer = frames.replace(
        **{t: frames.table(t)[frames.table(t)["patient_id"] != gone] for t in TABLES}
    )
    removed = store.apply_import(ANN, "S", fewer, pseudonymised=False).batch_id
    assert store.patient_codes_version(ANN, sid) == removed > imported
    assert gone not in store.patient_codes(ANN, sid)
    back = store.apply_import(ANN, "S", frames, pseudonymised=False).batch_id
    assert store.patient_codes_version(ANN, sid) == back > removed


def test_the_batches_are_counted_as_the_whole_history_holds_them(stored):
    store, sid, _ = stored
    first = _entry(store, sid, "S000007", 5000)
    undo = store.undo_last(ANN, sid, expected_batch=first)
    whole = store.history(ANN, sid)
    got = store.history_batches(ANN, sid)
    assert got["batch_id"].tolist() == [undo, first, int(whole["batch_id"].iloc[-1])]
    assert got["kind"].tolist() == ["undo", "follow_up", "import"]
    counted = whole.groupby("batch_id", sort=False)["table_name"].count()
    assert got["values_changed"].tolist() == counted.tolist() == [1, 1, 0]
    assert got["undone_by_batch"].tolist()[1] == undo


def test_a_history_page_and_its_count_are_read_together(stored, monkeypatch):
    """The page's 'Lines 1 to 100 of N' and its lines came from two reads: an entry saved by
    another session in between made them disagree. One transaction now; a page beyond the last
    (a scope holding fewer lines) is moved into range."""
    from plexrt.data.userstore import followup

    store, sid, _ = stored
    for i in range(4):
        _entry(store, sid, f"S0000{10 + i}", 6000 + i)
    real = followup.history

    def another_session_writes_first(*args, **kwargs):
        _entry(UserStore(store.location.shown), sid, "S000020", 7000)
        return real(*args, **kwargs)

    monkeypatch.setattr(followup, "history", another_session_writes_first)
    total, page, lines = store.history_page(ANN, sid, limit=100, page=1)
    assert (total, page, len(lines)) == (5, 1, 5)  # the import's line and four values
    monkeypatch.setattr(followup, "history", real)
    assert store.history_size(ANN, sid) == 6  # the other session's entry is stored
    total, page, lines = store.history_page(ANN, sid, limit=4, page=9)
    assert (total, page) == (6, 2)
    _same(lines, store.history(ANN, sid).iloc[4:])
    total, page, lines = store.history_page(ANN, sid, patient_id="S000010", limit=4, page=0)
    assert (total, page, len(lines)) == (1, 1, 1)
