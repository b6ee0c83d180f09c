"""Follow-up of an own series: record changes, keep their history, undo the latest.

A follow-up entry is applied to the series as stored at that moment, inside the write transaction
(so two clinicians recording at once never overwrite each other), validated whole, and stored with
one history row per changed value (who, when, old -> new). Undo reverses the latest batch that is
not undone yet by writing a new batch; pressing it again walks further back. The first import of a
series is not undone this way (delete the series instead).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from plexrt.data.access import Principal
from plexrt.data.own_schema import TABLES, OwnSeriesFrames
from plexrt.data.userstore import audit, sharing
from plexrt.data.userstore.changes import (
    Change,
    apply_changes,
    change_problems,
    counts,
    decode,
    diff,
    key_index,
    plain,
    touched,
)
from plexrt.data.userstore.checks import reference_problems
from plexrt.data.userstore.errors import NothingToUndo, SeriesInvalid
from plexrt.data.userstore.own import (
    Validator,
    load_frames,
    run_validator,
    write_batch,
)
from plexrt.data.userstore.patients import same_patient_codes

AUDIT_DETAIL_LIMIT = 50  # values listed in one audit entry; larger batches give counts only
PATIENT_SCOPE_LIMIT = 1000  # an undo touching more patients reads the whole series


def _audit_changes(changes: pd.DataFrame) -> dict[str, Any]:
    tally = counts(changes)
    if len(changes) > AUDIT_DETAIL_LIMIT:
        return tally
    listed = [
        {k: plain(v) for k, v in row.items() if plain(v) is not None}
        for row in changes.to_dict("records")
    ]
    return {**tally, "changes": listed}


def _one_patient(changes: pd.DataFrame) -> str | None:
    ids = changes["patient_id"].dropna().unique()
    return str(ids[0]) if len(ids) == 1 else None


def record(
    conn: sa.Connection,
    p: Principal,
    series_id: str,
    changes: Iterable[Change],
    validate: Validator | None,
) -> int | None:
    sharing.checked(conn, p, series_id, "edit")
    changes = list(changes)
    if not changes:
        return None
    problems = change_problems(changes)
    if problems:  # before any read: a key that is not valid text must not reach a query
        raise SeriesInvalid(problems)
    # Only the patients the entry concerns are read, each patient whole: every value changed is
    # checked in apply_changes, every row of those patients must keep its parent, and the
    # validator sees each of those patients whole. The other patients were checked when stored and
    # cannot change meanwhile (this runs under the write lock).
    patients = sorted({str(c.key[0]) for c in changes if c.key})
    # A new patient is also read beside any stored patient whose code it respells ('Ｘ１' for
    # 'X1'), so the check below can refuse one patient entered twice.
    added = [str(c.key[0]) for c in changes if c.key and c.table == "patients" and c.op == "add"]
    patients += same_patient_codes(conn, series_id, added) if added else []
    old = load_frames(conn, series_id, patients)
    new, problems = apply_changes(old, changes)
    problems = problems or reference_problems(new)
    if problems:
        raise SeriesInvalid(problems)
    run_validator(validate, new)
    found = diff(old, new, only=touched(changes))
    if found.empty:
        return None
    batch_id = write_batch(conn, p, series_id, "follow_up", found, new, patients=patients)
    audit.append(
        conn,
        actor=p.user_id,
        action="follow_up",
        series_id=series_id,
        patient_id=_one_patient(found),
        detail={"batch_id": batch_id, **_audit_changes(found)},
    )
    return batch_id


def _latest_undoable(conn: sa.Connection, series_id: str) -> tuple[int, str]:
    row = conn.execute(
        sa.text(
            "SELECT batch_id, kind FROM change_batches WHERE series_id = :s AND kind <> 'undo' "
            "AND undone_by_batch IS NULL ORDER BY batch_id DESC LIMIT 1"
        ),
        {"s": series_id},
    ).first()
    if row is None or row[1] == "import":
        raise NothingToUndo(
            "Nothing to undo: the series holds only what was first imported "
            "(delete the series to remove it)."
        )
    return int(row[0]), str(row[1])


def _history(conn: sa.Connection, batch_id: int) -> pd.DataFrame:
    result = conn.execute(
        sa.text(
            "SELECT table_name, change_kind, patient_id, course_no, assessment_no, column_name, "
            "old_value, new_value FROM change_history WHERE batch_id = :b ORDER BY change_id"
        ),
        {"b": batch_id},
    )
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _revert_table(table: str, df: pd.DataFrame, h: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One table with the batch ``h`` reversed: added rows dropped, changed values restored,
    removed rows put back; problems when the table no longer holds what the batch wrote."""
    columns, key = TABLES[table]
    out = df.astype(object).reset_index(drop=True)
    problems = []
    added = h[h["change_kind"] == "added"]
    if len(added):
        gone = key_index(out, key).isin(key_index(added, key))
        if gone.sum() != len(added):
            problems.append(f"{table}: rows this change added were removed since")
        out = out[~gone].reset_index(drop=True)
    for col, cells in h[h["change_kind"] == "changed"].groupby("column_name"):
        at = key_index(out, key).get_indexer(key_index(cells, key))
        if (at < 0).any():
            problems.append(f"{table}, {col}: rows this change edited were removed since")
            continue
        now = [plain(v) for v in out[col].to_numpy()[at]]
        if now != [decode(v) for v in cells["new_value"]]:
            problems.append(f"{table}, {col}: values were changed again since")
            continue
        values = out[col].to_numpy(dtype=object).copy()
        old = np.empty(len(cells), dtype=object)
        old[:] = [decode(v) for v in cells["old_value"]]
        values[at] = old
        out[col] = values
    removed = h[h["change_kind"] == "removed"]
    if len(removed):
        back = pd.DataFrame(
            [decode(v) for v in removed["old_value"]], columns=[c.name for c in columns]
        )
        if key_index(back, key).isin(key_index(out, key)).any():
            problems.append(f"{table}: rows this change removed were added again since")
        out = pd.concat([out, back.astype(object)], ignore_index=True)
    return out, problems


