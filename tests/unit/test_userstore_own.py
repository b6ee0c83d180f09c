"""Own series in the user store on both backends: import whole or not at all, identical re-import
changes nothing, an updated import and follow-up keep their history, undo walks it back."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import sqlalchemy as sa

from plexrt.data.access import Principal
from plexrt.data.own_schema import TABLES, OwnSeriesFrames
from plexrt.data.userstore import Change, NothingToUndo, SeriesInvalid, UserStore
from plexrt.data.userstore import engine as eng
from tests.unit.own_frames import make_frames

ANN = Principal("ann", "editor")
ADMIN = Principal("boss", "admin")


def _sorted(frames: OwnSeriesFrames) -> dict[str, pd.DataFrame]:
    return {
        t: frames.table(t).sort_values(list(key)).reset_index(drop=True)
        for t, (_, key) in TABLES.items()
    }


def assert_same_series(got: OwnSeriesFrames, expected: OwnSeriesFrames) -> None:
    want = _sorted(expected.conformed())
    for table, frame in _sorted(got).items():
        pd.testing.assert_frame_equal(frame, want[table], check_dtype=True)


def _count(user_db: str, sql: str) -> int:
    with eng.reading(eng.locate(user_db)) as conn:
        return int(conn.execute(sa.text(sql)).scalar())


def test_import_round_trip(user_db):
    us = UserStore(user_db)
    frames = make_frames(8)
    result = us.apply_import(ANN, "Our series", frames, pseudonymised=True, institution="RT dept")
    assert result.created and result.batch_id is not None
    sizes = (len(frames.patients), len(frames.courses), len(frames.assessments))
    assert (result.patients, result.courses, result.assessments) == sizes
    assert_same_series(us.series_frames(ANN, result.series_id), frames)
    listed = us.own_series(ANN).iloc[0]
    assert (listed["name"], listed["owner"], listed["sharing"]) == ("Our series", "ann", "private")
    assert (listed["n_patients"], listed["n_courses"]) == sizes[:2]
    assert bool(listed["pseudonymised"]) and bool(listed["can_edit"])
    entry = us.audit_log(ADMIN).iloc[0]
    assert (entry["action"], entry["actor"], entry["series_id"]) == (
        "import",
        "ann",
        result.series_id,
    )


def test_identical_reimport_changes_nothing(user_db):
    us = UserStore(user_db)
    frames = make_frames(5)
    first = us.apply_import(ANN, "S", frames, pseudonymised=False)
    # The same rows in another order are the same series.
    shuffled = OwnSeriesFrames(*(frames.table(t).iloc[::-1] for t in TABLES))
    again = us.apply_import(ANN, "S", shuffled, pseudonymised=False)
    assert again.unchanged and again.series_id == first.series_id and not again.created
    assert _count(user_db, "SELECT count(*) FROM change_batches") == 1
    assert us.verify_audit().entries == 1


def test_updated_import_records_what_changed(user_db):
    us = UserStore(user_db)
    old = make_frames(5)
    sid = us.apply_import(ANN, "S", old, pseudonymised=False).series_id
    courses = old.courses.copy()
    courses.loc[0, "nrs_after"] = 1 if courses.loc[0, "nrs_after"] != 1 else 2
    courses.loc[1, "relapse_day"] = 321
    extra_patient = old.patients.iloc[[0]].assign(patient_id="S999999")
    extra_course = old.courses.iloc[[0]].assign(patient_id="S999999", course_no=1)
    new = OwnSeriesFrames(
        pd.concat([old.patients, extra_patient], ignore_index=True),
        pd.concat([courses, extra_course], ignore_index=True),
        old.assessments.iloc[1:],  # the first assessment removed
    )
    result = us.apply_import(ANN, "S", new, pseudonymised=False)
    assert (result.rows_added, result.rows_changed, result.rows_removed, result.cells_changed) == (
        2,
        2,
        1,
        2,
    )
    assert_same_series(us.series_frames(ANN, sid), new)
    hist = us.history(ANN, sid)
    cells = hist[(hist["batch_id"] == result.batch_id) & (hist["change_kind"] == "changed")]
    relapse = cells[cells["column_name"] == "relapse_day"].iloc[0]
    assert relapse["patient_id"] == old.courses.loc[1, "patient_id"]
    want_old = old.courses.loc[1, "relapse_day"]
    assert relapse["old_value"] == (None if pd.isna(want_old) else int(want_old))
    assert relapse["new_value"] == 321 and relapse["actor"] == "ann"


def _bad_frames() -> OwnSeriesFrames:
    good = make_frames(4)
    courses = good.courses.astype(object)
    courses.loc[0, "nrs_before"] = "x"
    courses.loc[1, "intent"] = "curative"
    courses.loc[2, "dose_gy"] = None
    patients = good.patients.astype(object)
    patients.loc[0, "primary_cancer"] = "seen 2021-03-04"
    unknown = good.courses.iloc[[0]].assign(patient_id="NOBODY")
    duplicate = good.courses.iloc[[3]]
    return OwnSeriesFrames(patients, pd.concat([courses, unknown, duplicate]), good.assessments)


def test_an_invalid_series_is_refused_whole_with_every_problem(user_db):
    us = UserStore(user_db)
    with pytest.raises(SeriesInvalid) as info:
        us.apply_import(ANN, "Bad", _bad_frames(), pseudonymised=False)
    text = "\n".join(info.value.messages)
    # Each problem names its row by position and by key, so it can be found in any view.
    assert "courses, nrs_before: is not a whole number (row 1: patient S000000, course 1)" in text
    assert (
        "courses, intent: is not one of: palliative, local_control "
        "(row 2: patient S000000, course 2)"
    ) in text
    assert "courses, dose_gy: is required but empty (row 3: patient S000001, course 1)" in text
    assert "patients, primary_cancer: looks like a calendar date" in text
    assert "(row 1: patient S000000)" in text
    assert "repeats a row already given (same key) (row 9: patient S000001, course 2)" in text
    for table in ("own_series", "own_patients", "own_courses", "audit", "change_batches"):
        assert _count(user_db, f"SELECT count(*) FROM {table}") == 0  # noqa: S608


def test_a_validator_refusal_writes_nothing(user_db):
    us = UserStore(user_db)
    seen = []

    def rules(frames):
        seen.append(len(frames.courses))
        return ["courses row 1, relapse_day: relapse before response"]

    frames = make_frames(3)
    with pytest.raises(SeriesInvalid, match="relapse before response"):
        us.apply_import(ANN, "S", frames, pseudonymised=False, validate=rules)
    assert seen == [len(frames.courses)]  # the whole series was checked
    assert us.own_series(ADMIN).empty


def test_follow_up_history_and_undo(user_db):
    us = UserStore(user_db)
    frames = make_frames(4)
    sid = us.apply_import(ANN, "S", frames, pseudonymised=False).series_id
    pid = frames.courses.loc[0, "patient_id"]
    batch = us.record_follow_up(
        ANN,
        sid,
        [
            Change.update("courses", (pid, 1), relapse_day=400),
            Change.add("assessments", (pid, 1, 9), day=120, nrs=2, opioid_drug="morphine"),
            Change.update("patients", (pid,), last_contact_day=900),
        ],
    )
    after = us.series_frames(ANN, sid)
    assert after.courses.set_index(["patient_id", "course_no"]).loc[(pid, 1), "relapse_day"] == 400
    added = after.assessments.set_index(["patient_id", "course_no", "assessment_no"]).loc[
        (pid, 1, 9)
    ]
    assert (added["day"], added["nrs"], added["opioid_drug"]) == (120, 2, "morphine")
    assert pd.isna(added["opioid_mg_per_day"])  # not given: unknown
    hist = us.history(ANN, sid)
    mine = hist[hist["batch_id"] == batch]
    assert sorted(mine["change_kind"]) == ["added", "changed", "changed"]
    assert set(mine["actor"]) == {"ann"} and set(mine["kind"]) == {"follow_up"}
    entry = us.audit_log(ADMIN).iloc[0]
    assert (entry["action"], entry["patient_id"]) == ("follow_up", pid)
    assert '"new_value":"400"' in entry["detail"]
    # Undo restores the series as imported, and is itself a recorded batch.
    undo = us.undo_last(ANN, sid, expected_batch=batch)
    assert_same_series(us.series_frames(ANN, sid), frames)
    hist = us.history(ANN, sid)
    assert hist.loc[hist["batch_id"] == batch, "undone_by_batch"].iloc[0] == undo
    assert hist.loc[hist["batch_id"] == undo, "undoes_batch"].iloc[0] == batch
    with pytest.raises(NothingToUndo):
        us.undo_last(ANN, sid)  # only the first import is left
    assert [a for a in us.audit_log(ADMIN)["action"]] == ["undo", "follow_up", "import"]
    assert us.verify_audit().ok


def test_undo_walks_back_and_refuses_a_stale_request(user_db):
    us = UserStore(user_db)
    frames = make_frames(3)
    sid = us.apply_import(ANN, "S", frames, pseudonymised=False).series_id
    pid = frames.patients.loc[0, "patient_id"]
    first = us.record_follow_up(ANN, sid, [Change.update("patients", (pid,), last_contact_day=800)])
    second = us.record_follow_up(
        ANN, sid, [Change.update("patients", (pid,), last_contact_day=850)]
    )
    with pytest.raises(SeriesInvalid, match=f"batch {second}, not {first}"):
        us.undo_last(ANN, sid, expected_batch=first)
    us.undo_last(ANN, sid)
    assert (
        us.series_frames(ANN, sid).patients.set_index("patient_id").loc[pid, "last_contact_day"]
        == 800
    )
    us.undo_last(ANN, sid)
    assert_same_series(us.series_frames(ANN, sid), frames)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (Change.update("courses", ("NOBODY", 1), relapse_day=3), "no such row"),
        (
            Change.add(
                "patients",
                ("S000000",),
                age_90_plus=False,
                primary_cancer="X",
                primary_group="other",
            ),
            "already exists",
        ),
        (Change.add("assessments", ("S000000", 1, 99)), "day: is required but empty"),
        (
            Change.add("assessments", ("S000000", 9, 1), day=10, nrs=3),
            "is not a known course (row 4: patient S000000, course 9, assessment 1)",
        ),
        (Change.update("courses", ("S000000", 1), dose_gy=31.0), "derived dose columns"),
        (Change.update("courses", ("S000000", 1), intent=None), "intent: is required but empty"),
        (
            Change.update("courses", ("S000000", 1), nrs_after=2.5),
            "nrs_after: is not a whole number",
        ),
        (Change.update("courses", ("S000000", 1), colour="red"), "unknown column 'colour'"),
        (Change.update("courses", ("S000000", 1), patient_id="X"), "unknown column 'patient_id'"),
        (
            Change.remove("patients", ("S000000",)),
            "courses, patient_id: is not in the patients table",
        ),
        (Change("visits", ("S000000",)), "unknown table"),
    ],
)
def test_a_bad_follow_up_is_refused_and_nothing_changes(user_db, change, message):
    us = UserStore(user_db)
    frames = make_frames(3)
    sid = us.apply_import(ANN, "S", frames, pseudonymised=False).series_id
    with pytest.raises(SeriesInvalid, match=re.escape(message)):
        us.record_follow_up(ANN, sid, [change])
    assert_same_series(us.series_frames(ANN, sid), frames)
    assert us.verify_audit().entries == 1


def test_a_follow_up_that_changes_nothing_writes_nothing(user_db):
    us = UserStore(user_db)
    frames = make_frames(2)
    sid = us.apply_import(ANN, "S", frames, pseudonymised=False).series_id
    same = int(frames.patients.loc[0, "last_contact_day"])
    pid = frames.patients.loc[0, "patient_id"]
    assert (
        us.record_follow_up(ANN, sid, [Change.update("patients", (pid,), last_contact_day=same)])
        is None
    )
    assert us.verify_audit().entries == 1


def test_a_large_reimport_and_its_undo(user_db):
    """More changes than the row-by-row path takes: the series is rewritten on the bulk path."""
    us = UserStore(user_db)
    old = make_frames(1500, seed=3)
    sid = us.apply_import(ANN, "Big", old, pseudonymised=False).series_id
    courses = old.courses.copy()
    courses["nrs_after"] = (courses["nrs_after"] + 1) % 11  # every course changes
    new = old.replace(courses=courses)
    result = us.apply_import(ANN, "Big", new, pseudonymised=False)
    assert result.cells_changed == len(courses) > 2000
    assert_same_series(us.series_frames(ANN, sid), new)
    us.undo_last(ANN, sid)
    assert_same_series(us.series_frames(ANN, sid), old)


def test_delete_a_series(user_db):
    us = UserStore(user_db)
    sid = us.apply_import(ANN, "S", make_frames(2), pseudonymised=False).series_id
    us.delete_own_series(ANN, sid)
    assert us.own_series(ADMIN).empty
    for table in ("own_patients", "own_courses", "own_assessments", "change_history"):
        assert _count(user_db, f"SELECT count(*) FROM {table}") == 0  # noqa: S608
    assert list(us.audit_log(ADMIN)["action"]) == ["delete", "import"]


# A calendar date in any form PlexRT could be handed: ISO, day.month.year, month/day/year.
DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b|\b\d{1,2}[./]\d{1,2}[./](19|20)\d\d\b")


def test_no_calendar_date_anywhere_in_the_store(user_db):
    """Every text value of every table after an import, a follow-up and an undo: no date (the
    audit's own timestamps, of the write and not of a patient, are the only dates kept)."""
    us = UserStore(user_db)
    frames = make_frames(6)
    sid = us.apply_import(ANN, "S", frames, pseudonymised=True, period="2019 to 2021").series_id
    pid = frames.patients.loc[0, "patient_id"]
    us.record_follow_up(ANN, sid, [Change.update("patients", (pid,), death_day=700)])
    us.undo_last(ANN, sid)
    own_times = {("audit", "at_utc"), ("change_batches", "at_utc")}
    with eng.reading(eng.locate(user_db)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                sa.text(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                )
            )
        ]
        for table in tables:
            rows = conn.execute(sa.text(f"SELECT * FROM {table}")).mappings().all()  # noqa: S608
            for row in rows:
                for column, value in row.items():
                    if isinstance(value, str) and (table, column) not in own_times:
                        assert not DATE.search(value), (table, column, value)


