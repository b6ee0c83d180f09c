"""The one CSV reader: physical line numbers, blank lines, byte-order marks, ragged rows, missing,
empty and non-UTF-8 files; typed cells against their column spec."""

from __future__ import annotations

import pytest

from plexrt.data.csvfile import header_problems, read_csv
from plexrt.data.specs import Col, FileSpec
from plexrt.data.validation import parse_cell, read_table


def test_rows_carry_their_number_and_physical_line(tmp_path):
    path = tmp_path / "t.csv"
    # a quoted cell spanning two lines (2-3), a blank line (4), a ragged row (6)
    path.write_text('a,b\n1,"two\nlines"\n\n3,x\n4\n5,y\n', encoding="utf-8")
    table, problems = read_csv(path, "t.csv")
    assert table.header == ("a", "b")
    assert [(r.number, r.line, r.cells["a"]) for r in table.rows] == [
        (1, 2, "1"),
        (2, 5, "3"),
        (4, 7, "5"),
    ]
    assert [str(p) for p in problems] == ["t.csv, line 6: has 1 fields, header has 2"]
    assert problems[0].row == 3


def test_byte_order_mark_is_not_part_of_the_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    table, problems = read_csv(path)
    assert table.header == ("a", "b") and problems == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "x.csv: file is missing"),
        (b"", "x.csv, line 1: file is empty (no header row)"),
        # a blank first line gave no header, no rows and no problem: an empty table taken as read
        (b"\n", "x.csv, line 1: the first line is blank; the column names must be on line 1"),
        (
            b"\n\na,b\n1,2\n",
            "x.csv, line 1: the first line is blank; the column names must be on line 1",
        ),
        (
            b"a,b\n\xff\xfe,1\n",
            "x.csv, line 2: not UTF-8 text (invalid start byte, byte 0xff); save the file as "
            "UTF-8 (it may be latin-1 or Windows-1252)",
        ),
    ],
)
def test_unreadable_files_give_one_problem(tmp_path, content, message):
    path = tmp_path / "x.csv"
    if content is not None:
        path.write_bytes(content)
    table, problems = read_csv(path, "x.csv")
    assert table.header == () and table.rows == ()
    assert [str(p) for p in problems] == [message]


def test_header_problems_name_missing_then_unknown_columns():
    problems = header_problems(["a", "c"], ["a", "b"], "f.csv")
    assert [str(p) for p in problems] == [
        "f.csv, line 1, column 'b': required column is missing from the header",
        "f.csv, line 1, column 'c': unknown column (expected: a, b)",
    ]


@pytest.mark.parametrize(
    ("text", "col", "expected"),
    [
        (" 7 ", Col("n", "int"), (7, None)),
        ("7.0", Col("n", "int"), (7, None)),
        ("7.5", Col("n", "int"), (None, "'7.5' is not a whole number")),
        ("", Col("n", "int", required=False), (None, None)),
        ("  ", Col("n", "int"), (None, "is empty but required")),
        ("2.5", Col("d", "float"), (2.5, None)),
        ("nan", Col("d", "float"), (None, "'nan' is not a finite number")),
        ("abc", Col("d", "float"), (None, "'abc' is not a number")),
        ("0", Col("d", "float", positive=True), (None, "0 must be positive")),
        ("11", Col("n", "int", min=0, max=10), (None, "11 is outside the allowed range 0–10")),
        ("-1", Col("n", "int", min=0), (None, "-1 is outside the allowed range >= 0")),
        ("Yes", Col("b", "bool"), (True, None)),
        ("0", Col("b", "bool"), (False, None)),
        ("maybe", Col("b", "bool"), (None, "'maybe' is not true/false")),
        ("M", Col("s", choices=("F", "M")), ("M", None)),
        ("X", Col("s", choices=("F", "M")), (None, "'X' is not one of: F, M")),
    ],
)
def test_parse_cell(text, col, expected):
    assert parse_cell(text, col) == expected


def test_read_table_reports_cells_and_duplicate_keys_in_file_order(tmp_path):
    spec = FileSpec("k.csv", "k", (Col("id"), Col("n", "int", min=0)), ("id",))
    path = tmp_path / "k.csv"
    path.write_text("id,n\na,1\nb,-2\na,3\nc\n", encoding="utf-8")
    frame, problems = read_table(path, spec, "s/k.csv")
    assert list(frame["_line"]) == [2, 3, 4]
    assert [str(p) for p in problems] == [
        "s/k.csv, line 3, column 'n': -2 is outside the allowed range >= 0",
        "s/k.csv, line 4, column 'id': duplicate a (first on line 2)",
        "s/k.csv, line 5: has 1 fields, header has 2",
    ]


# -- files that are damaged, cut short or not text: refused with the line, never read in part ----


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        # a partial copy: the last row's quoted note is cut short, the rows after it are gone
        (b'a,b\n1,"x"\n2,"a long note, cut', 3, "quoted field that starts in this row is never"),
        (b'a,b\n1,x\n\n2,"say "hi""\n', 4, "quote character inside a field that is not doubled"),
        (b"a,b\n1,x\n2,a\x00b\n", 3, "contains a NUL character"),
        ("a,b\n1,x\n2,Müller\n".encode("latin-1"), 3, "not UTF-8 text"),
        (b"a,b\n1,x\n2," + b"y" * 200_000 + b"\n", 3, "a field longer than 131,072 characters"),
    ],
)
def test_damaged_files_are_refused_with_their_line(tmp_path, content, line, message):
    path = tmp_path / "d.csv"
    path.write_bytes(content)
    table, problems = read_csv(path, "d.csv")
    assert len(problems) == 1
    assert problems[0].file == "d.csv" and problems[0].line == line
    assert message in problems[0].message


def test_count_includes_ragged_rows(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("a,b\n1,2\n3\n\n4,5\n", encoding="utf-8")
    table, problems = read_csv(path)
    assert len(table.rows) == 2 and table.count == 3 and len(problems) == 1
