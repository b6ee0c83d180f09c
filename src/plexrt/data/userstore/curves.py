"""Published Kaplan-Meier curves stored as literature series with individual (reconstructed) times
(tables of migration 0002, keyed by the ``user_series`` key of the series they belong to).

A curve series is added like any literature series (editors; readable by everyone signed in, as
published figures are) and deleted with it (``literature.delete`` deletes these rows in the same
transaction). ``prepare`` validates all of it first, outside the write lock: the literature record
(``literature_rules.validate_series``) and the curve (``curve_schema.curve_problems``), every problem at
once; ``add`` then writes the series, the curve's rows and one audit entry in the caller's
transaction, so a refused or failed save stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from plexrt.data.access import Principal, require_role
from plexrt.data.curve_schema import CURVE_FLAG, CurveSeries, curve_problems, text
from plexrt.data.own_schema import DTYPES
from plexrt.data.userstore import audit
from plexrt.data.userstore import literature as user_lit
from plexrt.data.userstore.bulk import insert_frame, read_frame
from plexrt.data.userstore.errors import SeriesInvalid

# Stored columns -> kind (for the fast bulk path); the migration 0002 holds the same lists.
META_KINDS = {
    "series_key": "text",
    "outcome": "text",
    "time_unit": "text",
    "time_zero": "text",
    "arm": "text",
    "figure": "text",
    "flag": "text",
    "method": "text",
    "cleaning": "text",
    "fit": "text",
    "n_patients": "integer",
    "total_events": "integer",
    "published_median": "number",
    "points_file": "text",
    "risk_file": "text",
    "created_by": "text",
}
POINT_KINDS = {"series_key": "text", "point_no": "integer", "time": "number", "survival": "number"}
RISK_KINDS = {"series_key": "text", "row_no": "integer", "time": "number", "at_risk": "integer"}
IPD_KINDS = {
    "series_key": "text",
    "patient_no": "integer",
    "time_days": "number",
    "event": "integer",
}
TABLE_KINDS = {"curve_points": POINT_KINDS, "curve_risk": RISK_KINDS, "curve_ipd": IPD_KINDS}
# Every table whose rows belong to a curve series, children before the parent (delete order).
CHILD_TABLES = ("curve_ipd", "curve_points", "curve_risk", "curve_series")
# The literature series' columns shown with each curve.
_SERIES_COLUMNS = ("citation", "year", "population", "n_patients", "notes")


@dataclass(frozen=True)
class PreparedCurve:
    """A curve series validated whole, ready to write: the literature record (clean values) and
    the curve's metadata and rows (their ``series_key`` is set when written)."""

    record: Mapping[str, Any]
    meta: Mapping[str, Any]
    frames: Mapping[str, pd.DataFrame]


def _meta(curve: CurveSeries) -> dict[str, Any]:
    return {
        "outcome": curve.outcome,
        "time_unit": curve.time_unit,
        "time_zero": text(curve.time_zero),
        "arm": text(curve.arm),
        "figure": text(curve.figure),
        "flag": CURVE_FLAG,
        "method": text(curve.method),
        "cleaning": text(curve.cleaning),
        "fit": text(curve.fit),
        "n_patients": int(curve.n_patients),
        "total_events": None if curve.total_events is None else int(curve.total_events),
        "published_median": None
        if curve.published_median is None
        else float(curve.published_median),
        "points_file": text(curve.points_file),
        "risk_file": text(curve.risk_file),
    }


def _frames(curve: CurveSeries) -> dict[str, pd.DataFrame]:
    t, s = (np.asarray(v, dtype=float) for v in curve.points)
    frames = {
        "curve_points": pd.DataFrame(
            {"point_no": np.arange(1, t.size + 1), "time": t, "survival": s}
        ),
        "curve_ipd": pd.DataFrame(
            {
                "patient_no": np.arange(1, len(curve.ipd) + 1),
                "time_days": curve.ipd["time_days"].astype(float).to_numpy(),
                "event": curve.ipd["event"].astype(int).to_numpy(),
            }
        ),
    }
    if curve.risk is not None:
        rt, rn = (np.asarray(v, dtype=float) for v in curve.risk)
        frames["curve_risk"] = pd.DataFrame(
            {"row_no": np.arange(1, rt.size + 1), "time": rt, "at_risk": rn.astype(int)}
        )
    return frames


