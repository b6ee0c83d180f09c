"""Reading a department's workbook (XLSX): cells, dates and numbers as template text, formulas,
macros, external links, bombs and damage refused, merged cells named; every refusal names the
sheet and the cell."""

from __future__ import annotations

import io
import zipfile

from plexrt.data import own_xlsx
from plexrt.data.own_readers import read_upload
from plexrt.data.own_template import ASSESSMENT_TEMPLATE
from plexrt.ingest.own_import import Upload, prepare_import
from tests.unit.own_files import (
    ASSESSMENT_HEADER,
    COURSE_HEADER,
    course_row,
)


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
    a = [ASSESSMENT_HEADER.split(",")]
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
