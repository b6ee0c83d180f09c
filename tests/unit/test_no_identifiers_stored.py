"""No calendar date of a patient, and no identifier PlexRT can see, reaches the user store through
the text kept around a series or a board case: each attempt is refused whole, and nothing of it is
written (not even an audit entry, which could never be removed)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from plexrt.board.case import CaseInputError, make_case
from plexrt.data.access import Principal
from plexrt.data.deidentify import IDENTIFIER_MESSAGE
from plexrt.data.text_limits import DATE_MESSAGE
from plexrt.data.userstore import Change, SeriesInvalid, UserStore
from plexrt.data.userstore import engine as eng
from plexrt.ingest.own_import import prepare_import
from tests.unit.own_files import course_row, write
from tests.unit.own_frames import import_described, make_frames

ANN = Principal("ann", "editor")
TABLES = ("own_series", "own_patients", "user_cases", "change_batches", "audit")


def _rows(store: UserStore) -> dict[str, int]:
    with eng.reading(store.location) as conn:
        return {
            t: int(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar())  # noqa: S608
            for t in TABLES
        }


@pytest.fixture
def store(tmp_path) -> UserStore:
    return UserStore(str(tmp_path / "user.duckdb"))


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("name", "Smith_John_1970-01-01"),  # the Import page proposed the file's name
        ("institution", "RT dept, seen 04.03.2021"),
        ("period", "2019-01-01 to 2021-12-31"),
    ],
)
def test_a_series_record_holds_no_calendar_date(store, field, text):
    """The name, institution and period were stored as given, and the name copied into the
    audit trail: a file named for its patient kept that patient's date of birth for good."""
    given = {"name": "Ours", "institution": None, "period": "2019-2021", field: text}
    with pytest.raises(SeriesInvalid, match=f"{field}: looks like a calendar date"):
        import_described(store, ANN, given, n_patients=3)
    assert set(_rows(store).values()) == {0}


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("name", "Smith series j.smith@h.example"),
        ("name", "RT of MRN 4412093"),
        ("institution", "RT dept, call 020 7946 0958"),
    ],
)
def test_a_series_name_or_institution_holds_no_identifier(store, field, text):
    """An e-mail address or a number as long as a hospital or telephone number in a series' name
    or institution was stored, and the name copied into the audit trail for good, though the same
    text is refused as a primary cancer."""
    given = {"name": "Ours", "institution": None, "period": "2019-2021", field: text}
    with pytest.raises(SeriesInvalid, match=f"{field}: {IDENTIFIER_MESSAGE[:20]}"):
        import_described(store, ANN, given, n_patients=3)
    assert set(_rows(store).values()) == {0}


def test_a_period_of_two_year_ranges_is_not_taken_for_an_identifier(store):
    """A period is years: two ranges hold 16 digits, which in words would read as a number."""
    given = {"name": "Ours 2010-2015", "period": "2010-2015, 2016-2023"}
    import_described(store, ANN, given, n_patients=3)
    assert store.own_series(ANN).iloc[0]["period_text"] == "2010-2015, 2016-2023"


def test_a_column_mapping_holds_no_calendar_date(store):
    """A header chosen on the Import page for a template column is kept with the series: a header
    holding a date ('Smith John 1970-01-01' chosen as the patient code) was stored with it."""
    mapping = {"courses": {"Smith John 1970-01-01": "patient_id", "age": "age"}}
    with pytest.raises(SeriesInvalid, match="mapping header: looks like a calendar date"):
        store.apply_import(ANN, "Ours", make_frames(3), mapping=mapping, pseudonymised=False)
    assert set(_rows(store).values()) == {0}
    # the same series, its mapping's headers plain, is stored
    plain = {"courses": {"Kod": "patient_id", "age": "age"}}
    store.apply_import(ANN, "Ours", make_frames(3), mapping=plain, pseudonymised=False)
    assert _rows(store)["own_series"] == 1


