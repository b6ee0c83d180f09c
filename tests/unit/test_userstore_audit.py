"""The audit trail on both backends: every entry chained by SHA-256 as specified, a row altered,
removed or re-hashed by hand is found, concurrent appends never fork the chain, and
`plexrt audit verify` says so with its exit status."""

from __future__ import annotations

import hashlib
import json
import re
import threading

import pytest
import sqlalchemy as sa

from plexrt.cli import main
from plexrt.data.access import Principal
from plexrt.data.userstore import Change, UserStore
from plexrt.data.userstore import engine as eng
from tests.unit.own_frames import make_frames

ANN = Principal("ann", "editor")
ADMIN = Principal("boss", "admin")
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def _some_history(user_db: str) -> UserStore:
    us = UserStore(user_db)
    frames = make_frames(3)
    sid = us.apply_import(ANN, "S", frames, pseudonymised=True).series_id
    pid = frames.patients.loc[0, "patient_id"]
    us.record_follow_up(ANN, sid, [Change.update("patients", (pid,), death_day=600)])
    us.grant(ANN, sid, "bob")
    us.log_event(ANN, "sign_in")
    return us


def _rows(user_db: str) -> list[dict]:
    with eng.reading(eng.locate(user_db)) as conn:
        return [
            dict(r) for r in conn.execute(sa.text("SELECT * FROM audit ORDER BY seq")).mappings()
        ]


def _tamper(user_db: str, sql: str, **params) -> None:
    """Change the trail by hand, as someone with write access to the database would (on
    PostgreSQL after switching off the trigger that refuses it)."""
    loc = eng.locate(user_db)
    eng.release(loc)
    with eng.engine(loc).begin() as conn:
        if loc.is_postgres:
            conn.execute(sa.text("ALTER TABLE audit DISABLE TRIGGER USER"))
        conn.execute(sa.text(sql), params)
        if loc.is_postgres:
            conn.execute(sa.text("ALTER TABLE audit ENABLE TRIGGER USER"))
    eng.release(loc)


def test_each_entry_is_chained_as_specified(user_db):
    _some_history(user_db)
    rows = _rows(user_db)
    assert [r["seq"] for r in rows] == [1, 2, 3, 4]
    assert [r["action"] for r in rows] == ["import", "follow_up", "sharing", "sign_in"]
    prev = "0" * 64
    for r in rows:
        # The rule written out independently: sha256(prev_hash + canonical JSON of the entry
        # without its hash; sorted keys, no spaces).
        body = {
            k: r[k]
            for k in (
                "seq",
                "at_utc",
                "actor",
                "action",
                "series_id",
                "patient_id",
                "detail",
                "prev_hash",
            )
        }
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert r["prev_hash"] == prev
        assert r["hash"] == hashlib.sha256((prev + text).encode("utf-8")).hexdigest()
        assert ISO_Z.match(r["at_utc"]) and json.loads(r["detail"]) is not None
        prev = r["hash"]


def test_verify_finds_an_altered_entry(user_db, capsys):
    us = _some_history(user_db)
    assert main(["audit", "verify", "--user-db", user_db]) == 0
    assert "Audit trail intact: 4 entries" in capsys.readouterr().out
    _tamper(user_db, "UPDATE audit SET detail = :d WHERE seq = 2", d='{"batch_id":99}')
    check = UserStore(user_db).verify_audit()
    assert (check.ok, check.first_bad_seq) == (False, 2)
    assert main(["audit", "verify", "--user-db", user_db]) == 1
    assert "BROKEN at entry 2: its content does not match its hash" in capsys.readouterr().err
    del us


def test_verify_finds_a_removed_or_rehashed_entry(user_db):
    _some_history(user_db)
    rows = _rows(user_db)
    # Re-hashing the altered entry itself moves the break to the next entry's link.
    forged = dict(rows[1], actor="mallory")
    body = {
        k: forged[k]
        for k in (
            "seq",
            "at_utc",
            "actor",
            "action",
            "series_id",
            "patient_id",
            "detail",
            "prev_hash",
        )
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    new_hash = hashlib.sha256((forged["prev_hash"] + text).encode()).hexdigest()
    _tamper(user_db, "UPDATE audit SET actor = 'mallory', hash = :h WHERE seq = 2", h=new_hash)
    check = UserStore(user_db).verify_audit()
    assert (check.ok, check.first_bad_seq) == (False, 3)
    assert "link to the entry before is broken" in check.reason
    _tamper(user_db, "DELETE FROM audit WHERE seq = 3")
    check = UserStore(user_db).verify_audit()
    assert (check.ok, check.first_bad_seq) == (False, 3)
    assert "missing" in check.reason


def test_no_code_path_changes_the_trail():
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "plexrt"
    pattern = re.compile(r"(UPDATE|DELETE\s+FROM|TRUNCATE)\s+(TABLE\s+)?audit\b", re.IGNORECASE)
    found = [
        p
        for p in src.rglob("*.py")
        if pattern.search(p.read_text()) and "migrations" not in p.parts
    ]
    assert found == []


def test_postgresql_refuses_to_change_the_trail(pg_server):
    """(DuckDB has no triggers: there the hash chain alone shows tampering.)"""
    user_db = pg_server.new_database()
    loc = eng.locate(user_db)
    _some_history(user_db)
    for sql in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit", "TRUNCATE audit"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), eng.engine(loc).begin() as conn:
            conn.execute(sa.text(sql))
    assert UserStore(user_db).verify_audit().entries == 4
    eng.release(loc)


def test_concurrent_appends_never_fork_the_chain(user_db):
    us = UserStore(user_db)
    errors: list[BaseException] = []

    def sign_in(i: int) -> None:
        try:
            for _ in range(8):
                us.log_event(Principal(f"user{i}", "viewer"), "sign_in")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = us.verify_audit()
    assert check.ok and check.entries == 32


def test_an_unusable_store_gives_exit_status_2(tmp_path, capsys):
    folder = tmp_path / "not-a-file.duckdb"
    folder.mkdir()
    assert main(["audit", "verify", "--user-db", str(folder)]) == 2
    assert "it is a folder, not a database file" in capsys.readouterr().err


def test_the_series_of_the_trail_include_deleted_ones(user_db):
    """The audit page's series filter: every series the trail names, a deleted one under the name
    its deletion recorded (admins only)."""
    us = _some_history(user_db)
    kept = str(us.own_series(ANN).iloc[0]["series_id"])
    gone = us.apply_import(ANN, "T", make_frames(2), pseudonymised=True).series_id
    us.delete_own_series(ANN, gone)
    assert us.audit_series(ADMIN) == {kept: "S", gone: "T (deleted)"}
    with pytest.raises(PermissionError, match="may not read the audit trail"):
        us.audit_series(ANN)
