"""The audit trail: append-only, each entry chained to the one before by a SHA-256 hash.

An entry is (seq, at_utc, actor, action, series_id, patient_id, detail, prev_hash, hash) with
``hash = sha256(prev_hash + canonical JSON of the entry without its hash)`` and ``prev_hash`` of the
first entry 64 zeros. Altering, inserting or removing an entry by hand breaks the chain at that entry
(or at the next one, when the altered entry's own hash was recomputed too); ``verify`` names the
first broken entry. Removing the newest entries leaves a valid shorter chain: compare the head hash
``verify`` prints with one kept elsewhere (for example in the backup log) to detect that.

Only INSERT exists in code. Details hold days, counts, codes and stored pseudonyms, never a calendar
date of a patient or an original patient code (the store refuses dates in patient text at write).
Entries are appended inside the writing transaction, which holds the store's write lock, so two
writers can never give two entries the same predecessor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from plexrt.data.userstore import outcome

GENESIS = "0" * 64
ACTIONS = (
    "sign_in",
    "sign_out",
    "import",
    "follow_up",
    "edit",
    "undo",
    "create",
    "delete",
    "sharing",
    "export",
)
FIELDS = ("seq", "at_utc", "actor", "action", "series_id", "patient_id", "detail", "prev_hash")
_PAGE = 5000


def canonical(obj: Any) -> str:
    """One text for one value: sorted keys, no spaces, no NaN."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def now_utc() -> str:
    """ISO-8601 UTC with a 'Z', to the microsecond (independent of the machine's time zone)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry: Mapping[str, Any]) -> str:
    body = canonical({k: entry[k] for k in FIELDS})
    return hashlib.sha256((entry["prev_hash"] + body).encode("utf-8")).hexdigest()


def append(
    conn: sa.Connection,
    *,
    actor: str,
    action: str,
    detail: Mapping[str, Any],
    series_id: str | None = None,
    patient_id: str | None = None,
) -> int:
    """Add one entry inside the caller's write transaction; returns its seq."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    head = conn.execute(sa.text("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")).first()
    seq, prev = (int(head[0]) + 1, str(head[1])) if head else (1, GENESIS)
    entry: dict[str, Any] = {
        "seq": seq,
        "at_utc": now_utc(),
        "actor": actor,
        "action": action,
        "series_id": series_id,
        "patient_id": patient_id,
        "detail": canonical(dict(detail)),
        "prev_hash": prev,
    }
    entry["hash"] = entry_hash(entry)
    conn.execute(
        sa.text(
            "INSERT INTO audit (seq, at_utc, actor, action, series_id, patient_id, detail, "
            "prev_hash, hash) VALUES (:seq, :at_utc, :actor, :action, :series_id, :patient_id, "
            ":detail, :prev_hash, :hash)"
        ),
        entry,
    )
    outcome.note(entry)  # the write's id, should its connection be lost during COMMIT
    return seq


