"""The patients of an own series one at a time: their codes, and one patient's rows.

A page showing one patient of a registry (100,000 courses) reads that patient's rows, never the
whole series; the codes alone are read to find a patient by study code."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from plexrt.data.own_schema import OwnSeriesFrames, plain_code
from plexrt.data.userstore.own import load_frames


def codes(conn: sa.Connection, series_id: str) -> list[str]:
    """Every patient code of the series, as stored (in the database's order)."""
    return list(
        conn.execute(
            sa.text("SELECT patient_id FROM own_patients WHERE series_id = :s"), {"s": series_id}
        ).scalars()
    )


def same_patient_codes(conn: sa.Connection, series_id: str, codes_: Sequence[str]) -> list[str]:
    """The series' patient codes that are ``codes_`` written otherwise (``plain_code``): a new
    patient 'Ｘ１' is checked against the stored 'X1'."""
    given = set(codes_)
    wanted = {plain_code(c) for c in given}
    return [c for c in codes(conn, series_id) if plain_code(c) in wanted and c not in given]


def one_patient(conn: sa.Connection, series_id: str, patient_id: str) -> OwnSeriesFrames:
    """The rows of one patient (patients, courses, assessments; empty tables when the series
    holds no such code), read by the bound code."""
    return load_frames(conn, series_id, [patient_id])
