"""The template standard and its files (CSV, XLSX with drop-downs, REDCap dictionary), and reading
a REDCap raw export with repeating instruments."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from plexrt.data import own_redcap, vocab
from plexrt.data.own_template import (
    ASSESSMENT_TEMPLATE,
    COURSE_TEMPLATE,
    column,
    suggest_mapping,
)
from plexrt.data.own_template_files import data_dictionary, write_template
from plexrt.ingest import own_mapping
from plexrt.ingest.own_import import Upload, prepare_import

ISSUE_COURSE_COLUMNS = [
    "patient_id",
    "age",
    "sex",
    "primary_cancer",
    "involved_muscle",
    "plexus_level",
    "laterality",
    "intent",
    "dose_gy",
    "fractions",
    "nrs_before",
    "nrs_after",
    "rt_start_date",
    "rt_end_date",
    "max_response_date",
    "relapse_date",
    "last_contact_date",
    "death_date",
]
ISSUE_ASSESSMENT_COLUMNS = [
    "patient_id",
    "course_no",
    "assessment_date",
    "nrs",
    "opioid_drug",
    "opioid_mg_per_day",
    "opioid_route",
]


def test_columns_are_named_exactly_as_the_standard():
    assert [c.name for c in COURSE_TEMPLATE] == ISSUE_COURSE_COLUMNS
    assert [c.name for c in ASSESSMENT_TEMPLATE] == ISSUE_ASSESSMENT_COLUMNS
    patient_level = {c.name for c in COURSE_TEMPLATE if c.level == "patient"}
    assert patient_level == {
        "patient_id",
        "age",
        "sex",
        "primary_cancer",
        "last_contact_date",
        "death_date",
    }


def test_controlled_values_are_those_of_the_bundled_vocabulary():
    assert column("courses", "involved_muscle").choices == vocab.MUSCLES
    assert column("courses", "intent").choices == vocab.INTENTS
    assert column("courses", "sex").choices == vocab.SEXES
    assert column("courses", "plexus_level").choices == vocab.PLEXUS_LEVELS
    assert column("courses", "laterality").choices == vocab.LATERALITIES


def test_mapping_suggestions():
    headers = ["Study ID", "Dose (Gy)", "Gender", "Fx", "RT start", "Side", "notes"]
    assert suggest_mapping(headers, "courses") == {
        "Study ID": "patient_id",
        "Dose (Gy)": "dose_gy",
        "Gender": "sex",
        "Fx": "fractions",
        "RT start": "rt_start_date",
        "Side": "laterality",
    }


def test_csv_template_and_its_dictionary(tmp_path):
    files = write_template("csv", tmp_path / "own.csv")
    assert [f.name for f in files] == ["own.csv", "own_assessments.csv", "own_data_dictionary.csv"]
    assert (tmp_path / "own.csv").read_text() == ",".join(ISSUE_COURSE_COLUMNS) + "\n"
    assert (tmp_path / "own_assessments.csv").read_text() == ",".join(
        ISSUE_ASSESSMENT_COLUMNS
    ) + "\n"
    dd = pd.read_csv(tmp_path / "own_data_dictionary.csv", keep_default_na=False)
    row = dd[dd["column"] == "intent"].iloc[0]
    assert row["allowed values"] == "palliative (palliative); local_control (local control)"
    assert dd[dd["column"] == "rt_start_date"].iloc[0]["allowed values"].startswith("YYYY-MM-DD")
    assert len(dd) == len(data_dictionary()) == 25


def test_xlsx_template_has_sheets_and_drop_down_lists(tmp_path):
    from openpyxl import load_workbook

    (path,) = write_template("xlsx", tmp_path / "own.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["courses", "assessments", "data_dictionary"]
    ws = wb["courses"]
    assert [c.value for c in ws[1]] == ISSUE_COURSE_COLUMNS
    lists = {
        str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"
    }
    assert lists["E2:E5000"] == '"psoas,piriformis"'  # involved_muscle is column E
    assert lists["H2:H5000"] == '"palliative,local_control"'
    whole = {
        str(dv.sqref): (dv.formula1, dv.formula2)
        for dv in ws.data_validations.dataValidation
        if dv.type == "whole"
    }
    assert whole["K2:K5000"] == ("0", "10")  # nrs_before
    r = prepare_import(path)
    assert not r.ok and any("header but no data rows" in p.message for p in r.report.problems)


def test_redcap_dictionary(tmp_path):
    (path,) = write_template("redcap", tmp_path / "dd.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert list(rows[0]) == list(own_redcap.DICTIONARY_COLUMNS)
    assert rows[0]["Variable / Field Name"] == "patient_id"  # the record ID comes first
    by = {r["Variable / Field Name"]: r for r in rows}
    assert by["rt_start_date"]["Text Validation Type OR Show Slider Number"] == "date_ymd"
    assert by["fractions"]["Text Validation Type OR Show Slider Number"] == "integer"
    assert (by["fractions"]["Text Validation Min"], by["fractions"]["Text Validation Max"]) == (
        "1",
        "40",
    )
    assert by["dose_gy"]["Text Validation Type OR Show Slider Number"] == "number"
    assert by["sex"]["Choices, Calculations, OR Slider Labels"] == "1, female | 2, male"
    assert (
        by["intent"]["Choices, Calculations, OR Slider Labels"]
        == "1, palliative | 2, local control"
    )
    assert by["intent"]["Field Type"] == "dropdown" and by["intent"]["Required Field?"] == "y"
    assert {r["Form Name"] for r in rows} == {"patient", "course", "assessment"}
    assert by["death_date"]["Form Name"] == "patient" and by["nrs"]["Form Name"] == "assessment"
    assert "patient_id" not in [r["Variable / Field Name"] for r in rows[1:]]


EXPORT_COLUMNS = (
    [
        "patient_id",
        "redcap_repeat_instrument",
        "redcap_repeat_instance",
        "age",
        "sex",
        "primary_cancer",
        "last_contact_date",
        "death_date",
        "patient_complete",
    ]
    + [c.name for c in COURSE_TEMPLATE if c.level == "course"]
    + ["course_complete"]
    + [c.name for c in ASSESSMENT_TEMPLATE if c.name != "patient_id"]
    + ["assessment_complete"]
)


def export_row(**cells: object) -> dict:
    return {c: str(cells.get(c, "")) for c in EXPORT_COLUMNS}


def redcap_export() -> bytes:
    """A raw export written by hand: codes as REDCap writes them (sex 1 = female, muscle 1 = psoas,
    level 1 = upper, side 1 = left / 2 = right, intent 1 = palliative, route 1 = oral). The course
    entered first (instance 1) started later than instance 2."""
    rows = [
        export_row(
            patient_id="R1",
            age=61,
            sex=1,
            primary_cancer="Ovarian cancer",
            last_contact_date="2023-09-01",
            patient_complete=2,
        ),
        export_row(
            patient_id="R1",
            redcap_repeat_instrument="course",
            redcap_repeat_instance=1,
            involved_muscle=1,
            plexus_level=1,
            laterality=2,
            intent=1,
            dose_gy=20,
            fractions=5,
            nrs_before=7,
            rt_start_date="2023-04-03",
            rt_end_date="2023-04-07",
            course_complete=2,
        ),
        export_row(
            patient_id="R1",
            redcap_repeat_instrument="course",
            redcap_repeat_instance=2,
            involved_muscle=1,
            plexus_level=1,
            laterality=1,
            intent=1,
            dose_gy=30,
            fractions=10,
            nrs_before=8,
            nrs_after=2,
            rt_start_date="2023-03-01",
            rt_end_date="2023-03-14",
            course_complete=2,
        ),
        export_row(
            patient_id="R1",
            redcap_repeat_instrument="assessment",
            redcap_repeat_instance=1,
            course_no=1,
            assessment_date="2023-04-03",
            nrs=7,
            opioid_drug="morphine",
            opioid_mg_per_day=60,
            opioid_route=1,
            assessment_complete=2,
        ),
    ]
    buf = io.StringIO()
    w = csv.DictWriter(buf, EXPORT_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode()


def test_a_redcap_raw_export_is_read_and_its_codes_mapped_back():
    r = prepare_import(Upload("export.csv", redcap_export()))
    assert r.ok, r.report.problems
    p = r.frames.patients.iloc[0]
    assert (p["patient_id"], p["age"], p["sex"], p["last_contact_day"]) == ("R1", 61, "F", 184)
    c = r.frames.courses.set_index("course_no")
    # Course 1 is instance 2 (started 1 March); instance 1 (3 April) becomes course 2.
    assert (c.loc[1, "laterality"], c.loc[1, "dose_gy"], c.loc[1, "rt_start_day"]) == (
        "left",
        30.0,
        0,
    )
    assert (c.loc[2, "laterality"], c.loc[2, "rt_start_day"]) == ("right", 33)
    assert set(c["involved_muscle"]) == {"psoas"} and set(c["intent"]) == {"palliative"}
    a = r.frames.assessments.iloc[0]
    assert (a["course_no"], a["day"], a["opioid_route"]) == (2, 33, "oral")
    assert any("REDCap" in n for n in r.report.notices)
    assert any("renumbered" in n for n in r.report.notices)


def test_redcap_problems_point_to_the_patient_row():
    data = redcap_export().replace(b"R1,,,61,1,", b"R1,,,61,7,")  # sex code 7 does not exist
    r = prepare_import(Upload("export.csv", data))
    assert [(p.line, p.column, p.value) for p in r.report.problems] == [(2, "sex", "7")]


def test_a_redcap_export_headed_by_labels_is_refused_asking_for_the_raw_export():
    """REDCap's 'CSV (labels)' export heads its columns with the labels ('Repeat Instrument',
    'Patient code'): it was taken for a plain courses file, its mapping offered, and refused with
    a required column missing for each template column. Now one problem says what it is."""
    header, *rows = redcap_export().decode().splitlines()
    label = {
        "redcap_repeat_instrument": "Repeat Instrument",
        "redcap_repeat_instance": "Repeat Instance",
    }
    label |= {c.name: c.label for c in (*COURSE_TEMPLATE, *ASSESSMENT_TEMPLATE)}
    named = [label.get(h, h) for h in header.split(",")]
    assert "Repeat Instrument" in named and "Patient code" in named
    data = "\n".join([",".join(named), *rows]).encode() + b"\n"
    r = prepare_import(Upload("export.csv", data))
    assert not r.ok
    # One problem: nothing about what the labels hold ('Assessment date' read as an identifier,
    # REDCap's repeated 'Complete?' headers), which an export with variable names does not have.
    (labels,) = r.report.problems
    assert (labels.line, labels.column) == (1, "Repeat Instrument") and "raw data" in labels.message
    assert own_mapping.file_headers(data, "export.csv") == {}  # no mapping of labels offered


def test_a_redcap_course_without_its_patient_row_says_so():
    """A course whose record has no patient row (the patient instrument never saved, or the
    record ID typed otherwise) was refused only as 'primary_cancer is empty', a field the row
    does not hold; now the course's line says the patient row is missing."""
    header, patient, *rest = redcap_export().decode().splitlines()
    assert patient.startswith("R1,,")
    data = "\n".join([header, *rest]).encode() + b"\n"
    r = prepare_import(Upload("export.csv", data))
    found = [(p.line, p.column, p.message) for p in r.report.problems]
    # the file's lines are now: 1 header, 2 and 3 the courses, 4 the assessment
    assert (
        2,
        "patient_id",
        "this record has no patient row (its patient instrument) in the export",
    ) in found
    assert (
        3,
        "patient_id",
        "this record has no patient row (its patient instrument) in the export",
    ) in found


