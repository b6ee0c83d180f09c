"""The bundled data folder's manifest (issue 16 §3): a partial or changed copy of a data file is
refused by the build with the file and the expected and actual rows; the store is never replaced."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from plexrt.cli import main as cli_main
from plexrt.data.csvfile import DataError
from plexrt.data.manifest import MANIFEST_FILE, check_manifest
from plexrt.ingest.build import build_db
from tests.conftest import DATA, ROOT

PLEXRT = str(Path(sys.executable).with_name("plexrt"))  # the installed command


def _listed(folder: Path) -> dict[str, tuple[int, str]]:
    with open(folder / MANIFEST_FILE, newline="", encoding="utf-8") as fh:
        return {r["file"]: (int(r["rows"]), r["sha256"]) for r in csv.DictReader(fh)}


def _data_rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return sum(1 for r in list(csv.reader(fh))[1:] if any(c.strip() for c in r))


def test_the_bundled_manifest_lists_every_file_with_its_rows_and_checksum():
    listed = _listed(DATA)
    files = {p.relative_to(DATA).as_posix() for p in DATA.glob("*.csv")} - {MANIFEST_FILE}
    files |= {p.relative_to(DATA).as_posix() for p in (DATA / "sanuki2022").glob("*.csv")}
    assert set(listed) == files
    for name, (rows, sha) in listed.items():
        assert rows == _data_rows(DATA / name), name  # counted here with the csv module
        assert sha == hashlib.sha256((DATA / name).read_bytes()).hexdigest(), name
    assert listed["sanuki2022/courses.csv"][0] == 12  # the 12 irradiated sites of the paper
    assert check_manifest(DATA) == []


def _build(data: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PLEXRT, "build-db", "--data", str(data), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_copy_missing_its_last_rows_is_refused_and_the_store_kept(data_copy, tmp_path):
    db = tmp_path / "plexrt.duckdb"
    build_db(data_copy, db)
    before = db.read_bytes()
    path = data_copy / "sanuki2022" / "discrepancies.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # 19 -> 18 rows, still valid CSV
    run = _build(data_copy, db)
    assert run.returncode == 2, run.stderr
    assert "sanuki2022/discrepancies.csv: has 18 data rows, the manifest expects 19" in run.stderr
    assert "nothing was changed" in run.stderr and "Traceback" not in run.stderr
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".plexrt.duckdb.*"))  # no temporary file left behind


def test_a_literature_file_cut_inside_a_quoted_field_is_refused(data_copy, tmp_path):
    """The fault probe's case: the copy ends inside the notes of the third series, so the CSV
    module would read three whole-looking rows and drop the other four series silently."""
    db = tmp_path / "plexrt.duckdb"
    build_db(data_copy, db)
    before = db.read_bytes()
    path = data_copy / "literature.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    third = lines[3]
    cut = "\n".join(lines[:3]) + "\n" + third[: third.rfind(',"') + 15]
    path.write_text(cut, encoding="utf-8")
    run = _build(data_copy, db)
    assert run.returncode == 2, run.stderr
    # two rows read whole, the third never ends, four missing
    assert "literature.csv: has 2 data rows, the manifest expects 7" in run.stderr
    assert "line 4" in run.stderr and "never closed" in run.stderr
    assert db.read_bytes() == before
    # without the manifest the quote alone refuses it too
    (data_copy / MANIFEST_FILE).unlink()
    with pytest.raises(DataError) as info:
        build_db(data_copy, db)
    assert "line 4" in str(info.value) and "never closed" in str(info.value)
    assert "the manifest is missing" in str(info.value)


def test_changed_missing_and_unlisted_files_are_each_named(data_copy, tmp_path):
    factors = data_copy / "opioid_factors.csv"
    factors.write_text(factors.read_text(encoding="utf-8").replace("1.5", "1.6", 1))
    (data_copy / "sanuki2022" / "toxicities.csv").unlink()
    (data_copy / "sanuki2022" / "extra.csv").write_text("a\n1\n")
    problems = {p.file: p.message for p in check_manifest(data_copy)}
    assert problems["opioid_factors.csv"].startswith("its content differs from the manifest")
    assert "same number of rows, 6" in problems["opioid_factors.csv"]
    assert problems["sanuki2022/toxicities.csv"] == "is listed in the manifest but missing"
    assert problems["sanuki2022/extra.csv"].startswith("is not listed in the manifest")


def test_the_manifest_command_checks_the_folder_before_writing(data_copy, capsys):
    path = data_copy / "sanuki2022" / "courses.csv"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("palliative", "curative", 1), encoding="utf-8")
    manifest = (data_copy / MANIFEST_FILE).read_bytes()
    assert cli_main(["manifest", "--data", str(data_copy)]) == 2
    assert "no manifest was written" in capsys.readouterr().err
    assert (data_copy / MANIFEST_FILE).read_bytes() == manifest  # not blessed
    path.write_text(good.replace("\n", "\n\n", 1), encoding="utf-8")  # a blank line: same rows
    assert cli_main(["manifest", "--data", str(data_copy)]) == 0
    assert "13 files, 196 data rows" in capsys.readouterr().out
    assert check_manifest(data_copy) == []


@pytest.mark.parametrize("count", ["²", "-1", "x", ""])
def test_a_manifest_row_count_that_is_not_a_count_is_named(data_copy, count):
    """'²' is a digit to str.isdigit but not to int(): named like any other non-count."""
    manifest = data_copy / MANIFEST_FILE
    lines = manifest.read_text(encoding="utf-8").splitlines()
    head = next(csv.reader([lines[0]]))
    cells = next(csv.reader([lines[1]]))
    cells[head.index("rows")] = count
    lines[1] = ",".join(cells)
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = check_manifest(data_copy)
    assert any(
        p.file == MANIFEST_FILE and p.line == 2 and "is not a count" in p.message for p in problems
    ), problems
