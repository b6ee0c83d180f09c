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


def codes_version(conn: sa.Connection, series_id: str) -> int:
    """The newest change batch of the series that could change its patient codes: an import
    (which writes the rows, not a history line, when it creates the series), or any batch with a
    history line adding or removing a patient row. A follow-up entry that changes a value or adds
    an assessment leaves it as it is; 0 for a series without a batch."""
    return int(
        conn.execute(
            sa.text(
                "SELECT coalesce(max(b.batch_id), 0) FROM change_batches b WHERE b.series_id = :s "
                "AND (b.kind = 'import' OR EXISTS (SELECT 1 FROM change_history h "
                "WHERE h.batch_id = b.batch_id AND h.table_name = 'patients' "
                "AND h.change_kind <> 'changed'))"
            ),
            {"s": series_id},
        ).scalar_one()
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