def test_a_redcap_patient_field_wrong_once_is_one_problem():
    """The patient's row holds last_contact_date once; it is joined to each of the patient's two
    courses, and a date written day/month/year was reported twice for the one cell."""
    data = redcap_export().replace(b"2023-09-01", b"01-09-2023")
    assert data.count(b"01-09-2023") == 1
    r = prepare_import(Upload("export.csv", data))
    assert [(p.line, p.column) for p in r.report.problems] == [(2, "last_contact_date")]
    assert len(r.report.frame()) == 1


@pytest.mark.parametrize(
    ("column", "value"), [("patient_name", "Jane Doe"), ("mrn", "7654321"), ("dob", "1950-01-01")]
)
def test_a_redcap_export_with_an_identifier_column_is_refused(column, value):
    """A REDCap export is split into the template's fields, dropping the others: a name, record
    number or birth date column went through unrefused, where a CSV or XLSX holding it is
    refused (deidentify: whatever the column would be used for)."""
    header, *rows = redcap_export().decode().splitlines()
    text = "\n".join([f"{header},{column}", *(f"{r},{value}" for r in rows)]) + "\n"
    r = prepare_import(Upload("export.csv", text.encode()))
    assert not r.ok
    assert [(p.line, p.column) for p in r.report.problems] == [(1, column)]
    assert "direct identifier" in r.report.problems[0].message


@pytest.mark.parametrize("column_name", ["redcap_event_name"])
def test_longitudinal_redcap_projects_are_refused(column_name):
    text = redcap_export().decode().replace("patient_id,", f"patient_id,{column_name},", 1)
    lines = text.splitlines()
    text = "\n".join(
        [lines[0]] + [line.replace("R1,", "R1,baseline_arm_1,", 1) for line in lines[1:]]
    )
    r = prepare_import(Upload("export.csv", text.encode()))
    assert any("longitudinal" in p.message for p in r.report.problems)


def test_redcap_course_number_problems_name_the_repeat_instance_column():
    """REDCap's course number lives in redcap_repeat_instance: a problem with it names that
    column, the one the user can find in the export (not the template's course_no)."""
    data = redcap_export().replace(b"R1,course,1,", b"R1,course,x,")
    assert data != redcap_export()
    r = prepare_import(Upload("export.csv", data))
    problems = [(p.line, p.column, p.message) for p in r.report.problems]
    assert problems[0] == (3, "redcap_repeat_instance", "is not a number")
    # The assessment on line 5 names course 1, which is now unreadable: reported under the
    # assessment instrument's own course_no field.
    assert problems[1:] == [(5, "course_no", "this patient has no course with this number")]
