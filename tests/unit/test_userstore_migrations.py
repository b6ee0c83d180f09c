"""Schema migrations (Alembic, on open): the v1 user file of the old code is adopted with every row,
a later migration keeps every row, a failed one changes nothing, the head schema holds exactly the
columns of the specs, and a database from a newer PlexRT is refused untouched."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from plexrt.data import literature as lit
from plexrt.data.access import Principal
from plexrt.data.literature_entered import ENTERED_TEXT
from plexrt.data.own_schema import TABLES
from plexrt.data.userstore import UserDataUnavailable, UserStore, migrate
from plexrt.data.userstore import engine as eng
from tests.unit.legacy_userstore import write_v1_file
from tests.unit.own_frames import make_frames

ADMIN = Principal("boss", "admin")
OLD_SERIES = [
    {
        "series_key": "user-smith2023-abc123",
        "citation": "Smith J. Example. J Ex 2023;1:1",
        "year": 2023,
        "population": "malignant_psoas_syndrome",
        "n_patients": 10,
        "n_patients_source": "Table 1",
        "responders": 7,
        "responders_source": "Results",
        "median_relief_months": 4.5,
        "median_relief_months_source": "Fig 2",
        "created_at": datetime(2025, 1, 2, 3, 4, 5),
        "updated_at": datetime(2025, 1, 2, 3, 4, 5),
    },
    {
        "series_key": "user-jones2021-def456",
        "citation": "Jones K. Other. J Ex 2021;2:2",
        "year": 2021,
        "population": "lumbosacral_plexopathy",
        "n_patients": 22,
        "n_patients_source": "Abstract",
        "created_at": datetime(2025, 2, 3, 4, 5, 6),
        "updated_at": datetime(2025, 2, 3, 4, 5, 6),
    },
]
OLD_CASE = {
    "saved_at": datetime(2025, 3, 4, 5, 6, 7),
    "label": "board 4 Mar",
    "primary_cancer": "Cervical cancer",
    "primary_group": "gynecological",
    "involved_muscle": "psoas",
    "nrs_before": 8,
    "intent": "palliative",
    "dose_gy": 30.0,
    "fractions": 10,
}


def test_a_v1_file_of_the_old_code_is_adopted_with_every_row(tmp_path):
    path = tmp_path / "plexrt-user.duckdb"
    write_v1_file(path, OLD_SERIES, [OLD_CASE])
    us = UserStore(path)
    assert us.revision == migrate.head_revision()
    got = us.series(ADMIN).set_index("series_key")
    for old in OLD_SERIES:
        row = got.loc[old["series_key"]]
        for column, value in old.items():
            if column != "series_key":
                assert row[column] == value, column
    assert pd.isna(got.loc["user-jones2021-def456", "responders"])
    case = us.cases(ADMIN).iloc[0]  # a case from before sign-in: no author, an admin sees it
    assert (case["label"], case["nrs_before"], case["dose_gy"], case["saved_by"]) == (
        "board 4 Mar",
        8,
        30.0,
        None,
    )
    with eng.reading(us.location) as conn:
        meta = conn.execute(sa.text("SELECT value FROM user_meta WHERE key = 'schema_version'"))
        assert meta.scalar() == "1"  # kept as it was
    us.release()
    assert UserStore(path).revision == migrate.head_revision()  # opening again changes nothing


def test_an_older_file_with_fewer_columns_keeps_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE user_series (series_key VARCHAR PRIMARY KEY, citation VARCHAR, n_patients INTEGER)"
    )
    con.execute("INSERT INTO user_series VALUES ('user-old-1', 'Old J. 2019', 5)")
    con.close()
    df = UserStore(path).series(ADMIN)
    assert list(df["series_key"]) == ["user-old-1"] and df.iloc[0].n_patients == 5
    assert pd.isna(df.iloc[0].median_survival_months)


SECOND = '''"""Test migration: adds nullable columns.

