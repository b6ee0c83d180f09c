"""Board cases a user chose to keep (table ``user_cases``): saved by editors, seen by whoever saved
them and by admins (cases saved before sign-in existed have no author: admins only)."""

from __future__ import annotations

import uuid
from typing import Any

import pandas as pd
import sqlalchemy as sa

from plexrt.data.access import PermissionDenied, Principal, is_person, require_role
from plexrt.data.text_limits import (
    DATE_MESSAGE,
    HIDDEN_MESSAGE,
    NAME_CHARS,
    hidden_character,
    looks_like_date,
    text_problem,
)
from plexrt.data.userstore import audit
from plexrt.data.userstore.errors import SeriesInvalid
from plexrt.data.userstore.literature import now

MAX_LABEL = NAME_CHARS
COLUMNS = (
    "case_id",
    "saved_at",
    "label",
    "primary_cancer",
    "primary_group",
    "involved_muscle",
    "nrs_before",
    "intent",
    "dose_gy",
    "fractions",
    "saved_by",
)


def _label(label: str | None) -> str | None:
    text = (label or "").strip() or None
    problem = None if text is None else text_problem(text, MAX_LABEL)
    if problem is None and text is not None and hidden_character(text):
        # A label is one line naming the case in a list, as a series name does: a line break,
        # a direction override or an invisible character makes it read as another label.
        problem = HIDDEN_MESSAGE
    if problem is None and text is not None and looks_like_date(text):
        # A saved case is a patient at the board: its label names them to whoever saved it, and
        # a date typed there ('J. Smith b. 1970-01-01') would be the patient's calendar date.
        problem = DATE_MESSAGE
    if problem:
        raise SeriesInvalid([f"label: {problem}"])
    return text


def save(conn: sa.Connection, p: Principal, case: Any, label: str | None) -> str:
    """Keep a board case (a ``plexrt.board.case.Case``; validated here again)."""
    require_role(p, "editor", "save a board case")
    case = case.validate()
    row = {
        "case_id": f"case-{uuid.uuid4().hex[:8]}",
        "saved_at": now(),
        "label": _label(label),
        "primary_cancer": case.primary_cancer,
        "primary_group": case.primary_group,
        "involved_muscle": case.involved_muscle,
        "nrs_before": int(case.nrs_before),
        "intent": case.intent,
        "dose_gy": float(case.dose_gy),
        "fractions": int(case.fractions),
        "saved_by": p.user_id,
    }
    conn.execute(
        sa.text(
            f"INSERT INTO user_cases ({', '.join(COLUMNS)}) "  # noqa: S608 -- schema names
            f"VALUES ({', '.join(':' + c for c in COLUMNS)})"
        ),
        row,
    )
    audit.append(conn, actor=p.user_id, action="create", detail={"board_case": row["case_id"]})
    return str(row["case_id"])


def listing(conn: sa.Connection, p: Principal) -> pd.DataFrame:
    cols = ", ".join(COLUMNS)
    result = conn.execute(sa.text(f"SELECT {cols} FROM user_cases ORDER BY saved_at"))  # noqa: S608
    df = pd.DataFrame(result.fetchall(), columns=list(COLUMNS))
    if p.role != "admin":
        # Matched here, not in SQL: ``is_person`` is the one comparison of stored ids with a person.
        mine = [is_person(p, by) for by in df["saved_by"]]
        df = df[pd.Series(mine, index=df.index, dtype=bool)].reset_index(drop=True)
    df["nrs_before"] = df["nrs_before"].astype("Int64")
    df["fractions"] = df["fractions"].astype("Int64")
    df["dose_gy"] = df["dose_gy"].astype("float64")
    return df


def delete(conn: sa.Connection, p: Principal, case_id: str) -> None:
    """Delete a saved case (nothing happens when it is already gone)."""
    row = conn.execute(
        sa.text("SELECT saved_by FROM user_cases WHERE case_id = :c"), {"c": case_id}
    ).first()
    if row is None:
        return
    mine = is_person(p, row[0]) and p.at_least("editor")
    if not (mine or p.role == "admin"):
        raise PermissionDenied(p, f"delete the saved case {case_id}")
    conn.execute(sa.text("DELETE FROM user_cases WHERE case_id = :c"), {"c": case_id})
    audit.append(conn, actor=p.user_id, action="delete", detail={"board_case": case_id})


def relabel(conn: sa.Connection, p: Principal, case_id: str, label: str | None) -> None:
    """Change the label of a saved case (its clinical values are the case: not edited here)."""
    row = conn.execute(
        sa.text("SELECT saved_by FROM user_cases WHERE case_id = :c"), {"c": case_id}
    ).first()
    if row is None:
        raise KeyError(f"no saved case {case_id!r}")
    mine = is_person(p, row[0]) and p.at_least("editor")
    if not (mine or p.role == "admin"):
        raise PermissionDenied(p, f"change the saved case {case_id}")
    conn.execute(
        sa.text("UPDATE user_cases SET label = :l WHERE case_id = :c"),
        {"l": _label(label), "c": case_id},
    )
    audit.append(conn, actor=p.user_id, action="edit", detail={"board_case": case_id})
