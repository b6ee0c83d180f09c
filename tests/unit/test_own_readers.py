"""Reading a department's file: encodings, structure, limits and hostile content; every refusal
names the file and the line (or the cell)."""

from __future__ import annotations

import numpy as np
import pytest

from plexrt.data import own_readers
from plexrt.data.own_readers import read_upload
from plexrt.ingest.own_import import Upload, prepare_import
from tests.unit.own_files import (
    ASSESSMENT_HEADER,
    COURSE_HEADER,
    GOOD_COURSES,
    course_row,
    csv_text,
)


def body(*rows: str, header: str = COURSE_HEADER, end: str = "\n") -> bytes:
    return (end.join([header, *rows]) + end).encode("utf-8")


def test_lines_as_a_spreadsheet_shows_them_blank_lines_and_crlf():
    data = body(course_row(), "", course_row(patient_id="X2"), end="\r\n")
    r = read_upload(data, "c.csv")
    assert r.problems == []
    assert r.tables["courses"].lines.tolist() == [2, 4]


def test_a_quoted_cell_over_two_lines_keeps_physical_lines():
    quoted = course_row(primary_cancer='"Cervical\ncancer"')
    r = read_upload(body(quoted, course_row(patient_id="X2")), "c.csv")
    assert r.tables["courses"].lines.tolist() == [2, 4]
    # ... and the line break in a kept text is refused, on the row's first line
    p = prepare_import(Upload("c.csv", body(quoted)))
    assert [(x.line, x.column) for x in p.report.problems] == [(2, "primary_cancer")]


def test_latin1_is_refused_with_its_line():
    data = body(course_row(), course_row(patient_id="X2", primary_cancer="Cancer de l'ovaire é"))
    latin = data.decode("utf-8").encode("latin-1")
    (p,) = read_upload(latin, "c.csv").problems
    assert p.line == 3 and "not UTF-8" in p.message and "CSV UTF-8" in p.message
    assert "0xe9" in p.message and "(1 line affected)" in p.message


def test_utf16_and_nul_bytes_are_refused():
    (p,) = read_upload(body(course_row()).decode().encode("utf-16"), "c.csv").problems
    assert "UTF-16" in p.message
    nul = body(course_row(), course_row(patient_id="X\x002"))
    (p,) = read_upload(nul, "c.csv").problems
    assert p.line == 3 and "NUL" in p.message


def test_byte_order_mark_and_semicolons_are_read():
    data = "\ufeff".encode() + body(course_row()).replace(b",", b";")
    r = read_upload(data, "c.csv")
    assert r.problems == [] and "patient_id" in r.tables["courses"].frame.columns
    assert any("semicolons" in n for n in r.notices)


def test_unclosed_quote_and_wrong_cell_counts():
    (p,) = read_upload(body(course_row(), 'X2,"70,F'), "c.csv").problems
    assert "quote" in p.message and p.line == 3
    r = read_upload(body(course_row(), "X2,70", course_row(patient_id="X3") + ",extra"), "c.csv")
    assert sorted((p.line, p.message) for p in r.problems) == [
        (3, "this row has 2 cells, the header has 18"),
        (4, "this row has 19 cells, the header has 18"),
    ]
    assert r.tables["courses"].lines.tolist() == [2]


def test_duplicate_and_missing_headers():
    r = read_upload(body(course_row() + ",x", header=COURSE_HEADER + ",AGE"), "c.csv")
    assert any("appears twice" in p.message for p in r.problems)
    r = read_upload(body(course_row() + ",x", header=COURSE_HEADER + ","), "c.csv")
    assert any("has values but no header" in p.message for p in r.problems)


