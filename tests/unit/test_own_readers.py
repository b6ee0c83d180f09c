"""Reading a department's file: encodings, structure, limits and hostile content; every refusal
names the file and the line (or the cell)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from plexrt.data import own_readers, own_xlsx
from plexrt.data.own_readers import read_upload
from plexrt.data.own_template import ASSESSMENT_TEMPLATE
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
def test_an_oversized_cell_is_one_problem(column):
    """A cell over the reader's limit was refused twice: by the reader (its length) and again by
    the column's own reading ('longer than 200 characters', 'not a number', ...)."""
    row = course_row(**{column: "9" * 3000})
    r = prepare_import(Upload("c.csv", body(row)))
    assert [(p.line, p.column, p.message) for p in r.report.problems] == [
        (2, column, "the cell holds 3,000 characters; at most 2,000")
    ]


def test_size_row_and_cell_limits(monkeypatch):
    monkeypatch.setattr(own_readers, "MAX_FILE_BYTES", 100)
    (p,) = read_upload(body(course_row()), "c.csv").problems
    assert "at most 0 MB" in p.message or "MB" in p.message
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


def workbook(
    rows: list[list[object]], assessments: list[list[object]] | None = None, **cells
) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "courses"
    for row in rows:
        ws.append(row)
    for ref, value in cells.items():
        ws[ref] = value
    if assessments is not None:
        wa = wb.create_sheet("assessments")
        for row in assessments:
            wa.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def header_and_row(**changes) -> list[list[object]]:
    return [COURSE_HEADER.split(","), course_row(**changes).split(",")]


def test_xlsx_cells_dates_and_numbers_become_template_text():
    import datetime as dt

    rows = header_and_row()
    rows[1][12] = dt.datetime(2022, 1, 10)  # rt_start_date as a real Excel date
    rows[1][8] = 30.0  # dose as a number
    r = read_upload(workbook(rows), "s.xlsx")
    assert r.problems == []
    frame = r.tables["courses"].frame
    assert (frame["rt_start_date"][0], frame["dose_gy"][0]) == ("2022-01-10", "30")


def test_xlsx_formula_and_error_cells_are_refused_by_cell():
    rows = header_and_row()
    data = workbook(rows, I2="=10*3")
    (p,) = read_upload(data, "s.xlsx").problems
    assert "cell I2 holds a formula" in p.message and p.line == 2
    assert p.file == "s.xlsx [courses]"


def test_xlsx_with_the_assessments_sheet():
    a = [
        [
            "patient_id",
            "course_no",
            "assessment_date",
            "nrs",
            "opioid_drug",
            "opioid_mg_per_day",
            "opioid_route",
        ]
    ]
    a.append(["X1", 1, "2022-01-10", 8, "morphine", 60, "oral"])
    r = prepare_import(Upload("s.xlsx", workbook(header_and_row(), a)))
    assert r.ok and len(r.frames.assessments) == 1


