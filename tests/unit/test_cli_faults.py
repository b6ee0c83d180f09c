"""Every ``plexrt`` command given a bad argument or a path it cannot use (issue 16 §3, §4): one line
naming the option or the path, an exit code other than 0, never a traceback, and nothing created
that was not asked for."""

from __future__ import annotations

import argparse

import pytest

from plexrt.cli import main
from plexrt.data.userstore import UserStore
from plexrt.data.userstore.location import locate
from tests.fixtures import FIXTURES

POINTS = str(FIXTURES / "curve_example" / "points.csv")


def _refused_by_the_parser(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["synth", "--courses", "99999999999999999999"],
            "--courses: must be a whole number from 1",
        ),
        (
            ["synth", "--courses", "1_0"],
            "--courses: must be a whole number written with the digits",
        ),
        (["synth", "--courses", "10", "--seed", "-1"], "--seed: must be a whole number 0 or more"),
        (["synth", "--courses", "10", "--format", "bundled", "--series", "0"], "--series: must be"),
        (
            ["synth", "--courses", "10", "--format", "bundled", "--series", "-3"],
            "--series: must be",
        ),
        (["summary", "--series", "sanuki2022", "--draws", "0"], "--draws: must be a whole number"),
        (["summary", "--series", "sanuki2022", "--draws", "nan"], "--draws: must be a finite"),
    ],
)
def test_a_number_out_of_range_is_refused_naming_the_option(argv, said, tmp_path, capsys):
    if argv[0] == "synth":
        argv = [*argv, "--out", str(tmp_path / "out")]
    assert said in _refused_by_the_parser(argv, capsys)
    assert not (tmp_path / "out").exists()


def test_the_largest_numbers_are_bounded(capsys):
    # Checked on the parser's own rule: beyond the bound the command would run for hours.
    from plexrt.cli.args import whole_number
    from plexrt.cli.own import SYNTH_MAX_COURSES
    from plexrt.cli.summary import MAX_DRAWS

    assert (SYNTH_MAX_COURSES, MAX_DRAWS) == (1_000_000, 10_000)
    courses = whole_number(1, SYNTH_MAX_COURSES)
    assert courses("1000000") == 1_000_000
    with pytest.raises(argparse.ArgumentTypeError, match="from 1 to 1,000,000, got '1000001'"):
        courses("1000001")
    with pytest.raises(argparse.ArgumentTypeError, match="must be a finite number"):
        courses("1e400")


@pytest.mark.parametrize("command", [["import", "x.csv"], ["audit", "export"]])
def test_a_series_name_in_another_encoding_is_refused_naming_the_option(command, tmp_path, capsys):
    # '\xff\xfe' typed in a Latin-1 terminal: Python passes the bytes on as lone surrogates, which
    # no database driver can encode (the query failed with the driver's error).
    db = tmp_path / "user.duckdb"
    UserStore(db).release()
    argv = [*command, "--series", b"\xff\xfe".decode("utf-8", "surrogateescape")]
    said = _refused_by_the_parser([*argv, "--user-db", str(db)], capsys)
    assert "--series: is not valid Unicode text" in said


def test_a_whole_number_written_as_the_rule_allows_is_read(tmp_path, capsys):
    assert main(["synth", "--courses", "1e1", "--seed", " 3 ", "--out", str(tmp_path)]) == 0
    assert "10 SYNTHETIC courses, seed 3" in capsys.readouterr().out


def _one_line_failure(argv: list[str], capsys, code: int = 1) -> str:
    assert main(argv) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "a file"
    path.write_text("not a folder\n")
    return path


def test_an_output_folder_that_is_a_file_is_named(a_file, capsys):
    err = _one_line_failure(["synth", "--courses", "5", "--out", str(a_file)], capsys)
    assert err == f"plexrt synth: cannot use {a_file}: File exists"
    err = _one_line_failure(["synth", "--courses", "5", "--out", str(a_file / "sub")], capsys)
    assert err == f"plexrt synth: cannot use {a_file / 'sub'}: Not a directory"


def test_an_output_file_under_a_file_or_a_missing_folder_is_named(a_file, tmp_path, capsys):
    under = a_file / "t.csv"
    err = _one_line_failure(["template", str(under)], capsys)
    assert err == f"plexrt template: cannot use {under}: Not a directory"
    missing = tmp_path / "no such folder" / "t.csv"
    err = _one_line_failure(["template", str(missing)], capsys)
    assert err == f"plexrt template: cannot use {missing}: No such file or directory"
    err = _one_line_failure(["export", "--out", str(under)], capsys)
    assert err == f"plexrt export: cannot use {under}: Not a directory"
    rc = main(["curve", "reconstruct", "--points", POINTS, "--patients", "60", "--out", str(under)])
    assert rc == 1
    err = capsys.readouterr().err
    assert err.strip() == f"plexrt curve: cannot use {under}: Not a directory"