@pytest.mark.parametrize(("extra", "said"), [("patient_id", "appears twice"), ("", "no header")])
def test_a_refused_header_is_not_also_said_to_be_ignored(extra, said):
    """A repeated or empty header is refused; it was also listed as a column 'ignored (not in the
    template)' under the name the reader gave it ('patient_id (column 19)'), which contradicted
    the refusal. A column merely not in the template is still said to be ignored."""
    r = prepare_import(
        Upload("c.csv", body(course_row() + ",x", header=f"{COURSE_HEADER},{extra}"))
    )
    assert [p.message for p in r.report.problems if said in p.message]
    assert not [n for n in r.report.notices if "ignored" in n]
    r = prepare_import(Upload("c.csv", body(course_row() + ",x", header=f"{COURSE_HEADER},notes")))
    assert r.report.notices == ("c.csv: column ignored (not in the template): notes.",)


@pytest.mark.parametrize("column", ["patient_id", "primary_cancer", "age", "rt_start_date"])
@pytest.mark.parametrize(
    ("cell", "length"), [("9" * 3000, "3,000"), ("9" * 1995 + " " * 10, "2,005")]
)
def test_an_oversized_cell_is_one_problem(column, cell, length):
    """A cell over the reader's limit was refused twice: by the reader (its length) and again by
    the column's own reading ('longer than 200 characters', 'not a number', ...); also when only
    the spaces around it take it over the limit."""
    r = prepare_import(Upload("c.csv", body(course_row(**{column: cell}))))
    assert [(p.line, p.column, p.message) for p in r.report.problems] == [
        (2, column, f"the cell holds {length} characters; at most 2,000")
    ]


def test_size_row_and_cell_limits(monkeypatch):
    monkeypatch.setattr(own_readers, "MAX_FILE_BYTES", 100)
    (p,) = read_upload(body(course_row()), "c.csv").problems
    size = len(body(course_row()))
    assert p.message == f"the file is {size:,} bytes; at most 100 bytes are accepted"
    monkeypatch.undo()
    monkeypatch.setattr(own_readers, "MAX_ROWS", 2)
    r = read_upload(
        body(course_row(), course_row(patient_id="2"), course_row(patient_id="3")), "c.csv"
    )
    assert any("more than 2 data rows" in p.message for p in r.problems)
    monkeypatch.undo()
    long = course_row(primary_cancer="x" * 5000)
    (p,) = read_upload(body(long), "c.csv").problems
    assert (p.line, p.column) == (2, "primary_cancer") and "5,000 characters" in p.message
    assert len(p.value) <= 40


def test_text_over_the_kept_length_and_formulas_are_refused():
    rows = [
        course_row(primary_cancer="y" * 300),
        course_row(patient_id="=HYPERLINK(1)", laterality="right"),
    ]
    p = prepare_import(Upload("c.csv", body(*rows)))
    found = {(x.line, x.column): x.message for x in p.report.problems}
    assert "longer than 200 characters" in found[(2, "primary_cancer")]
    assert "spreadsheet formula" in found[(3, "patient_id")]


# ---- XLSX -------------------------------------------------------------------------------------


def test_lines_are_numpy_integers():
    r = read_upload(body(course_row()), "c.csv")
    assert r.tables["courses"].lines.dtype == np.int64


@pytest.mark.parametrize("text", ["", "   \n\n", "\n"])
def test_blank_files(text):
    (p,) = read_upload(text.encode(), "c.csv").problems
    assert p.message == "the file is empty"


