"""A department's own series in the store: import (create or replace), read, list, delete.

Every write here runs inside one transaction opened by ``UserStore`` (which holds the write lock):
the rows, the change history and the audit entry are committed together or not at all.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from plexrt.data.access import Principal, require_role
from plexrt.data.own_schema import TABLES, OwnSeriesFrames
from plexrt.data.userstore import audit, sharing
from plexrt.data.userstore.bulk import insert_frame, kinds_of, next_id, read_frame
from plexrt.data.userstore.changes import HISTORY_COLUMNS, counts, decode, diff
from plexrt.data.userstore.checks import frame_problems, metadata_problems
from plexrt.data.userstore.errors import SeriesInvalid
from plexrt.data.userstore.literature import now
from plexrt.data.values import key_shown

Validator = Callable[[OwnSeriesFrames], Sequence[object]]
ROW_BY_ROW_LIMIT = 2000  # larger changes rewrite the series' rows on the bulk path
_HISTORY_KINDS = {
    "change_id": "integer",
    "batch_id": "integer",
    "series_id": "text",
    "table_name": "text",
    "change_kind": "text",
    "patient_id": "text",
    "course_no": "integer",
    "assessment_no": "integer",
    "column_name": "text",
    "old_value": "text",
    "new_value": "text",
}


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the series, whether it was new, the change batch (None when the file
    changed nothing), the rows stored, and the rows added / changed / removed and values changed."""

    series_id: str
    name: str
    created: bool
    batch_id: int | None
    patients: int
    courses: int
    assessments: int
    rows_added: int = 0
    rows_changed: int = 0
    rows_removed: int = 0
    cells_changed: int = 0

    @property
    def unchanged(self) -> bool:
        return self.batch_id is None


def _sql_table(table: str) -> str:
    return f"own_{table}"


def _scope(patients: Sequence[str] | None) -> str:
    return "" if patients is None else " AND patient_id IN :ids"


def load_frames(
    conn: sa.Connection, series_id: str, patients: Sequence[str] | None = None
) -> OwnSeriesFrames:
    """The series' rows (only those of ``patients``, each patient whole, when given)."""
    tables = {}
    for table, (columns, key) in TABLES.items():
        kinds = kinds_of(columns)
        tables[table] = read_frame(
            conn,
            f"SELECT {', '.join(kinds)} FROM {_sql_table(table)} "  # noqa: S608 -- schema names
            f"WHERE series_id = :s{_scope(patients)} ORDER BY {', '.join(key)}",
            {"s": series_id} | ({} if patients is None else {"ids": list(patients)}),
            kinds,
        )
    return OwnSeriesFrames(**tables)


def content_hash(frames: OwnSeriesFrames) -> str:
    """A fingerprint of the rows (order-free: each row hashed, the row hashes sorted as
    numbers): an identical re-import is recognised at once."""
    h = hashlib.sha256()
    for table in TABLES:
        rows = pd.util.hash_pandas_object(frames.table(table), index=False).to_numpy()
        h.update(table.encode())
        h.update(np.sort(rows).tobytes())
    return h.hexdigest()


def run_validator(validate: Validator | None, frames: OwnSeriesFrames) -> None:
    """The clinical rules of the import side (``validate_own_series``), when given."""
    if validate is not None:
        found = [str(p) for p in validate(frames)]
        if found:
            raise SeriesInvalid(found)


def _validated(
    frames: OwnSeriesFrames, validate: Validator | None, problems: list[str] | None = None
) -> OwnSeriesFrames:
    found = list(problems or []) + frame_problems(frames)
    if found:
        raise SeriesInvalid(found)
    clean = frames.conformed()
    run_validator(validate, clean)
    return clean


def _insert_all(conn: sa.Connection, series_id: str, frames: OwnSeriesFrames) -> None:
    for table, (columns, _) in TABLES.items():
        kinds = {"series_id": "text", **kinds_of(columns)}
        insert_frame(
            conn, _sql_table(table), frames.table(table).assign(series_id=series_id), kinds
        )


def _key_where(table: str) -> str:
    _, key = TABLES[table]
    return " AND ".join(["series_id = :series_id", *(f"{k} = :{k}" for k in key)])


def _key_values(table: str, change: Mapping[str, Any]) -> dict[str, Any]:
    _, key = TABLES[table]
    return {k: (None if pd.isna(change[k]) else change[k]) for k in key}


