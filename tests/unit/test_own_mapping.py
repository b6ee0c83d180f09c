"""The column mapping the import page proposes and takes back (plexrt.ingest.own_mapping)."""

from __future__ import annotations

import json

from plexrt.data.own_template import COURSE_TEMPLATE
from plexrt.ingest import own_mapping as om
from tests.unit.own_files import COURSE_HEADER, GOOD_COURSES, csv_text

TEMPLATE = [c.name for c in COURSE_TEMPLATE]


def test_headers_of_a_csv_and_of_the_example_workbook():
    data = csv_text(COURSE_HEADER, GOOD_COURSES).encode()
    assert om.file_headers(data, "c.csv") == {"courses": TEMPLATE}
    from plexrt.data.paths import DEFAULT_DATA_DIR

    book = DEFAULT_DATA_DIR / "examples" / "SYNTHETIC_example.xlsx"
    heads = om.file_headers(book.read_bytes(), book.name)
    assert heads["courses"] == TEMPLATE
    assert heads["assessments"] == [
        "patient_id",
        "course_no",
        "assessment_date",
        "nrs",
        "opioid_drug",
        "opioid_mg_per_day",
        "opioid_route",
    ]


def test_a_file_that_cannot_be_read_has_no_headers():
    assert om.file_headers(b"", "empty.csv") == {}


def test_template_headers_need_no_review():
    mapping = om.proposed(TEMPLATE, "courses")
    assert mapping == {h: h for h in TEMPLATE}
    assert not om.needs_review(TEMPLATE, "courses", mapping)


def test_suggestions_by_name_are_shown_for_review():
    heads = ["Patient", "Gender", "Dose (Gy)", "Colour"]
    mapping = om.proposed(heads, "courses")
    assert mapping == {"Patient": "patient_id", "Gender": "sex", "Dose (Gy)": "dose_gy"}
    assert om.needs_review(heads, "courses", mapping)


def test_a_missing_required_column_needs_review():
    heads = [h for h in TEMPLATE if h != "intent"]
    assert om.needs_review(heads, "courses", om.proposed(heads, "courses"))


def test_the_remembered_mapping_comes_first_and_only_for_headers_in_the_file():
    heads = ["Kod", "patient_id", "age"]
    remembered = {"Kod": "patient_id", "Alter": "age", "x": "not_a_column"}
    # Kod takes patient_id (the user chose it last time), so the header patient_id is left
    # unmapped; Alter is not in this file; 'not_a_column' is not a template column.
    assert om.proposed(heads, "courses", remembered) == {"Kod": "patient_id", "age": "age"}


def test_choices_back_to_a_mapping_and_a_header_chosen_twice():
    mapping, problems = om.from_choices({"patient_id": "Kod", "age": None, "sex": "Gender"})
    assert (mapping, problems) == ({"Kod": "patient_id", "Gender": "sex"}, [])
    mapping, problems = om.from_choices({"patient_id": "Kod", "sex": "Kod"})
    assert mapping == {"Kod": "patient_id"}
    assert problems == [
        "the column 'Kod' of the file is chosen for both patient_id and sex: choose it for one only"
    ]
    assert om.by_column({"Kod": "patient_id"}) == {"patient_id": "Kod"}


def test_stored_mapping_reads_back_or_gives_nothing():
    kept = {"courses": {"Kod": "patient_id"}, "assessments": {"Datum": "assessment_date"}}
    assert om.stored_mapping(json.dumps(kept)) == kept
    for bad in (None, "", "not json", "[1, 2]", json.dumps({"other": {"a": "b"}})):
        assert om.stored_mapping(bad) == {}


def test_the_courses_table_offers_its_optional_course_number():
    names = [name for name, _, _ in om.columns("courses")]
    assert names == [*TEMPLATE, "course_no"]
    required = {name for name, _, req in om.columns("courses") if req}
    assert required == {c.name for c in COURSE_TEMPLATE if c.required}
