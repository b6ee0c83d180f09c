"""Workbooks another program wrote oddly or damaged: a wrong <dimension> tag must not hide rows or
columns, a damaged sheet is one clear refusal naming the sheet, and a chart sheet is not read as
data (issue 16 §3-4)."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from plexrt.ingest.own_import import Upload, prepare_import
from tests.unit.own_files import ASSESSMENT_HEADER, COURSE_HEADER, GOOD_ASSESSMENTS, GOOD_COURSES

SHEET = "xl/worksheets/sheet1.xml"


def _rows(header: str, rows: list[str]) -> list[list[str]]:
    return list(csv.reader([header, *rows]))


def _book(chart_first: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    if chart_first:
        data = wb.create_sheet("numbers")
        data.append([1, 2, 3])
        chart = BarChart()
        chart.add_data(Reference(data, min_col=1, max_col=3, min_row=1))
        wb.create_chartsheet("Chart1", 0).add_chart(chart)
        ws.title = "Sheet1"
    else:
        ws.title = "courses"
    for row in _rows(COURSE_HEADER, GOOD_COURSES):
        ws.append(row)
    a = wb.create_sheet("assessments")
    for row in _rows(ASSESSMENT_HEADER, GOOD_ASSESSMENTS):
        a.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _patched(data: bytes, member: str, change) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            z.writestr(info, change(body) if info.filename == member else body)
    return out.getvalue()


def test_a_dimension_tag_smaller_than_the_sheet_hides_nothing():
    good = prepare_import(Upload("w.xlsx", _book()))
    assert good.ok and len(good.frames.courses) == 3
    wrong = _patched(
        _book(),
        SHEET,
        lambda b: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:C2"/>', b),
    )
    assert b'ref="A1:C2"' in zipfile.ZipFile(io.BytesIO(wrong)).read(SHEET)
    result = prepare_import(Upload("w.xlsx", wrong))
    assert result.ok, result.report.problems
    assert len(result.frames.courses) == 3
    assert result.frames.patients["death_day"].notna().sum() == 1  # the last column was read


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (rb"<t>patient_id", rb"<t>&#0;patient_id"),  # a character XML does not allow
        (rb'<c r="A2" t="inlineStr"><is><t>S01</t></is>', rb'<c r="A2" t="n"><v>S01</v>'),
        (rb'<c r="A2" t="inlineStr"><is><t>S01</t></is>', rb'<c r="A2" t="s"><v>999</v>'),
        (rb"</sheetData>", rb"</sheetDta>"),  # tags that do not match
        (rb'<row r="2"', rb'<row r="x"'),  # a row number that is not one
    ],
)
def test_a_damaged_sheet_is_one_clear_refusal(old, new):
    damaged = _patched(_book(), SHEET, lambda b: b.replace(old, new, 1))
    result = prepare_import(Upload("w.xlsx", damaged))
    assert not result.ok
    messages = [(p.file, p.message) for p in result.report.problems]
    assert ("w.xlsx [courses]", messages[0][1]) in messages
    assert "cannot be read as an Excel workbook: the sheet is damaged" in messages[0][1]


def test_a_chart_sheet_first_is_skipped_for_the_first_sheet_with_cells():
    result = prepare_import(Upload("w.xlsx", _book(chart_first=True)))
    assert result.ok, result.report.problems
    assert len(result.frames.courses) == 3
    notices = " ".join(result.report.notices)
    assert "no sheet named 'courses'; read the first visible sheet, 'Sheet1'" in notices
    assert "sheets Chart1, numbers ignored" in notices


def test_a_hidden_first_sheet_is_passed_over_for_the_first_visible_one():
    """A hidden sheet first (the lists behind drop-downs) was read as the courses: the import
    refused the file for missing columns of a sheet the user cannot see, naming no sheet. Now
    the first visible sheet is read, and the notice names it."""
    wb = Workbook()
    lists = wb.active
    lists.title, lists.sheet_state = "lists", "hidden"
    lists.append(["sex"])
    lists.append(["F"])
    data = wb.create_sheet("Données 2023")
    for row in _rows(COURSE_HEADER, GOOD_COURSES):
        data.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    result = prepare_import(Upload("w.xlsx", buf.getvalue()))
    assert result.ok, result.report.problems
    assert len(result.frames.courses) == len(GOOD_COURSES)
    notices = " ".join(result.report.notices)
    assert "read the first visible sheet, 'Données 2023'" in notices
    assert "sheet lists ignored" in notices