def test_a_store_that_is_not_a_duckdb_file_is_one_line(a_file, capsys):
    err = _one_line_failure(["export", "--db", str(a_file)], capsys)
    assert err.startswith("plexrt export: failed (") and str(a_file) in err
    err = _one_line_failure(["summary", "--series", "sanuki2022", "--db", str(a_file)], capsys)
    assert err.startswith("plexrt summary: failed (") and str(a_file) in err


@pytest.mark.parametrize("action", ["verify", "export"])
def test_the_audit_trail_of_a_missing_file_is_refused_not_created(action, tmp_path, capsys):
    missing = tmp_path / "typo" / "user.duckdb"
    err = _one_line_failure(["audit", action, "--user-db", str(missing)], capsys, code=2)
    assert f"({missing}) cannot be used: there is no such file" in err
    assert "intact" not in err and not missing.exists() and not missing.parent.exists()


@pytest.mark.parametrize(
    "argv", [["curve", "list"], ["summary", "--series", "Our clinic"]], ids=["curve", "summary"]
)
def test_a_reading_command_on_a_mistyped_user_database_is_refused_not_created(
    argv, tmp_path, capsys, monkeypatch
):
    """`curve list` and `summary` of an own series created an empty user database (folders
    included) at a mistyped path, then said 'no curve series stored' / 'no series named'."""
    missing = tmp_path / "typo" / "user.duckdb"
    err = _one_line_failure([*argv, "--user-db", str(missing)], capsys, code=1)
    assert f"({missing}) cannot be used: there is no such file" in err
    assert not missing.parent.exists()
    # With no --user-db and no user database yet: nothing stored, and still nothing created.
    default = tmp_path / "data" / "user.duckdb"
    monkeypatch.setenv("PLEXRT_USER_DB", str(default))
    code = main(argv)
    out = capsys.readouterr()
    assert (code, out.out + out.err) == (
        (0, "no curve series stored\n")
        if argv[0] == "curve"
        else (2, "plexrt summary: no series named 'Our clinic'\n")
    )
    assert not default.parent.exists()


def test_synth_never_writes_over_files_in_its_folder(tmp_path, capsys):
    """A department's own courses.csv in the folder given to `synth` stays as it was."""
    own = tmp_path / "courses.csv"
    own.write_text("patient_id,course_no\nREAL01,1\n")
    for argv in (["--courses", "5"], ["--example"]):
        err = _one_line_failure(["synth", *argv, "--out", str(tmp_path)], capsys, code=2)
        assert err == (
            f"plexrt synth: {tmp_path} already holds files (courses.csv); nothing was written. "
            "Give a new or empty folder, or --replace."
        )
        assert own.read_text() == "patient_id,course_no\nREAL01,1\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["courses.csv"]
    assert main(["synth", "--courses", "5", "--out", str(tmp_path), "--replace"]) == 0
    assert "SYNTHETIC" in capsys.readouterr().out
    assert "REAL01" not in own.read_text()


def test_template_never_writes_over_a_file_of_its_names(tmp_path, capsys):
    out = tmp_path / "own.csv"
    beside = tmp_path / "own_assessments.csv"
    beside.write_text("mine\n")
    err = _one_line_failure(["template", str(out)], capsys, code=2)
    assert err == (
        f"plexrt template: {beside} already exists; nothing was written. Give another name, or "
        "--replace."
    )
    assert beside.read_text() == "mine\n"
    assert not out.exists()
    assert main(["template", str(out), "--replace"]) == 0
    assert out.exists() and beside.read_text() != "mine\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["import", "c.csv", "--series", "S"],
        ["own", "rename", "--series", "S", "--name", "T"],
        ["summary", "--series", "S"],
    ],
    ids=["import", "own-rename", "summary"],
)
def test_an_address_of_another_database_is_refused_not_made_a_file(
    argv, tmp_path, capsys, monkeypatch
):
    """--user-db 'mysql://u:secret@host/db' (or a SQLAlchemy 'sqlite:///' address) was taken
    for a file path: a new DuckDB database was created at './mysql:/host/db' and written to. It is
    refused, shown by its scheme alone (the rest may hold a password), and nothing is created."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.csv").write_text("not read\n", encoding="utf-8")
    err = _one_line_failure([*argv, "--user-db", "mysql://u:secret@host/db"], capsys)
    assert err.endswith(
        "Your own series and cases (mysql://…) cannot be used: that is an address of another "
        "kind of database; give a DuckDB file path or a postgresql:// URL. Nothing was changed."
        + (" Nothing was written." if argv[0] != "summary" else "")
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]


def test_a_postgresql_address_naming_another_driver_is_postgresql():
    """'postgresql+psycopg2://' (SQLAlchemy's usual spelling) was not a PostgreSQL URL either."""
    loc = locate("postgresql+psycopg2://me:pw@db.example/plexrt")
    assert loc.is_postgres and loc.path is None
    assert loc.shown == "postgresql+psycopg://me:***@db.example/plexrt"