def _zip(members: dict[str, bytes], compress=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_macros_external_links_bombs_legacy_and_damage_are_refused():
    base = workbook(header_and_row())
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    macro = _zip({**members, "xl/vbaProject.bin": b"\x00" * 10})
    assert "macros" in read_upload(macro, "m.xlsx").problems[0].message
    linked = _zip({**members, "xl/externalLinks/externalLink1.xml": b"<x/>"})
    assert "external links" in read_upload(linked, "l.xlsx").problems[0].message
    bomb = _zip({**members, "xl/big.xml": b"0" * (20 * 1024 * 1024)})
    assert "zip bomb" in read_upload(bomb, "b.xlsx").problems[0].message
    legacy = own_xlsx.OLE_MAGIC + b"\x00" * 100
    assert "legacy .xls" in read_upload(legacy, "old.xls").problems[0].message
    damaged = base[:200]
    assert "damaged" in read_upload(damaged, "d.xlsx").problems[0].message


def test_xlsx_entity_expansion_is_refused_not_expanded():
    """A 'billion laughs' DTD in the sheet: defusedxml (openpyxl's parser here) refuses it."""
    base = workbook(header_and_row())
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    dtd = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = dtd + sheet.replace(b"<t>X1</t>", b"<t>&lol2;</t>")
    r = read_upload(_zip(members), "lol.xlsx")
    assert r.problems and "cannot be read as an Excel workbook" in r.problems[0].message
    assert not r.tables


def test_lines_are_numpy_integers():
    r = read_upload(body(course_row()), "c.csv")
    assert r.tables["courses"].lines.dtype == np.int64


@pytest.mark.parametrize("text", ["", "   \n\n", "\n"])
def test_blank_files(text):
    (p,) = read_upload(text.encode(), "c.csv").problems
    assert p.message == "the file is empty"


def test_xlsx_with_the_assessments_sheet_left_as_the_template_has_it():
    """Assessments are optional; the template's sheet comes with its header alone. A workbook
    with only the courses filled in was refused ('[assessments], line 2: the file has a header
    but no data rows', or 'the sheet is empty' once the header was deleted)."""
    header = [c.name for c in ASSESSMENT_TEMPLATE]
    for sheet in ([header], [], [header, [None] * len(header)]):
        r = prepare_import(Upload("s.xlsx", workbook(header_and_row(), sheet)), study_codes=True)
        assert r.ok, r.report.problems
        assert len(r.frames.courses) == 1 and r.frames.assessments.empty
        assert "s.xlsx [assessments]: no assessment rows; no assessments read." in r.report.notices


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


def test_a_title_above_the_column_names_is_named_with_the_line_of_the_names():
    """A title row above the column names (common in a department's spreadsheet) gave one
    'column N has values but no header' per column and every required column 'missing', never
    saying where the names were."""
    title = ["Psoas RT series 2019-2024"]
    data = workbook([title, [None], *header_and_row()])  # title, a blank row, then the names
    r = prepare_import(Upload("s.xlsx", data))
    first = r.report.problems[0]
    assert (first.file, first.line) == ("s.xlsx [courses]", 1)
    assert first.message.startswith("the column names (patient_id, ...) are on line 3,")
    assert not any("has values but no header" in p.message for p in r.report.problems)
    # as a spreadsheet saves it as CSV: the title row with the sheet's width of separators
    rows = [["Psoas RT series"] + [""] * 17, *header_and_row()]
    text = "\n".join(",".join(row) for row in rows) + "\n"
    r = prepare_import(Upload("c.csv", text.encode()))
    assert "are on line 2, not on the first line" in r.report.problems[0].message


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


def test_merged_cells_are_named_where_their_other_cells_read_as_empty():
    """Age merged over a patient's two courses (B2:B3) gave 'line 3, column age: differs from
    line 2' with no hint that a merged range keeps its value in its first cell only."""
    import io

    from openpyxl import Workbook, load_workbook

    header = COURSE_HEADER.split(",")
    first = course_row().split(",")
    second = course_row(rt_start_date="2022-03-01", rt_end_date="2022-03-05").split(",")
    wb = Workbook()
    ws = wb.active
    ws.title = "courses"
    for row in (header, first, second):
        ws.append(row)
    ws.merge_cells("B2:B3")  # column B is age
    buf = io.BytesIO()
    wb.save(buf)
    assert load_workbook(io.BytesIO(buf.getvalue())).active["B3"].value is None
    r = read_upload(buf.getvalue(), "s.xlsx")
    assert (
        "s.xlsx [courses]: merged cells (B2:B3); a merged range holds its value in its first "
        "cell only, and its other cells are read as empty: unmerge it and fill each cell."
    ) in r.notices
    assert r.tables["courses"].frame["age"].tolist() == ["70", ""]
    assert own_xlsx.merged_ranges(buf.getvalue(), "xl/worksheets/sheet1.xml") == ["B2:B3"]


def test_merged_ranges_are_all_found_across_read_chunks(monkeypatch):
    """The sheet's XML is read in chunks: a tag cut by a chunk's end is found whole, once."""
    import io
    import zipfile

    refs = [f"A{i}:C{i + 1}" for i in range(1, 200, 2)]
    xml = "<worksheet><mergeCells>" + "".join(f'<mergeCell ref="{r}"/>' for r in refs)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", xml + "</mergeCells></worksheet>")
    monkeypatch.setattr(own_xlsx, "_CHUNK", 37)  # shorter than one tag, and not a divisor of it
    assert own_xlsx.merged_ranges(buf.getvalue(), "/xl/worksheets/sheet1.xml") == refs
    notice = own_xlsx._merged_notice("s.xlsx [courses]", refs)
    assert "(A1:C2, A3:C4, A5:C6, A7:C8, A9:C10 and 95 more)" in notice


def test_a_file_named_as_a_workbook_that_holds_none_is_refused_as_such():
    """'courses.xlsx' that is not a workbook (cut short, or another file renamed) was read as CSV
    text: its first line became the header, and the import listed every required column as
    missing and its text as an ignored column. Now one problem says what the file is not."""
    for name in ("courses.xlsx", "C.XLSM", "old.xls"):
        p = prepare_import(Upload(name, b"not a zip\nat all\n"))
        assert [(x.file, x.line, x.column) for x in p.report.problems] == [(name, None, None)]
        suffix = name[name.rfind(".") :]
        assert p.report.problems[0].message == (
            f"the file is named {suffix} but is not an Excel workbook (damaged, cut short, or "
            "another kind of file renamed): save it again from Excel, or if it is CSV text, name "
            "it .csv and import it again"
        )