Revision ID: 9001
Revises: {head}
"""

from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE own_courses ADD COLUMN toxicity_grade INTEGER")
    op.execute("ALTER TABLE user_series ADD COLUMN country VARCHAR")
    {extra}


def downgrade() -> None:
    raise NotImplementedError
'''


def _scripts_with(tmp_path: Path, extra: str = "") -> Path:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPT_LOCATION, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    text = SECOND.replace("{extra}", extra).replace("{head}", migrate.head_revision())
    (scripts / "versions" / "9001_test.py").write_text(text)
    return scripts


def _columns(loc: eng.Location, table: str) -> set[str]:
    with eng.reading(loc) as conn:
        rows = conn.execute(
            sa.text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = :t"
            ),
            {"t": table},
        )
        return {r[0] for r in rows}


def test_a_later_migration_keeps_every_row(user_db, tmp_path):
    us = UserStore(user_db)
    frames = make_frames(5)
    sid = us.apply_import(ADMIN, "S", frames, pseudonymised=False).series_id
    us.add_series(ADMIN, {"citation": "Keep M. 2020", "n_patients": "3", "n_patients_source": "T1"})
    before = us.series_frames(ADMIN, sid)
    loc = eng.locate(user_db)
    assert migrate.ensure_current(loc, script_location=_scripts_with(tmp_path)) == "9001"
    assert {"toxicity_grade"} <= _columns(loc, "own_courses")
    assert {"country"} <= _columns(loc, "user_series")
    with eng.reading(loc) as conn:
        assert conn.execute(
            sa.text("SELECT count(*) FROM own_courses WHERE toxicity_grade IS NULL")
        ).scalar() == len(frames.courses)
    # The store of this PlexRT (its head) now meets a newer database: it refuses, untouched.
    eng.release(loc)
    with pytest.raises(UserDataUnavailable, match="written by a newer PlexRT .schema 9001."):
        UserStore(user_db)
    with eng.reading(loc) as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM own_courses")).scalar()
        lit_rows = conn.execute(sa.text("SELECT citation FROM user_series")).scalars().all()
    assert n == len(before.courses) and lit_rows == ["Keep M. 2020"]


def test_a_failed_migration_changes_nothing(user_db, tmp_path):
    us = UserStore(user_db)
    us.apply_import(ADMIN, "S", make_frames(3), pseudonymised=False)
    loc = eng.locate(user_db)
    broken = _scripts_with(tmp_path, extra='op.execute("SELECT no_such_function()")')
    with pytest.raises(sa.exc.DBAPIError):
        migrate.ensure_current(loc, script_location=broken)
    eng.release(loc)
    assert "toxicity_grade" not in _columns(loc, "own_courses")  # the ADD COLUMN was rolled back
    assert UserStore(user_db).revision == migrate.head_revision()


_KIND = {
    "character varying": "text",
    "varchar": "text",
    "text": "text",
    "integer": "integer",
    "bigint": "integer",
    "double precision": "number",
    "double": "number",
    "boolean": "boolean",
}


def test_the_head_schema_holds_exactly_the_columns_of_the_specs(user_db):
    """A column added to own_schema or literature.COLUMNS without a migration fails here."""
    loc = UserStore(user_db).location
    with eng.reading(loc) as conn:
        rows = conn.execute(
            sa.text(
                "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
                "WHERE table_schema = current_schema()"
            )
        ).all()
    schema = {(t, c): (_KIND.get(d.lower(), d.lower()), n == "YES") for t, c, d, n in rows}
    for table, (columns, _) in TABLES.items():
        stored = {c for (t, c) in schema if t == f"own_{table}"}
        assert stored == {"series_id", *(c.name for c in columns)}, table
        for col in columns:
            assert schema[(f"own_{table}", col.name)] == (col.kind, not col.required), col.name
    stored = {c for (t, c) in schema if t == "user_series"}
    assert stored == {*lit.COLUMN_NAMES, ENTERED_TEXT, "created_at", "updated_at", "created_by"}
    for spec in lit.COLUMNS:
        assert schema[("user_series", spec.name)][0] == spec.kind, spec.name


def test_migrations_only_add():
    """No migration drops a table, a column or rows."""
    import re

    forbidden = re.compile(
        r"DROP\s+(TABLE|COLUMN)|DELETE\s+FROM|\bTRUNCATE\s+(?!ON\b|OF\b)|OP\.DROP_"
    )
    paths = list((migrate.SCRIPT_LOCATION / "versions").glob("*.py"))
    assert paths
    for path in paths:
        text = path.read_text().upper()
        rebuilt = REBUILDS.get(path.name)
        if rebuilt is not None:  # the one drop allowed comes after the copy of every row
            copy, drop = rebuilt
            assert text.count(drop) == 1 and -1 < text.find(copy) < text.find(drop), path.name
            text = text.replace(drop, "")
        assert not forbidden.search(text), path.name


# DuckDB cannot drop a constraint: a migration that changes one rebuilds the table, copying every
# row into the new table before it drops the old (test_names_unique_per_owner_keep_every_row).
REBUILDS = {
    "0004_series_name_per_owner.py": (
        "INSERT INTO {REBUILT} ({COLUMNS}) SELECT {COLUMNS} FROM OWN_SERIES",
        'OP.EXECUTE("DROP TABLE OWN_SERIES")',
    )
}


def _scripts_until(tmp_path: Path, revision: str) -> Path:
    """This PlexRT's migrations up to ``revision`` (the store as an older PlexRT left it)."""
    scripts = tmp_path / f"migrations_{revision}"
    shutil.copytree(migrate.SCRIPT_LOCATION, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    for path in (scripts / "versions").glob("*.py"):
        if path.name[:4].isdigit() and path.name[:4] > revision:
            path.unlink()
    return scripts


def _rows(loc: eng.Location, table: str, order: str) -> list[dict]:
    with eng.reading(loc) as conn:
        result = conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY {order}"))  # noqa: S608
        return [dict(r) for r in result.mappings()]


KEPT = {
    "own_series": "series_id",
    "own_courses": "series_id, patient_id, course_no",
    "grants": "series_id, grantee",
}


def test_names_unique_per_owner_keep_every_row(user_db, tmp_path):
    """From 0003 (a name unique over all series) to per-owner names: every series, its rows and
    grants kept as they were; then another owner may use a taken name."""
    from plexrt.data.userstore import own, sharing

    loc = eng.locate(user_db)
    assert migrate.ensure_current(loc, script_location=_scripts_until(tmp_path, "0003")) == "0003"
    alice = Principal("alice@x.org", "editor", email="alice@x.org")
    with eng.writing(loc) as conn:
        for name, seed in (("Ours", 0), ("Older", 1)):
            prepared = own.prepare_import(
                alice,
                name,
                make_frames(4, seed=seed),
                mapping=None,
                pseudonymised=False,
                institution="Clinic",
                period=None,
                validate=None,
            )
            sid = own.apply_import(conn, alice, prepared).series_id
        sharing.grant(conn, alice, sid, "bob@x.org", can_edit=True)
    before = {t: _rows(loc, t, order) for t, order in KEPT.items()}
    eng.release(loc)
    us = UserStore(user_db)  # upgrades to head on open
    assert us.revision == migrate.head_revision()
    assert {t: _rows(loc, t, order) for t, order in KEPT.items()} == before
    assert len(before["own_series"]) == 2 and us.verify_audit().ok
    carol = Principal("carol@x.org", "editor", email="carol@x.org")
    assert us.apply_import(carol, "Ours", make_frames(2), pseudonymised=False).created
    with pytest.raises(sa.exc.IntegrityError), eng.writing(loc) as conn:
        conn.execute(
            sa.text(
                "INSERT INTO own_series SELECT 'own-twice', name, institution, period_text, "
                "owner, sharing, pseudonymised, column_mapping, content_hash, created_at, "
                "created_by, updated_at, updated_by FROM own_series WHERE name = 'Older'"
            )
        )


HISTORY_INDEX = "change_history_patient"
KEPT_WITH_HISTORY = {
    **KEPT,
    "own_patients": "series_id, patient_id",
    "own_assessments": "series_id, patient_id, course_no, assessment_no",
    "change_batches": "batch_id",
    "change_history": "change_id",
    "audit": "seq",
}


def _indexes(loc: eng.Location, table: str) -> set[str]:
    with eng.reading(loc) as conn:
        if loc.is_postgres:
            sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :t"
        else:
            sql = "SELECT index_name FROM duckdb_indexes() WHERE table_name = :t"
        return set(conn.execute(sa.text(sql), {"t": table}).scalars())


def test_a_new_store_indexes_the_history_by_patient(user_db):
    assert HISTORY_INDEX in _indexes(UserStore(user_db).location, "change_history")


def test_the_history_index_is_added_to_a_store_of_0004_keeping_every_row(user_db, tmp_path):
    """A store an older PlexRT left at 0004, with follow-up history and audit entries, is upgraded
    in place: every row and the audit chain as they were, one patient's history the same."""
    from plexrt.data.userstore import Change, followup, own

    loc = eng.locate(user_db)
    assert migrate.ensure_current(loc, script_location=_scripts_until(tmp_path, "0004")) == "0004"
    with eng.writing(loc) as conn:  # the store's own calls on the 0004 database
        prepared = own.prepare_import(
            ADMIN,
            "Followed",
            make_frames(6),
            mapping=None,
            pseudonymised=False,
            institution=None,
            period=None,
            validate=None,
        )
        sid = own.apply_import(conn, ADMIN, prepared).series_id
    pid = sorted(make_frames(6).patients["patient_id"])[1]
    for day in (400, 500):
        with eng.writing(loc) as conn:
            change = Change.update("patients", (pid,), last_contact_day=day)
            followup.record(conn, ADMIN, sid, [change], None)
    before = {t: _rows(loc, t, order) for t, order in KEPT_WITH_HISTORY.items()}
    with eng.reading(loc) as conn:
        history = followup.history(conn, ADMIN, sid, pid)
    assert HISTORY_INDEX not in _indexes(loc, "change_history") and len(history) == 2
    eng.release(loc)
    us = UserStore(user_db)  # upgrades to head on open
    assert us.revision == migrate.head_revision()
    assert HISTORY_INDEX in _indexes(loc, "change_history")
    assert {t: _rows(loc, t, order) for t, order in KEPT_WITH_HISTORY.items()} == before
    assert us.verify_audit().ok and len(before["audit"]) == 3 and len(before["change_history"]) == 2
    pd.testing.assert_frame_equal(us.history(ADMIN, sid, patient_id=pid), history)
    assert us.history_size(ADMIN, sid, patient_id=pid) == 2
