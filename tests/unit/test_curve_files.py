"""Reading a digitised curve and its risk table (plexrt.data.curve_files): the common export
shapes accepted, every problem named with file, line and column."""

from __future__ import annotations

import numpy as np
import pytest

from plexrt.data.csvfile import DataError
from plexrt.data.curve_files import load_points, load_risk_table, read_points, read_risk_table
from tests.fixtures import FIXTURES

EXAMPLE = FIXTURES / "curve_example"


def messages(exc_info) -> list[str]:
    return [str(p) for p in exc_info.value.problems]


@pytest.mark.parametrize(
    "text",
    [
        "0,1\n1.5,0.9\n3,0.75\n",  # WebPlotDigitizer: no header
        "x,y\n0,1\n1.5,0.9\n3,0.75\n",  # header x,y
        "Dataset 1,\nX,Y\n0,1\n1.5,0.9\n3,0.75\n",  # two header lines
        "time;survival\n0;1\n1,5;0,9\n3;0,75\n",  # semicolons, decimal commas
        "0\t1\n1,5\t0,9\n3\t0,75\n",  # tabs, decimal commas
        '0,1\n"1,5","0,9"\n3,0.75\n',  # quoted decimal commas
        "\ufeff0,1\r\n\r\n1.5,0.9\r\n3,0.75,\r\n",  # BOM, CRLF, blank line, trailing comma
        "Dataset 1\nX;Y\n0;1\n1,5;0,9\n3;0,75\n",  # a title without separator above semicolons
        "Dataset 1\n0\t1\n1,5\t0,9\n3\t0,75\n",  # ... above tabs
    ],
    ids=[
        "no-header",
        "header",
        "two-headers",
        "semicolon",
        "tab",
        "quoted",
        "bom-crlf",
        "title-semicolon",
        "title-tab",
    ],
)
def test_points_common_shapes(text):
    p = read_points(text.encode("utf-8"), "pts.csv")
    np.testing.assert_allclose(p.time, [0, 1.5, 3])
    np.testing.assert_allclose(p.survival, [1, 0.9, 0.75])


def test_points_percent_sign_and_lines():
    p = read_points(b"time,survival\n0,100%\n\n2,85 %\n", "pts.csv")
    np.testing.assert_allclose(p.survival, [100, 85])  # scaling is the cleaner's job
    assert list(p.lines) == [2, 4]


def test_bad_points_file_names_every_problem():
    text = "x,y\n0,1\n1,abc\n2\n3,0.5,0.4\n4,\n"
    with pytest.raises(DataError) as info:
        read_points(text.encode(), "pts.csv")
    assert messages(info) == [
        "pts.csv, line 3, column 'survival': not a number: 'abc'",
        "pts.csv, line 4: has 1 value, expected 2: time, survival",
        "pts.csv, line 5: has 3 values, expected 2: time, survival (export one curve at a time)",
        "pts.csv, line 6, column 'survival': empty",
    ]


def test_points_need_two_and_utf8():
    with pytest.raises(DataError, match="has 1 point"):
        read_points(b"0,1\n", "pts.csv")
    with pytest.raises(DataError, match="not UTF-8"):
        read_points("0;1\n1;0,9\n".encode("utf-16"), "pts.csv")


