"""A broken data folder stops the build with a message naming file, line and column, and never
touches an existing database."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from plexrt.cli import main as cli_main
from plexrt.data.csvfile import DataError
from plexrt.data.fingerprint import is_current
from plexrt.ingest.build import build_db


def _edit(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell (line counts the header as 1)."""
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    rows[line - 1][header.index(column)] = value
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)


def _build_error(data: Path, tmp_path: Path) -> str:
    with pytest.raises(DataError) as info:
        build_db(data, tmp_path / "out.duckdb")
    assert not (tmp_path / "out.duckdb").exists()
    return str(info.value)


@pytest.mark.parametrize(
    ("line", "column", "value", "expected"),
    [
        (5, "nrs_before", "11", "outside the allowed range 0–10"),
        (5, "nrs_after", "-1", "outside the allowed range 0–10"),
        (3, "dose_gy", "0", "must be positive"),
        (3, "fractions", "-5", "must be positive"),
        (4, "fractions", "ten", "'ten' is not a whole number"),
        (6, "dose_gy", "sixty", "'sixty' is not a number"),
        (7, "involved_muscle", "iliacus", "'iliacus' is not one of: psoas, piriformis"),
        (8, "intent", "curative", "'curative' is not one of: palliative, local_control"),
        (2, "nrs_before", "4.5", "not a whole number"),
    ],
)
def test_bad_course_cell(data_copy, tmp_path, line, column, value, expected):
    _edit(data_copy / "sanuki2022" / "courses.csv", line, column, value)
    msg = _build_error(data_copy, tmp_path)
    assert f"sanuki2022/courses.csv, line {line}, column '{column}': " in msg
    assert expected in msg


def test_missing_column(data_copy, tmp_path):
    path = data_copy / "sanuki2022" / "courses.csv"
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    i = rows[0].index("nrs_after")
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows([r[:i] + r[i + 1 :] for r in rows])
    msg = _build_error(data_copy, tmp_path)
    assert "sanuki2022/courses.csv, line 1, column 'nrs_after': required column is missing" in msg


def test_duplicate_course(data_copy, tmp_path):
    path = data_copy / "sanuki2022" / "courses.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[3]]) + "\n")  # repeat course 2.1 (line 4) as line 14
    msg = _build_error(data_copy, tmp_path)
    assert "sanuki2022/courses.csv, line 14, column 'series_id, course_id'" in msg
    assert "duplicate sanuki2022/2.1 (first on line 4)" in msg


def test_unknown_patient_reference(data_copy, tmp_path):
    _edit(data_copy / "sanuki2022" / "courses.csv", 4, "patient_id", "99")
    msg = _build_error(data_copy, tmp_path)
    assert "courses.csv, line 4, column 'patient_id': patient '99' is not in patients.csv" in msg


def test_bad_sex_and_ragged_row(data_copy, tmp_path):
    _edit(data_copy / "sanuki2022" / "patients.csv", 3, "sex", "X")
    with open(data_copy / "sanuki2022" / "analgesics.csv", "a") as fh:
        fh.write("sanuki2022,2.1,baseline\n")
    msg = _build_error(data_copy, tmp_path)
    assert "patients.csv, line 3, column 'sex': 'X' is not one of: F, M" in msg
    assert "analgesics.csv, line 25: has 3 fields, header has 7" in msg


def test_failed_build_keeps_existing_database(data_copy, tmp_path):
    db = tmp_path / "keep.duckdb"
    build_db(data_copy, db)
    before = db.read_bytes()
    _edit(data_copy / "sanuki2022" / "courses.csv", 2, "nrs_before", "12")
    with pytest.raises(DataError):
        build_db(data_copy, db)
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")] == []
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM courses").fetchone()[0] == 12
    con.close()


def test_cli_reports_problems_and_exit_code(data_copy, tmp_path, capsys):
    _edit(data_copy / "sanuki2022" / "courses.csv", 2, "intent", "curative")
    code = cli_main(["build-db", "--data", str(data_copy), "--db", str(tmp_path / "x.duckdb")])
    err = capsys.readouterr().err
    assert code == 2
    assert "nothing was changed" in err
    assert "courses.csv, line 2, column 'intent'" in err
    assert not (tmp_path / "x.duckdb").exists()