def _write_rows(conn: sa.Connection, series_id: str, changes: pd.DataFrame) -> None:
    """Apply a small difference statement by statement: removals, updates, then additions."""
    for change in changes[changes["change_kind"] == "removed"].to_dict("records"):
        t = change["table_name"]
        conn.execute(
            sa.text(f"DELETE FROM {_sql_table(t)} WHERE {_key_where(t)}"),  # noqa: S608
            {"series_id": series_id, **_key_values(t, change)},
        )
    cells = changes[changes["change_kind"] == "changed"]
    for (t, *_), rows in cells.groupby(
        ["table_name", "patient_id", "course_no", "assessment_no"], dropna=False, sort=False
    ):
        values = {f"v_{r['column_name']}": decode(r["new_value"]) for r in rows.to_dict("records")}
        sets = ", ".join(f"{k[2:]} = :{k}" for k in values)
        first = rows.iloc[0].to_dict()
        conn.execute(
            sa.text(f"UPDATE {_sql_table(t)} SET {sets} WHERE {_key_where(t)}"),  # noqa: S608
            {"series_id": series_id, **_key_values(t, first), **values},
        )
    for change in changes[changes["change_kind"] == "added"].to_dict("records"):
        t = change["table_name"]
        row = {"series_id": series_id, **json.loads(change["new_value"])}
        cols = list(row)
        conn.execute(
            sa.text(
                f"INSERT INTO {_sql_table(t)} ({', '.join(cols)}) "  # noqa: S608
                f"VALUES ({', '.join(':' + c for c in cols)})"
            ),
            row,
        )


def write_batch(
    conn: sa.Connection,
    p: Principal,
    series_id: str,
    kind: str,
    changes: pd.DataFrame,
    new: OwnSeriesFrames,
    undoes: int | None = None,
    patients: Sequence[str] | None = None,
) -> int:
    """Store the new state, the change batch and its history rows; returns the batch id.

    ``new`` holds the whole series, or (``patients`` given) the whole rows of those patients."""
    if len(changes) > ROW_BY_ROW_LIMIT:
        params: dict[str, Any] = {"s": series_id}
        if patients is not None:
            params["ids"] = list(patients)
        for table in TABLES:
            sql = f"DELETE FROM {_sql_table(table)} WHERE series_id = :s{_scope(patients)}"  # noqa: S608
            statement = sa.text(sql)
            if patients is not None:
                statement = statement.bindparams(sa.bindparam("ids", expanding=True))
            conn.execute(statement, params)
        _insert_all(conn, series_id, new)
    else:
        _write_rows(conn, series_id, changes)
    batch_id = next_id(conn, "change_batches", "batch_id")
    conn.execute(
        sa.text(
            "INSERT INTO change_batches (batch_id, series_id, kind, actor, at_utc, undoes_batch, "
            "rows_added, rows_changed, rows_removed, cells_changed) VALUES (:b, :s, :k, :a, "
            ":at, :u, :rows_added, :rows_changed, :rows_removed, :cells_changed)"
        ),
        {"b": batch_id, "s": series_id, "k": kind, "a": p.user_id, "at": audit.now_utc()}
        | {"u": undoes}
        | counts(changes),
    )
    first = next_id(conn, "change_history", "change_id")
    history = changes[list(HISTORY_COLUMNS)].assign(
        change_id=range(first, first + len(changes)), batch_id=batch_id, series_id=series_id
    )
    insert_frame(conn, "change_history", history, _HISTORY_KINDS)
    # The fingerprint covers the whole series: after a change to some patients it is unknown
    # until the next import computes it (which then compares the rows one by one).
    digest = content_hash(new) if patients is None else None
    sharing.touch(conn, p, series_id, content_hash=digest)
    return batch_id


def _sizes(frames: OwnSeriesFrames) -> dict[str, int]:
    return {t: len(frames.table(t)) for t in TABLES}


def _create(conn: sa.Connection, p: Principal, prepared: PreparedImport) -> ImportResult:
    name, frames, meta = prepared.name, prepared.frames, prepared.meta
    series_id = f"own-{uuid.uuid4().hex[:12]}"
    at = now()
    row = {
        "series_id": series_id,
        "name": name,
        "owner": p.user_id,
        "sharing": "private",
        "content_hash": prepared.digest,
        "created_at": at,
        "created_by": p.user_id,
        "updated_at": at,
        "updated_by": p.user_id,
        **meta,
    }
    cols = list(row)
    conn.execute(
        sa.text(
            f"INSERT INTO own_series ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"  # noqa: S608
        ),
        row,
    )
    _insert_all(conn, series_id, frames)
    sizes = _sizes(frames)
    batch_id = next_id(conn, "change_batches", "batch_id")
    conn.execute(
        sa.text(
            "INSERT INTO change_batches (batch_id, series_id, kind, actor, at_utc, rows_added, "
            "rows_changed, rows_removed, cells_changed) VALUES (:b, :s, 'import', :a, :at, :n, 0, 0, 0)"
        ),
        {
            "b": batch_id,
            "s": series_id,
            "a": p.user_id,
            "at": audit.now_utc(),
            "n": sum(sizes.values()),
        },
    )
    audit.append(
        conn,
        actor=p.user_id,
        action="import",
        series_id=series_id,
        detail={"name": name, "created": True, "batch_id": batch_id, **sizes}
        | {"pseudonymised": meta["pseudonymised"]},
    )
    return ImportResult(series_id, name, True, batch_id, **sizes, rows_added=sum(sizes.values()))