def test_risk_table_read():
    r = read_risk_table(b"time,at_risk\n0,60\n3,39\n6,30\n", "risk.csv")
    np.testing.assert_allclose(r.time, [0, 3, 6])
    assert list(r.at_risk) == [60, 39, 30]
    r = read_risk_table(b"Time;At risk\n0;60\n1,5;52\n", "risk.csv")
    np.testing.assert_allclose(r.time, [0, 1.5])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            b"t,n\n0,60\n",
            [
                "risk.csv, line 1, column 'time': required column is missing",
                "risk.csv, line 1, column 'at_risk': required column is missing",
                "risk.csv, line 1, column 't': unknown column (expected: time, at_risk)",
                "risk.csv, line 1, column 'n': unknown column (expected: time, at_risk)",
            ],
        ),
        (
            b"time,at_risk\n0,60\n3,6.5\n6,-1\nx,3\n",
            [
                "risk.csv, line 3, column 'at_risk': must be a whole number 0 or more, got '6.5'",
                "risk.csv, line 4, column 'at_risk': must be a whole number 0 or more, got '-1'",
                "risk.csv, line 5, column 'time': must be a number 0 or more, got 'x'",
            ],
        ),
        (
            b"time,at_risk\n1,60\n3,61\n3,50\n",
            [
                "risk.csv, line 2, column 'time': the first row must be time 0",
                "risk.csv, line 3, column 'at_risk': 61 is more than the previous row's 60",
                "risk.csv, line 4, column 'time': 3 is not after the previous row's 3",
            ],
        ),
        (b"time,at_risk\n", ["risk.csv: has no rows"]),
        (b"", ["risk.csv: file is empty"]),
    ],
    ids=["header", "values", "order", "no-rows", "empty"],
)
def test_bad_risk_table_names_every_problem(text, expected):
    with pytest.raises(DataError) as info:
        read_risk_table(text, "risk.csv")
    got = messages(info)
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.startswith(e), (g, e)


def test_fixture_files_and_missing_file(tmp_path):
    p = load_points(EXAMPLE / "points.csv")
    r = load_risk_table(EXAMPLE / "risk.csv")
    assert p.time.size == 250 and p.survival.max() > 1.5  # percent, as exported
    assert list(r.time) == [0, 3, 6, 9, 12, 15, 18] and r.at_risk[0] == 60
    with pytest.raises(DataError, match="file is missing"):
        load_points(tmp_path / "nope.csv")


def test_a_mistyped_point_in_the_first_lines_is_reported_not_taken_for_a_header():
    # "3,O.8" (a letter O) below the header was read as a second header line and dropped: the
    # curve lost its step at 3 without a word. A line holding a number is a point.
    with pytest.raises(DataError) as info:
        read_points(b"time,survival\n3,O.8\n6,0.5\n12,0.3\n", "pts.csv")
    assert messages(info) == ["pts.csv, line 2, column 'survival': not a number: 'O.8'"]
    with pytest.raises(DataError) as info:
        read_points(b"nan,1\n3,0.8\n6,0.5\n", "pts.csv")
    assert messages(info) == ["pts.csv, line 1, column 'time': not a number: 'nan'"]


def test_a_risk_table_with_a_repeated_header_is_refused_naming_it():
    """'time,at_risk,time': the row was read by name, so the second 'time' (1) hid the first (0)
    and the refusal said the first row must be time 0, on a row that starts with 0."""
    with pytest.raises(DataError) as exc_info:
        read_risk_table(b"time,at_risk,time\n0,30,1\n10,15,11\n", "r.csv")
    assert [(p.line, p.column, p.message) for p in exc_info.value.problems] == [
        (1, "time", "the header appears more than once (columns 1, 3)")
    ]


def test_a_curve_file_over_its_size_limit_is_refused_before_it_is_read(tmp_path):
    """A 75 MB file of 3 million points was read and reconstructed for minutes before any answer;
    a file over 2 MB is refused at once, from disk without reading it and as uploaded bytes."""
    line = b"0.123456,0.654321\n"
    big = line * (2 * 1024 * 1024 // len(line) + 1)
    said = f"the file is {len(big):,} bytes; at most 2,097,152 bytes (2 MB) are accepted"
    assert len(big) == 2_097_162  # 116,509 lines of 18 bytes: just over 2 MiB
    path = tmp_path / "p.csv"
    path.write_bytes(big)
    for read in (lambda: load_points(path), lambda: read_risk_table(big, "r.csv")):
        with pytest.raises(DataError) as exc_info:
            read()
        (p,) = exc_info.value.problems
        assert (p.line, p.column, p.message) == (None, None, said)
    assert len(read_points(line * 1000, "p.csv").time) == 1000  # 18 KB: read
