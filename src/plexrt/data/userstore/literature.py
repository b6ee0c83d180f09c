"""Published series a user added to the literature comparison (table ``user_series``).

Readable by everyone signed in (they are published figures); added by editors; changed or deleted
by whoever added them or an admin (rows from before sign-in existed have no author: admin only).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from plexrt.data import literature as lit
from plexrt.data import literature_entered as entered
from plexrt.data.access import PermissionDenied, Principal, is_person, require_role
from plexrt.data.literature_rules import validate_series
from plexrt.data.userstore import audit
from plexrt.data.userstore.bulk import read_frame
from plexrt.data.userstore.errors import SeriesInvalid
from plexrt.data.values import entered_number, is_missing

MAX_INT = 2**31 - 1
_COLS = [c.name for c in lit.COLUMNS]
_KINDS = {c.name: c.kind for c in lit.COLUMNS} | {
    entered.ENTERED_TEXT: "text",
    "created_by": "text",
    "created_at": "time",
    "updated_at": "time",
}


def now() -> datetime:
    """UTC now, naive (the store's TIMESTAMP columns hold UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def series(conn: sa.Connection) -> pd.DataFrame:
    """All user-added series, oldest first, in the literature table's columns."""
    cols = ", ".join(_COLS)
    df = read_frame(
        conn,
        f"SELECT {cols}, {entered.ENTERED_TEXT}, created_by, created_at, updated_at "  # noqa: S608
        "FROM user_series "
        "ORDER BY created_at NULLS FIRST, series_key",
        {},
        {k: ("text" if v == "time" else v) for k, v in _KINDS.items()},
    )
    for c in ("created_at", "updated_at"):
        df[c] = pd.to_datetime(df[c])
    return df


def clean(record: Mapping[str, Any]) -> dict[str, Any]:
    """Validated record with numbers as numbers and blanks as None (unknown, never 0); a figure
    typed with words around its number keeps them in ``entered_text``."""
    messages = validate_series(record)
    out: dict[str, Any] = {}
    for spec in lit.COLUMNS:
        if spec.name == "series_key":
            continue
        v = record.get(spec.name)
        if spec.kind in ("integer", "number"):
            whole = spec.kind == "integer"
            out[spec.name] = None if messages else entered_number(v, whole=whole)[0]
            if out[spec.name] is not None and abs(out[spec.name]) > MAX_INT:
                messages.append(f"{spec.name}: is too large")
        else:
            # NUL and length: checked with every text rule in validate_series
            out[spec.name] = None if is_missing(v) else str(v).strip()
    if messages:
        raise SeriesInvalid(messages)
    out[entered.ENTERED_TEXT] = entered.to_json(entered.entered_wording(record))
    return out


def _new_key(record: Mapping[str, Any]) -> str:
    """'user-smith2023-1a2b3c': readable, and never equal to a bundled key."""
    first = re.sub(r"[^a-z]", "", str(record.get("citation", "")).split(" ")[0].lower())[:20]
    year = record.get("year") or ""
    return f"user-{first or 'series'}{year}-{uuid.uuid4().hex[:6]}"


def _author(conn: sa.Connection, key: str) -> tuple[bool, str | None]:
    row = conn.execute(
        sa.text("SELECT created_by FROM user_series WHERE series_key = :k"), {"k": key}
    ).first()
    return (row is not None, row[0] if row else None)


def _require_author(p: Principal, created_by: str | None, what: str) -> None:
    if p.role == "admin":
        return
    if not p.at_least("editor") or not is_person(p, created_by):
        raise PermissionDenied(p, what)


def add(conn: sa.Connection, p: Principal, record: Mapping[str, Any]) -> str:
    require_role(p, "editor", "add a literature series")
    key = insert(conn, p, clean(record))
    audit.append(conn, actor=p.user_id, action="create", detail={"literature_series": key})
    return key


def insert(conn: sa.Connection, p: Principal, clean_record: Mapping[str, Any]) -> str:
    """Insert a record already cleaned (``clean``) under a new key, in the caller's transaction
    (the caller checks access and audits); returns the key."""
    key = _new_key(clean_record)
    row = {
        **clean_record,
        "series_key": key,
        "created_at": now(),
        "updated_at": now(),
        "created_by": p.user_id,
    }
    cols = list(row)
    conn.execute(
        sa.text(
            f"INSERT INTO user_series ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"  # noqa: S608
        ),
        row,
    )
    return key


def update(conn: sa.Connection, p: Principal, key: str, record: Mapping[str, Any]) -> None:
    require_role(p, "editor", "change a literature series")
    values = clean(record)
    found, author = _author(conn, key)
    if not found:
        raise KeyError(f"no user-added series with key {key!r}")
    _require_author(p, author, f"change the literature series {key}")
    sets = ", ".join(f"{c} = :{c}" for c in values)
    conn.execute(
        sa.text(f"UPDATE user_series SET {sets}, updated_at = :updated_at WHERE series_key = :key"),  # noqa: S608
        {**values, "updated_at": now(), "key": key},
    )
    audit.append(conn, actor=p.user_id, action="edit", detail={"literature_series": key})


def delete(
    conn: sa.Connection,
    p: Principal,
    key: str,
    rows_beside: Callable[[sa.Connection, str], int] | None = None,
) -> None:
    """Delete a series; ``rows_beside`` deletes the rows kept beside it under the same key (a
    published curve's: ``curves.delete_rows``) in the same transaction and says how many."""
    found, author = _author(conn, key)
    if not found:
        raise KeyError(f"no user-added series with key {key!r}")
    _require_author(p, author, f"delete the literature series {key}")
    detail: dict[str, Any] = {"literature_series": key}
    patients = rows_beside(conn, key) if rows_beside is not None else 0
    if patients:
        detail["published_curve_patients"] = patients
    conn.execute(sa.text("DELETE FROM user_series WHERE series_key = :k"), {"k": key})
    audit.append(conn, actor=p.user_id, action="delete", detail=detail)