@dataclass(frozen=True)
class AuditCheck:
    """The result of checking the chain: ``first_bad_seq`` and ``reason`` when it is broken."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""
    head_hash: str | None = None

    def message(self) -> str:
        if self.ok:
            head = self.head_hash or GENESIS
            return f"Audit trail intact: {self.entries} entries, head {head}."
        return f"Audit trail BROKEN at entry {self.first_bad_seq}: {self.reason}."


def _problem(row: Mapping[str, Any], expected_seq: int, prev: str) -> str | None:
    seq = int(row["seq"])
    if seq != expected_seq:
        return f"entries {expected_seq}..{seq - 1} are missing (the numbering jumps)"
    if row["prev_hash"] != prev:
        return "its link to the entry before is broken (an earlier entry was altered or removed)"
    try:
        if canonical(json.loads(row["detail"])) != row["detail"]:
            return "its detail was edited (not in the form PlexRT writes)"
    except (TypeError, ValueError):
        return "its detail is not valid JSON (edited by hand)"
    if entry_hash({**row, "seq": seq}) != row["hash"]:
        return "its content does not match its hash (altered)"
    return None


def verify(conn: sa.Connection) -> AuditCheck:
    """Walk the whole chain in order of seq (in pages, so a long trail needs little memory)."""
    expected, prev, count = 1, GENESIS, 0
    query = sa.text(
        "SELECT seq, at_utc, actor, action, series_id, patient_id, detail, prev_hash, hash "
        "FROM audit WHERE seq > :after ORDER BY seq LIMIT :n"
    )
    after = 0
    while True:
        rows = conn.execute(query, {"after": after, "n": _PAGE}).mappings().all()
        if not rows:
            break
        for row in rows:
            problem = _problem(dict(row), expected, prev)
            if problem:
                bad = min(int(row["seq"]), expected)
                return AuditCheck(False, count, bad, problem)
            prev, expected, count = row["hash"], expected + 1, count + 1
        after = int(rows[-1]["seq"])
    return AuditCheck(True, count, head_hash=prev if count else None)


def _where(series_id: str | None, actor: str | None, action: str | None) -> str:
    """The filter clause (fixed text; the values are bound as parameters)."""
    parts = [
        clause
        for value, clause in (
            (series_id, "series_id = :series_id"),
            (actor, "actor = :actor"),
            (action, "action = :action"),
        )
        if value is not None
    ]
    return f"WHERE {' AND '.join(parts)}" if parts else ""


def log(
    conn: sa.Connection,
    series_id: str | None = None,
    limit: int | None = None,
    *,
    actor: str | None = None,
    action: str | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """Entries, newest first (all, or those of one series / actor / action; at most ``limit``,
    after skipping the ``offset`` newest)."""
    where = _where(series_id, actor, action)
    cap = "LIMIT :limit" if limit is not None else ""
    skip = "OFFSET :offset" if offset else ""
    cols = "seq, at_utc, actor, action, series_id, patient_id, detail, prev_hash, hash"
    sql = f"SELECT {cols} FROM audit {where} ORDER BY seq DESC {cap} {skip}"  # noqa: S608
    params = {
        "series_id": series_id,
        "actor": actor,
        "action": action,
        "limit": limit,
        "offset": offset,
    }
    result = conn.execute(sa.text(sql), params)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def count(
    conn: sa.Connection,
    series_id: str | None = None,
    *,
    actor: str | None = None,
    action: str | None = None,
) -> int:
    """How many entries the same filter selects (for pages of the trail)."""
    sql = f"SELECT COUNT(*) FROM audit {_where(series_id, actor, action)}"  # noqa: S608
    params = {"series_id": series_id, "actor": actor, "action": action}
    return int(conn.execute(sa.text(sql), params).scalar_one())


def actors(conn: sa.Connection) -> list[str]:
    """Everyone who appears in the trail, sorted (the choices of the audit page's filter)."""
    rows = conn.execute(sa.text("SELECT DISTINCT actor FROM audit ORDER BY actor")).scalars()
    return [str(a) for a in rows]


def series_names(conn: sa.Connection) -> dict[str, str]:
    """{series id: name} of every series the trail names, as the audit page offers them: its name
    now, or, once deleted, the name its last import or deletion recorded with '(deleted)' (the
    trail of a deleted series is what one looks for after a deletion); sorted by name."""
    in_trail = (
        conn.execute(sa.text("SELECT DISTINCT series_id FROM audit WHERE series_id IS NOT NULL"))
        .scalars()
        .all()
    )
    stored: dict[str, str] = {
        str(sid): str(name)
        for sid, name in conn.execute(sa.text("SELECT series_id, name FROM own_series")).all()
    }
    recorded = conn.execute(
        sa.text(
            "SELECT series_id, detail FROM audit WHERE series_id IS NOT NULL "
            "AND action IN ('import', 'delete') ORDER BY seq"
        )
    ).all()
    last_name: dict[str, str] = {}
    for sid, detail in recorded:
        try:
            name = json.loads(detail).get("name")
        except (TypeError, ValueError, AttributeError):  # an entry edited by hand: verify says so
            continue
        if isinstance(name, str):
            last_name[sid] = name
    names = {
        str(sid): str(stored[sid]) if sid in stored else f"{last_name.get(sid, sid)} (deleted)"
        for sid in in_trail
    }
    return dict(sorted(names.items(), key=lambda kv: (kv[1], kv[0])))
