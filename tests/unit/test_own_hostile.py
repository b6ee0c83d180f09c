"""Property-based tests: any bytes, any cell text, any workbook cell, any frame values give frames
or a clear refusal (problems with a message), never an exception."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plexrt.data.deidentify import identifier_category, read_key
from plexrt.data.own_readers import read_upload
from plexrt.data.own_schema import OwnSeriesFrames
from plexrt.data.own_template import COURSE_TEMPLATE
from plexrt.data.own_validation import validate_own_series
from plexrt.ingest.own_import import Upload, prepare_import
from tests.unit.own_files import COURSE_HEADER, course_row

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = [c.name for c in COURSE_TEMPLATE]


def outcome_is_clear(result) -> None:
    if result.ok:
        assert result.frames is not None and not result.report.problems
    else:
        assert result.frames is None and result.report.problems
        assert all(p.message and p.file for p in result.report.problems)


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes(data):
    read_upload(data, "any.csv")
    outcome_is_clear(prepare_import(Upload("any.csv", data)))


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_after_a_valid_header(data):
    outcome_is_clear(prepare_import(Upload("c.csv", COURSE_HEADER.encode() + b"\n" + data)))


@SETTINGS
@given(st.sampled_from(NAMES), st.text(max_size=300))
def test_any_cell_text_in_any_column(name, text):
    quoted = '"' + text.replace('"', '""') + '"'
    row = course_row(**{name: quoted})
    data = (COURSE_HEADER + "\n" + row + "\n").encode("utf-8", "surrogatepass")
    outcome_is_clear(prepare_import(Upload("c.csv", data)))


@SETTINGS
@given(st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_any_header(headers):
    outcome_is_clear(
        prepare_import(
            Upload("c.csv", ("\t".join(headers) + "\n1\n").encode("utf-8", "surrogatepass"))
        )
    )
    for h in headers:
        identifier_category(h)


CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
)


@SETTINGS
@given(st.sampled_from(range(len(NAMES))), CELL)
def test_any_workbook_cell(j, value):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "courses"
    ws.append(NAMES)
    row: list[object] = course_row().split(",")
    row[j] = value
    ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    outcome_is_clear(prepare_import(Upload("w.xlsx", buf.getvalue())))


NUMBER = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**6), 10**6)
)
TEXT = st.one_of(st.none(), st.text(max_size=30))


@SETTINGS
@given(
    st.lists(st.tuples(TEXT, NUMBER, NUMBER, NUMBER, TEXT, TEXT), min_size=0, max_size=5),
    st.lists(
        st.tuples(TEXT, NUMBER, NUMBER, NUMBER, NUMBER, NUMBER, TEXT, TEXT), min_size=0, max_size=5
    ),
)
def test_validate_any_frames(patients, courses):
    p = pd.DataFrame(
        patients,
        columns=["patient_id", "age", "last_contact_day", "death_day", "sex", "primary_cancer"],
    )
    p["age_90_plus"] = False
    p["primary_group"] = "other"
    c = pd.DataFrame(
        courses,
        columns=[
            "patient_id",
            "course_no",
            "dose_gy",
            "fractions",
            "rt_start_day",
            "rt_end_day",
            "intent",
            "involved_muscle",
        ],
    )
    for col in ("plexus_level", "laterality"):
        c[col] = None
    for col in ("nrs_before", "nrs_after", "max_response_day", "relapse_day"):
        c[col] = np.nan
    a = pd.DataFrame(
        columns=[
            "patient_id",
            "course_no",
            "assessment_no",
            "day",
            "nrs",
            "opioid_drug",
            "opioid_mg_per_day",
            "opioid_route",
        ]
    )
    problems = validate_own_series(OwnSeriesFrames(p, c, a))
    assert all(x.message for x in problems)


@SETTINGS
@given(st.binary(max_size=300))
def test_any_key_file(data):
    key, problems = read_key(data, "key.csv")
    assert isinstance(key, dict)