@dataclass(frozen=True)
class PreparedImport:
    """A series checked whole and ready to write: its name, rows, fingerprint and record fields."""

    name: str
    frames: OwnSeriesFrames
    digest: str
    meta: dict[str, Any]
    seen: str | None = None  # fingerprint of the stored rows an update's changes were shown against


def prepare_import(
    p: Principal,
    name: str,
    frames: OwnSeriesFrames,
    *,
    mapping: Mapping[str, Any] | None,
    pseudonymised: bool,
    institution: str | None,
    period: str | None,
    validate: Validator | None,
    previous: OwnSeriesFrames | None = None,
) -> PreparedImport:
    """Everything an import checks that needs no database (done before the write lock is taken).
    ``previous``: the stored rows an update's changes were worked out (and shown) against."""
    require_role(p, "editor", "import a series")
    new = _validated(frames, validate, metadata_problems(name, institution, period, mapping))
    meta = {
        "institution": (institution or "").strip() or None,
        "period_text": (period or "").strip() or None,
        "pseudonymised": bool(pseudonymised),
        "column_mapping": None if mapping is None else audit.canonical(dict(mapping)),
    }
    seen = None if previous is None else content_hash(previous)
    return PreparedImport(name.strip(), new, content_hash(new), meta, seen)


def apply_import(
    conn: sa.Connection,
    p: Principal,
    prepared: PreparedImport,
    series_id: str | None = None,
    *,
    create_only: bool = False,
) -> ImportResult:
    """Create the series, or bring its stored rows to ``prepared`` (inside the write transaction).

    ``series_id`` names the series to update; without it the name does (``sharing.named``: the
    importer's own series of that name, else the only one they may see; a series they may not see
    is never matched, and its name stays free for them). ``create_only``: only a new series may be
    created (the import was checked and shown as one)."""
    name, new, meta = prepared.name, prepared.frames, prepared.meta
    if series_id is None:
        row = sharing.series_named(conn, p, name)
        if row is None:
            return _create(conn, p, prepared)
        if create_only:
            # Two sessions importing one name as new: the second would replace the rows of the
            # first's series, a change its user never saw (no diff was shown for a new series).
            raise SeriesInvalid(
                [
                    f"name: a series called '{key_shown(name)}' was stored meanwhile (by another "
                    "session or import); import the files again to see what an update of it "
                    "changes, or give another name"
                ]
            )
        series_id = str(row["series_id"])
    row = sharing.checked(conn, p, series_id, "edit")
    if row["name"] != name:
        shown = f"'{key_shown(name)}' is not the name of the series {series_id}"
        raise SeriesInvalid([f"name: {shown} ('{key_shown(row['name'])}')"])
    if prepared.digest == row["content_hash"]:
        changes = pd.DataFrame(columns=list(HISTORY_COLUMNS))  # the same rows: no change
    else:
        stored = load_frames(conn, series_id)
        if prepared.seen is not None and content_hash(stored) != prepared.seen:
            # The update's changes (and the removals its user allowed) were worked out against
            # rows another session has changed since: writing the file's rows now would remove,
            # unseen, a follow-up entry recorded meanwhile.
            raise SeriesInvalid(
                [
                    f"series: '{key_shown(name)}' was changed in another session since this "
                    "update's changes were worked out (follow-up recorded or undone, or another "
                    "import); nothing was written: import the files again to see what the update "
                    "changes now"
                ]
            )
        changes = diff(stored, new)
    sizes = _sizes(new)
    meta_changed = {k: v for k, v in meta.items() if row[k] != v}
    if changes.empty and not meta_changed:
        return ImportResult(series_id, name, False, None, **sizes)
    batch_id = None
    if not changes.empty:
        batch_id = write_batch(conn, p, series_id, "reimport", changes, new)
    if meta_changed:
        sharing.touch(conn, p, series_id, **meta_changed)
    tally = counts(changes)
    audit.append(
        conn,
        actor=p.user_id,
        action="import",
        series_id=series_id,
        detail={"name": name, "created": False, "batch_id": batch_id, **sizes, **tally}
        | {"fields_changed": sorted(meta_changed)},
    )
    return ImportResult(series_id, name, False, batch_id, **sizes, **tally)