def undo_last(
    conn: sa.Connection,
    p: Principal,
    series_id: str,
    expected_batch: int | None,
    validate: Validator | None,
) -> int:
    sharing.checked(conn, p, series_id, "edit")
    if expected_batch is not None and (
        isinstance(expected_batch, bool) or not isinstance(expected_batch, int | np.integer)
    ):
        raise SeriesInvalid([f"expected_batch: must be a batch number, got {expected_batch!r}"])
    batch_id, _ = _latest_undoable(conn, series_id)
    if expected_batch is not None and batch_id != expected_batch:
        raise SeriesInvalid(
            [
                f"the latest change is now batch {batch_id}, not {expected_batch} (recorded in "
                "another session meanwhile); reload and check before undoing"
            ]
        )
    history = _history(conn, batch_id)
    ids = sorted(set(history["patient_id"].astype(str)))
    patients = ids if len(ids) <= PATIENT_SCOPE_LIMIT else None  # else the whole series
    current = load_frames(conn, series_id, patients)
    tables, problems = {}, []
    for table in TABLES:
        tables[table], found = _revert_table(
            table, current.table(table), history[history["table_name"] == table]
        )
        problems += found
    restored = OwnSeriesFrames(**tables).conformed()
    problems = problems or reference_problems(restored)
    if problems:
        raise SeriesInvalid(problems)
    run_validator(validate, restored)
    only = {t: key_index(history[history["table_name"] == t], k) for t, (_, k) in TABLES.items()}
    found = diff(current, restored, only=only)
    undo = write_batch(
        conn, p, series_id, "undo", found, restored, undoes=batch_id, patients=patients
    )
    conn.execute(
        sa.text("UPDATE change_batches SET undone_by_batch = :u WHERE batch_id = :b"),
        {"u": undo, "b": batch_id},
    )
    audit.append(
        conn,
        actor=p.user_id,
        action="undo",
        series_id=series_id,
        patient_id=_one_patient(found) if len(found) else None,
        detail={"batch_id": undo, "undoes_batch": batch_id, **_audit_changes(found)},
    )
    return undo


