"""The rebuild fingerprint: a store built by other code or from other data files is out of date."""

from __future__ import annotations

import duckdb

from plexrt.data.fingerprint import _code_files, is_current
from plexrt.ingest.build import build_db


def test_fingerprint_covers_every_package_that_changes_stored_values():
    names = [name for name, _ in _code_files()]
    assert {n.split("/")[0] for n in names} == {
        "data",
        "clinical",
        "stats",
        "reconstruct",
        "ingest",
    }
    # reading the literature table, the DDL, the build and the reconstruction are all covered
    for path in (
        "data/literature.py",
        "data/schema.sql",
        "ingest/build.py",
        "clinical/dose.py",
        "reconstruct/__init__.py",
    ):
        assert path in names


def test_schema_version_marks_a_store_out_of_date(data_copy, tmp_path):
    db = tmp_path / "v.duckdb"
    assert not is_current(db)  # missing
    build_db(data_copy, db)
    assert is_current(db, data_copy)
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = 'older' WHERE key = 'schema_version'")
    con.close()
    assert not is_current(db, data_copy)  # built by another version: the app rebuilds it
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("CREATE TABLE courses (x INTEGER)")  # no meta table at all
    con.close()
    assert not is_current(old)


def test_a_changed_data_file_makes_the_store_out_of_date(data_copy, tmp_path):
    db = tmp_path / "d.duckdb"
    build_db(data_copy, db)
    assert is_current(db, data_copy)
    path = data_copy / "sanuki2022" / "not_published.csv"
    path.write_text(path.read_text().replace("per site.", "per site (edited)."))
    assert not is_current(db, data_copy)