@pytest.mark.parametrize("ending", ["\n", "", "\n,,,,,,\n\n"])
def test_a_csv_assessments_file_with_its_header_alone_is_no_assessments(ending):
    """The template's assessments.csv comes with its header alone. Given with a courses file,
    it refused the whole import ('assessments.csv, line 2: the file has a header but no data
    rows'); the same sheet of an XLSX is read as no assessments. A courses file with its header
    alone is still refused: there is nothing to import."""
    courses = csv_text(COURSE_HEADER, GOOD_COURSES).encode()
    header = (ASSESSMENT_HEADER + ending).encode()
    r = prepare_import(Upload("c.csv", courses), Upload("a.csv", header), study_codes=True)
    assert r.ok, r.report.problems
    assert (len(r.frames.courses), len(r.frames.assessments)) == (len(GOOD_COURSES), 0)
    assert "a.csv: no assessment rows; no assessments read." in r.report.notices
    alone = prepare_import(Upload("c.csv", (COURSE_HEADER + "\n").encode()))
    assert [p.message for p in alone.report.problems] == ["the file has a header but no data rows"]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_csv_title_line_without_separators_is_named_with_the_line_of_the_names(delimiter):
    """A title typed alone on the first line of a CSV (no separators after it) made the reader
    take it for a one-column header: 'the file has a header but no data rows' and 'this row has
    18 cells, the header has 1' on every line, never saying where the column names were."""
    rows = [COURSE_HEADER, *GOOD_COURSES]
    text = "Psoas RT series 2019-2024\n" + "\n".join(r.replace(",", delimiter) for r in rows)
    r = prepare_import(Upload("c.csv", (text + "\n").encode()))
    messages = [p.message for p in r.report.problems]
    assert messages == [
        "the column names (patient_id, ...) are on line 2, not on the first line: delete the "
        "lines above them and import again"
    ]
    assert r.report.problems[0].line == 1


def test_problems_of_one_line_come_in_the_order_of_their_columns(tmp_path):
    """'column 2 ...' before 'column 10 ...', as a reader counts (not as text sorts)."""
    path = tmp_path / "courses.csv"
    path.write_text("patient_id" + "," * 11 + "\nP1" + ",x" * 11 + "\n", encoding="utf-8")
    report = prepare_import(path).report
    said = [p.message for p in report.problems if "has values but no header" in p.message]
    assert said == [f"column {j} has values but no header" for j in range(2, 13)]


@pytest.mark.parametrize("note", ["plain", "two\nlines"], ids=["fast-reader", "exact-reader"])
def test_a_row_of_empty_cells_is_blank_in_both_readers(note):
    """',,,' (a spreadsheet's empty row, saved with fewer separators) is a blank row, whichever
    reader reads the file (a cell spanning lines sends it to the exact reader)."""
    rows = "patient_id,course_no,notes\nP1,1,x\n,,,\n" + f'P2,1,"{note}"\n'
    result = read_upload(rows.encode(), "c.csv")
    assert result.problems == []
    assert list(result.tables["courses"].frame["patient_id"]) == ["P1", "P2"]


@pytest.mark.parametrize(
    "end", ["2022-01-21 08:00", "2022-01-21T17:45:30", "2022-01-21 23:59:59.5"]
)
def test_a_date_with_a_time_of_day_counts_its_day(end):
    """REDCap date-time fields ('2022-01-21 08:00') were refused in a CSV ('write the date only'),
    while a date-time cell of a workbook was read as its day: both are read as their day now.
    RT 2022-01-10 to 2022-01-21: day 11 (counted by hand)."""
    plain = prepare_import(Upload("c.csv", csv_text(COURSE_HEADER, [course_row()]).encode()))
    timed = prepare_import(
        Upload("c.csv", csv_text(COURSE_HEADER, [course_row(rt_end_date=end)]).encode())
    )
    assert plain.ok and timed.ok, timed.report.problems
    assert timed.frames.courses["rt_end_day"].tolist() == [11]
    assert timed.frames.courses.equals(plain.frames.courses)


@pytest.mark.parametrize("bad", ["2022-01-21 25:00", "2022-01-21 8:00", "2022-01-21 08:00 pm"])
def test_a_time_of_day_that_is_not_one_is_refused(bad):
    r = prepare_import(
        Upload("c.csv", csv_text(COURSE_HEADER, [course_row(rt_end_date=bad)]).encode())
    )
    assert [p.message for p in r.report.problems] == [
        "is not a date written YYYY-MM-DD (with a time of day as HH:MM or HH:MM:SS, if any)"
    ]