_HISTORY_FROM = (
    "FROM change_batches b LEFT JOIN change_history h ON h.batch_id = b.batch_id "
    "WHERE b.series_id = :s"
)
# The lines of one patient: by the (series_id, patient_id) index of change_history (0005); every
# line of a batch has the batch's series.
_OF_PATIENT = " AND h.series_id = :s AND h.patient_id = :p"


def _scope(series_id: str, patient_id: str | None) -> tuple[str, dict[str, Any]]:
    """The rows of the history of the series, or of one patient's rows in it (bound code)."""
    if patient_id is None:
        return _HISTORY_FROM, {"s": series_id}
    return _HISTORY_FROM + _OF_PATIENT, {"s": series_id, "p": str(patient_id)}


def history(
    conn: sa.Connection,
    p: Principal,
    series_id: str,
    patient_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """The recorded changes of the series, newest batch first, values as plain values: every
    line, or (``patient_id``) only the lines of that patient's rows (a batch that changed no row
    of theirs, such as the first import, has none); at most ``limit`` lines when given, after
    skipping the ``offset`` newest."""
    sharing.checked(conn, p, series_id, "read")
    where, params = _scope(series_id, patient_id)
    sql = (
        "SELECT b.batch_id, b.kind, b.actor, b.at_utc, b.undoes_batch, b.undone_by_batch, "
        "h.table_name, h.change_kind, h.patient_id, h.course_no, h.assessment_no, "
        f"h.column_name, h.old_value, h.new_value {where} ORDER BY b.batch_id DESC, h.change_id"
    )
    if limit is not None:
        sql += " LIMIT :n"
        params["n"] = max(0, int(limit))
    if offset:
        sql += " OFFSET :skip"
        params["skip"] = max(0, int(offset))
    result = conn.execute(sa.text(sql), params)
    df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for col in ("old_value", "new_value"):
        df[col] = [decode(v) for v in df[col]]
    for col in ("undoes_batch", "undone_by_batch", "course_no", "assessment_no"):
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    return df


def history_size(
    conn: sa.Connection, p: Principal, series_id: str, patient_id: str | None = None
) -> int:
    """How many lines ``history`` gives without a limit (counted, not read)."""
    sharing.checked(conn, p, series_id, "read")
    where, params = _scope(series_id, patient_id)
    return int(conn.execute(sa.text(f"SELECT count(*) {where}"), params).scalar_one())  # noqa: S608


def batches(conn: sa.Connection, p: Principal, series_id: str) -> pd.DataFrame:
    """One row per change batch of the series, newest first: batch_id, kind, actor, at_utc,
    undone_by_batch and values_changed (its history lines), counted in SQL."""
    sharing.checked(conn, p, series_id, "read")
    result = conn.execute(
        sa.text(
            "SELECT b.batch_id, b.kind, b.actor, b.at_utc, b.undone_by_batch, "
            f"count(h.change_id) AS values_changed {_HISTORY_FROM} "
            "GROUP BY b.batch_id, b.kind, b.actor, b.at_utc, b.undone_by_batch "
            "ORDER BY b.batch_id DESC"
        ),
        {"s": series_id},
    )
    df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    df["undone_by_batch"] = pd.to_numeric(df["undone_by_batch"]).astype("Int64")
    df["values_changed"] = pd.to_numeric(df["values_changed"]).astype("int64")
    return df


def latest_undoable(conn: sa.Connection, p: Principal, series_id: str) -> int | None:
    """The newest entry 'Undo latest entry' reverses (None when only the import is left)."""
    sharing.checked(conn, p, series_id, "read")
    try:
        return _latest_undoable(conn, series_id)[0]
    except NothingToUndo:
        return None