def prepare(p: Principal, curve: CurveSeries) -> PreparedCurve:
    """Check access and validate everything; raises SeriesInvalid naming every problem (of the
    literature record and of the curve) or PermissionDenied. Writes nothing."""
    require_role(p, "editor", "import a published curve")
    problems = curve_problems(curve)
    try:
        record = user_lit.clean(curve.record)
    except SeriesInvalid as exc:
        problems = exc.messages + problems
        record = {}
    if problems:
        raise SeriesInvalid(problems)
    return PreparedCurve(record, _meta(curve), _frames(curve))


def add(conn: sa.Connection, p: Principal, prepared: PreparedCurve) -> str:
    """Write a prepared curve series in the caller's transaction; returns its key."""
    key = user_lit.insert(conn, p, prepared.record)
    meta = {**prepared.meta, "series_key": key, "created_by": p.user_id}
    # created_at: the store's clock, as for every literature series (UTC, naive).
    row = {**meta, "created_at": user_lit.now()}
    cols = list(row)
    conn.execute(
        sa.text(
            f"INSERT INTO curve_series ({', '.join(cols)}) "  # noqa: S608 -- schema names
            f"VALUES ({', '.join(':' + c for c in cols)})"
        ),
        row,
    )
    for table, frame in prepared.frames.items():
        insert_frame(conn, table, frame.assign(series_key=key), TABLE_KINDS[table])
    ipd = prepared.frames["curve_ipd"]
    detail = {
        "literature_series": key,
        "published_curve": {
            "outcome": meta["outcome"],
            "patients": int(len(ipd)),
            "events": int(ipd["event"].sum()),
            "points": int(len(prepared.frames["curve_points"])),
            "risk_rows": int(len(prepared.frames.get("curve_risk", ()))),
        },
    }
    audit.append(conn, actor=p.user_id, action="import", detail=detail)
    return key


def delete_rows(conn: sa.Connection, key: str) -> int:
    """Delete the curve rows of one series (inside the caller's transaction); returns how many
    reconstructed patients went with them (0: the series was not a curve)."""
    n = conn.execute(
        sa.text("SELECT count(*) FROM curve_ipd WHERE series_key = :k"), {"k": key}
    ).scalar()
    for table in CHILD_TABLES:
        conn.execute(sa.text(f"DELETE FROM {table} WHERE series_key = :k"), {"k": key})  # noqa: S608 -- schema names
    return int(n or 0)


def listing(conn: sa.Connection) -> pd.DataFrame:
    """Every stored curve series, oldest first: its metadata with the literature series'
    citation, year, population, n_patients as ``series_n`` and notes."""
    kinds = {
        **META_KINDS,
        "citation": "text",
        "year": "integer",
        "population": "text",
        "series_n": "integer",
        "notes": "text",
    }
    lit_cols = ", ".join(
        "u.n_patients AS series_n" if c == "n_patients" else f"u.{c}" for c in _SERIES_COLUMNS
    )
    meta_cols = ", ".join(f"c.{c}" for c in META_KINDS)
    df = read_frame(
        conn,
        f"SELECT {meta_cols}, {lit_cols}, c.created_at FROM curve_series c "  # noqa: S608 -- schema names
        "JOIN user_series u ON u.series_key = c.series_key "
        "ORDER BY c.created_at, c.series_key",
        {},
        {**kinds, "created_at": "text"},
    )
    df["created_at"] = pd.to_datetime(df["created_at"])
    return df


def ipd(conn: sa.Connection, keys: Iterable[str]) -> pd.DataFrame:
    """The reconstructed patients of the given curve series: series_key, time_days, event."""
    keys = [str(k) for k in keys]
    kinds = {"series_key": "text", "time_days": "number", "event": "integer"}
    if not keys:
        return pd.DataFrame({c: pd.Series(dtype=DTYPES[k]) for c, k in kinds.items()})
    return read_frame(
        conn,
        "SELECT series_key, time_days, event FROM curve_ipd WHERE series_key IN :keys "
        "ORDER BY series_key, patient_no",
        {"keys": keys},
        kinds,
    )


def inputs(conn: sa.Connection, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(points: time, survival; risk table: time, at_risk) of a curve series, as given."""
    points = read_frame(
        conn,
        "SELECT time, survival FROM curve_points WHERE series_key = :k ORDER BY point_no",
        {"k": key},
        {"time": "number", "survival": "number"},
    )
    risk = read_frame(
        conn,
        "SELECT time, at_risk FROM curve_risk WHERE series_key = :k ORDER BY row_no",
        {"k": key},
        {"time": "number", "at_risk": "integer"},
    )
    return points, risk