def test_a_large_follow_up_rewrites_only_its_patients(user_db):
    """A follow-up larger than the row-by-row path rewrites the rows of the patients it concerns
    on the bulk path; every other patient's rows stay as they were."""
    us = UserStore(user_db)
    frames = make_frames(20)
    sid = us.apply_import(ANN, "S", frames, pseudonymised=False).series_id
    pid = frames.courses.loc[0, "patient_id"]
    many = [
        Change.add("assessments", (pid, 1, 100 + i), day=100 + i, nrs=i % 11) for i in range(2100)
    ]
    us.record_follow_up(ANN, sid, many)
    got = us.series_frames(ANN, sid)
    mine = got.assessments["patient_id"] == pid
    assert mine.sum() == (frames.assessments["patient_id"] == pid).sum() + 2100
    others = frames.replace(assessments=frames.assessments[frames.assessments["patient_id"] != pid])
    rest = got.replace(assessments=got.assessments[~mine])
    assert_same_series(rest, others)
    us.undo_last(ANN, sid)
    assert_same_series(us.series_frames(ANN, sid), frames)


def test_the_content_hash_ignores_row_order_and_sees_any_changed_cell():
    from plexrt.data.userstore.own import content_hash

    frames = make_frames(30, seed=4).conformed()
    base = content_hash(frames)
    shuffled = OwnSeriesFrames(
        *(frames.table(t).sample(frac=1, random_state=1).reset_index(drop=True) for t in TABLES)
    )
    assert content_hash(shuffled) == base
    courses = frames.courses.copy()
    courses.loc[courses.index[3], "dose_gy"] = courses["dose_gy"].iloc[3] + 1
    assert content_hash(OwnSeriesFrames(frames.patients, courses, frames.assessments)) != base
    # the same values per column, paired with other rows: another series
    swapped = frames.courses.copy()
    swapped.loc[swapped.index[:2], "dose_gy"] = [30.0, 8.0]
    swapped2 = swapped.copy()
    swapped2.loc[swapped2.index[:2], "dose_gy"] = [8.0, 30.0]
    one = content_hash(OwnSeriesFrames(frames.patients, swapped, frames.assessments))
    two = content_hash(OwnSeriesFrames(frames.patients, swapped2, frames.assessments))
    assert one != two