def _case(**given):
    values = {
        "involved_muscle": "psoas",
        "nrs_before": "8",
        "intent": "palliative",
        "dose_gy": "30",
        "fractions": "10",
    }
    return make_case(**(values | given))


def test_a_saved_board_case_holds_no_calendar_date(store):
    """A saved case is the patient at the board: its label ('J. Smith b. 1970-01-01') and its
    primary cancer were kept as typed, date of birth included."""
    with pytest.raises(SeriesInvalid, match="label: looks like a calendar date"):
        store.save_case(ANN, _case(), label="J. Smith b. 1970-01-01")
    with pytest.raises(CaseInputError, match="primary_cancer: looks like a calendar date"):
        _case(primary_cancer="Lung cancer, seen 04.03.2021")
    assert set(_rows(store).values()) == {0}
    case_id = store.save_case(ANN, _case(primary_cancer="Lung cancer"), label="Bed 4")
    with pytest.raises(SeriesInvalid, match="label: looks like a calendar date"):
        store.relabel_case(ANN, case_id, "Bed 4, 2021-03-04")
    assert list(store.cases(ANN)["label"]) == ["Bed 4"]
    assert _rows(store)["audit"] == 1  # the save; nothing of the refused relabel


# Free text kept with a patient that holds an identifier PlexRT can see.
IDENTIFIERS = [
    "Lung cancer jane.doe@example.org",
    "Lung cancer 1234567",  # a hospital number (plain ASCII: the store's fast path)
    "Lung cancer NHS 943 476 5919",
    "Lung cancer MRN １２３４５６７",  # full-width digits
]


@pytest.mark.parametrize("text", IDENTIFIERS)
def test_free_text_of_a_patient_holds_no_identifier(store, text):
    """An e-mail address, a hospital, NHS or telephone number in a primary cancer or an opioid's
    name was stored as typed (imported, or recorded as follow-up), though the same text as a
    patient code is replaced by a pseudonym."""
    frames = make_frames(3)
    patients = frames.patients.copy()
    patients.loc[1, "primary_cancer"] = text
    with pytest.raises(SeriesInvalid, match="primary_cancer: holds an e-mail address or a number"):
        store.apply_import(ANN, "Ours", frames.replace(patients=patients), pseudonymised=False)
    assert set(_rows(store).values()) == {0}
    sid = store.apply_import(ANN, "Ours", frames, pseudonymised=False).series_id
    pid, course = frames.courses.iloc[0][["patient_id", "course_no"]]
    entry = Change.add("assessments", (pid, int(course), 99), day=400, opioid_drug=text)
    with pytest.raises(SeriesInvalid, match="opioid_drug: holds an e-mail address or a number"):
        store.record_follow_up(ANN, sid, [entry])
    assert _rows(store)["change_batches"] == 1  # the import only
    with pytest.raises(CaseInputError, match="primary_cancer: holds an e-mail address or a number"):
        _case(primary_cancer=text)


def test_the_import_reports_a_date_or_an_identifier_in_free_text_by_line(tmp_path):
    """The file's checks let a date or an identifier in a primary cancer or an opioid's name
    through (a dry run said the file would be stored, the store then refused it, or, for an
    identifier, stored it); each is now a problem of its line, the value not repeated."""
    courses, assessments = write(
        tmp_path,
        [
            course_row(patient_id="X1", primary_cancer="Lung cancer seen 2021-03-04"),
            course_row(patient_id="X2", primary_cancer="Lung cancer jane.doe@example.org"),
        ],
        ["X1,1,2022-01-10,8,morphine 07700 900123,,"],
    )
    prepared = prepare_import(courses, assessments)
    assert prepared.frames is None
    found = {(p.file, p.line, p.column, p.message, p.value) for p in prepared.report.problems}
    assert found == {
        ("courses.csv", 2, "primary_cancer", DATE_MESSAGE, ""),
        ("courses.csv", 3, "primary_cancer", IDENTIFIER_MESSAGE, ""),
        ("assessments.csv", 2, "opioid_drug", IDENTIFIER_MESSAGE, ""),
    }
