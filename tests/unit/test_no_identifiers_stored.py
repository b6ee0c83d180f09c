"""No calendar date of a patient reaches the user store through the text kept around a series or
a board case: each attempt is refused whole, and nothing of it is written (not even an audit
entry, which could never be removed)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from plexrt.board.case import CaseInputError, make_case
from plexrt.data.access import Principal
from plexrt.data.userstore import SeriesInvalid, UserStore
from plexrt.data.userstore import engine as eng
from tests.unit.own_frames import make_frames

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
        store.apply_import(
            ANN,
            given["name"],
            make_frames(3),
            pseudonymised=False,
            institution=given["institution"],
            period=given["period"],
        )
    assert set(_rows(store).values()) == {0}


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