def _full_width(code: str) -> str:
    return code.translate({i: i + 0xFEE0 for i in range(0x21, 0x7F)})


def _new_patient_changes(frames: OwnSeriesFrames, code: str) -> list[Change]:
    """Follow-up adding patient ``code`` with one course, copied from the first patient."""
    p = frames.patients.iloc[0].drop("patient_id").dropna().to_dict()
    c = frames.courses.iloc[0].drop(["patient_id", "course_no"]).dropna().to_dict()
    return [Change.add("patients", (code,), **p), Change.add("courses", (code, 1), **c)]


def test_a_patient_code_respelled_is_refused_in_follow_up_and_import(user_db):
    """'Ｓ０００００0' is stored patient 'S000000' typed full-width: entered as a new patient it
    would count one patient twice. A new code that is really new is taken."""
    us = UserStore(user_db)
    frames = make_frames(3)
    sid = us.apply_import(ANN, "S", frames, pseudonymised=False).series_id
    twin = _full_width("S000000")
    with pytest.raises(SeriesInvalid, match=r"written with other characters .*\(row \d+: patient "):
        us.record_follow_up(ANN, sid, _new_patient_changes(frames, twin))
    assert_same_series(us.series_frames(ANN, sid), frames)
    us.record_follow_up(ANN, sid, _new_patient_changes(frames, "S000099"))
    assert len(us.series_frames(ANN, sid).patients) == 4
    # A whole series holding both spellings is refused too.
    both = OwnSeriesFrames(
        pd.concat([frames.patients, frames.patients.iloc[[0]].assign(patient_id=twin)]),
        pd.concat([frames.courses, frames.courses.iloc[[0]].assign(patient_id=twin)]),
        frames.assessments,
    )
    with pytest.raises(SeriesInvalid, match="written with other characters"):
        us.apply_import(ANN, "Twice", both, pseudonymised=False)