def test_cli_build_ok(data_copy, tmp_path, capsys, monkeypatch):
    target = tmp_path / "env.duckdb"
    monkeypatch.setenv("PLEXRT_DB", str(target))
    assert cli_main(["build-db", "--data", str(data_copy)]) == 0
    assert "courses 12" in capsys.readouterr().out
    assert target.exists()


def test_missing_file(data_copy, tmp_path):
    (data_copy / "sanuki2022" / "analgesics.csv").unlink()
    msg = _build_error(data_copy, tmp_path)
    assert "sanuki2022/analgesics.csv: file is missing" in msg


def test_provenance_rule_required_for_every_column(data_copy, tmp_path):
    path = data_copy / "sanuki2022" / "provenance.csv"
    lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("courses,dose_gy,")]
    path.write_text("\n".join(lines) + "\n")
    msg = _build_error(data_copy, tmp_path)
    assert "no provenance rule for courses.dose_gy" in msg


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("fractions", "inf", "'inf' is not a whole number"),
        ("nrs_before", "nan", "'nan' is not a whole number"),
        ("dose_gy", "inf", "'inf' is not a finite number"),
        ("dose_gy", "1e308", "outside the allowed range"),
        ("fractions", "500", "outside the allowed range"),
    ],
)
def test_non_finite_and_implausible_numbers(data_copy, tmp_path, column, value, expected):
    _edit(data_copy / "sanuki2022" / "courses.csv", 3, column, value)
    msg = _build_error(data_copy, tmp_path)
    assert f"courses.csv, line 3, column '{column}'" in msg and expected in msg


def test_csv_saved_with_a_byte_order_mark_is_read(data_copy, tmp_path):
    path = data_copy / "sanuki2022" / "patients.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as a spreadsheet saves UTF-8 CSV
    assert cli_main(["manifest", "--data", str(data_copy)]) == 0
    build_db(data_copy, tmp_path / "bom.duckdb")
    con = duckdb.connect(str(tmp_path / "bom.duckdb"), read_only=True)
    # the first header name (after the mark) is recognised and every row is stored
    ids = [r[0] for r in con.execute("SELECT patient_id FROM patients").fetchall()]
    con.close()
    assert sorted(ids, key=int) == [str(i) for i in range(1, 12)]


def test_build_if_stale(data_copy, tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    assert cli_main(["build-db", "--if-stale", "--data", str(data_copy), "--db", str(db)]) == 0
    first = db.stat().st_mtime_ns
    assert cli_main(["build-db", "--if-stale", "--data", str(data_copy), "--db", str(db)]) == 0
    assert "is up to date" in capsys.readouterr().out
    assert db.stat().st_mtime_ns == first
    _edit(data_copy / "sanuki2022" / "patients.csv", 2, "age", "50")  # the data changed
    assert cli_main(["manifest", "--data", str(data_copy)]) == 0
    assert not is_current(db, data_copy)
    assert cli_main(["build-db", "--if-stale", "--data", str(data_copy), "--db", str(db)]) == 0
    assert is_current(db, data_copy)


def test_a_value_under_a_not_published_rule_is_refused(data_copy, tmp_path):
    # analgesics.route is not published (provenance source 'not_published'): a route typed into
    # analgesics.csv would be shown as coming from nowhere
    _edit(data_copy / "sanuki2022" / "analgesics.csv", 2, "route", "oral")
    lines = (data_copy / "sanuki2022" / "provenance.csv").read_text().splitlines()
    line = 1 + next(i for i, ln in enumerate(lines) if ln.startswith("analgesics,route,"))
    with pytest.raises(DataError) as info:  # (as ``plexrt manifest`` checks the edited folder)
        build_db(data_copy, tmp_path / "out.duckdb", manifest=False)
    msg = str(info.value)
    assert f"sanuki2022/provenance.csv, line {line}, column 'source'" in msg
    assert "analgesics.route of row" in msg and "does not publish it" in msg
