"""Published Kaplan-Meier curves stored as literature series with individual (reconstructed) times.

A curve series is a row of ``user_series`` (its citation and figures, validated as every series
is: ``plexrt.data.literature.validate_series``) plus, under the same key, the curve's metadata
(``curve_series``), the points and risk table as given (``curve_points``, ``curve_risk``) and one
row per reconstructed patient (``curve_ipd``, times in days). All of it is validated first (every
problem reported at once, ``SeriesInvalid``) and written in one transaction: a refused or failed
save stores nothing. Deleting the series (``UserStore.delete_series``) deletes all of it.

This module is the whole storage of curve series: moving them to another store means porting
``save_curve_series``, ``curve_series``, ``curve_ipd`` and ``curve_inputs`` (and the four tables
of ``user_schema.sql``) and nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.data.userstore import SeriesInvalid, UserStore, prepared_series
from plexrt.data.values import is_missing
from plexrt.data.vocab import CURVE_OUTCOMES, CURVE_TIME_UNITS

__all__ = [
    "CURVE_FLAG",
    "CurveSeries",
    "curve_inputs",
    "curve_ipd",
    "curve_problems",
    "curve_series",
    "is_curve_source",
    "save_curve_series",
]

#: How a reconstructed curve series is flagged wherever it is shown or stored.
CURVE_FLAG = "reconstructed from published curve"
_TEXT_LIMIT = 4000


def is_curve_source(source: Any) -> bool:
    """True when a figure's source says it was reconstructed from a published curve."""
    return not is_missing(source) and str(source).strip().startswith(CURVE_FLAG)


@dataclass(frozen=True)
class CurveSeries:
    """Everything stored for one published curve.

    ``record``: the literature series (user_series columns, with sources for every figure).
    ``points`` / ``risk``: (times, values) as given, in ``time_unit``; ``risk`` None when the paper
    printed no number-at-risk table. ``ipd``: columns ``time_days`` and ``event`` (1/0), one row
    per reconstructed patient. Text fields are stored as given (stripped), None when blank.
    """

    record: Mapping[str, Any]
    outcome: str
    time_unit: str
    method: str
    ipd: pd.DataFrame
    points: tuple[Any, Any]
    risk: tuple[Any, Any] | None = None
    n_patients: int = 0
    total_events: int | None = None
    published_median: float | None = None
    time_zero: str | None = None
    arm: str | None = None
    figure: str | None = None
    cleaning: str | None = None
    fit: str | None = None
    points_file: str | None = None
    risk_file: str | None = None


def _text(v: Any) -> str | None:
    return None if is_missing(v) else str(v).strip()[:_TEXT_LIMIT]


def _finite(values: Any) -> bool:
    arr = np.asarray(values, dtype=float)
    return bool(arr.ndim == 1 and arr.size and np.isfinite(arr).all())


def _ipd_problems(ipd: Any, n_patients: int) -> list[str]:
    if not isinstance(ipd, pd.DataFrame) or not {"time_days", "event"} <= set(ipd.columns):
        return ["ipd: must be a table with columns time_days and event"]
    out = []
    if ipd.empty:
        out.append("ipd: no reconstructed patient")
    elif not _finite(ipd["time_days"]) or (ipd["time_days"] < 0).any():
        out.append("ipd: every time must be a finite number of days, 0 or more")
    if not ipd["event"].isin([0, 1]).all():
        out.append("ipd: event must be 1 (event) or 0 (censored)")
    if n_patients != len(ipd):
        out.append(f"n_patients: {n_patients} given, {len(ipd)} reconstructed patients")
    return out


def _pair_problems(name: str, pair: Any, minimum: int) -> list[str]:
    try:
        a, b = (np.asarray(v, dtype=float) for v in pair)
    except (TypeError, ValueError):
        return [f"{name}: must be two columns of numbers"]
    if a.shape != b.shape or a.ndim != 1 or a.size < minimum or not (_finite(a) and _finite(b)):
        return [f"{name}: must be two equal columns of at least {minimum} finite numbers"]
    return []


def curve_problems(curve: CurveSeries) -> list[str]:
    """Every problem with a curve series (besides its literature record), each naming its field."""
    out = []
    if curve.outcome not in CURVE_OUTCOMES:
        out.append(f"outcome: unknown {curve.outcome!r}; use one of {', '.join(CURVE_OUTCOMES)}")
    if curve.time_unit not in CURVE_TIME_UNITS:
        out.append(
            f"time_unit: unknown {curve.time_unit!r}; use one of {', '.join(CURVE_TIME_UNITS)}"
        )
    if is_missing(curve.method):
        out.append("method: the reconstruction method must be recorded")
    out += _pair_problems("points", curve.points, 2)
    if curve.risk is not None:
        out += _pair_problems("risk", curve.risk, 1)
    out += _ipd_problems(curve.ipd, curve.n_patients)
    if curve.total_events is not None and not 0 <= curve.total_events <= curve.n_patients:
        out.append(f"total_events: must be 0 to {curve.n_patients}, got {curve.total_events}")
    pm = curve.published_median
    if pm is not None and not (isinstance(pm, int | float) and math.isfinite(pm) and pm >= 0):
        out.append(f"published_median: must be a number 0 or more, got {pm!r}")
    return out


def _meta_row(key: str, curve: CurveSeries) -> dict[str, Any]:
    return {
        "series_key": key,
        "outcome": curve.outcome,
        "time_unit": curve.time_unit,
        "time_zero": _text(curve.time_zero),
        "arm": _text(curve.arm),
        "figure": _text(curve.figure),
        "flag": CURVE_FLAG,
        "method": _text(curve.method),
        "cleaning": _text(curve.cleaning),
        "fit": _text(curve.fit),
        "n_patients": int(curve.n_patients),
        "total_events": curve.total_events,
        "published_median": curve.published_median,
        "points_file": _text(curve.points_file),
        "risk_file": _text(curve.risk_file),
    }


def _insert(con: Any, table: str, row: Mapping[str, Any]) -> None:
    cols = list(row)
    con.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608 -- names from this module
        [row[c] for c in cols],
    )


def _insert_frame(con: Any, table: str, frame: pd.DataFrame) -> None:
    cols = list(frame.columns)
    con.executemany(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608 -- names from this module
        frame.astype(object).values.tolist(),
    )


def _rows(key: str, curve: CurveSeries) -> dict[str, pd.DataFrame]:
    t, s = (np.asarray(v, dtype=float) for v in curve.points)
    frames = {
        "curve_points": pd.DataFrame(
            {"series_key": key, "point_no": np.arange(1, t.size + 1), "time": t, "survival": s}
        ),
        "curve_ipd": pd.DataFrame(
            {
                "series_key": key,
                "patient_no": np.arange(1, len(curve.ipd) + 1),
                "time_days": curve.ipd["time_days"].astype(float).to_numpy(),
                "event": curve.ipd["event"].astype(int).to_numpy(),
            }
        ),
    }
    if curve.risk is not None:
        rt, rn = (np.asarray(v, dtype=float) for v in curve.risk)
        frames["curve_risk"] = pd.DataFrame(
            {
                "series_key": key,
                "row_no": np.arange(1, rt.size + 1),
                "time": rt,
                "at_risk": rn.astype(int),
            }
        )
    return frames


def save_curve_series(store: UserStore, curve: CurveSeries) -> str:
    """Validate and store a curve series in one transaction; returns its key. Raises
    SeriesInvalid naming every problem (of the literature record and of the curve); then nothing
    is stored."""
    problems = curve_problems(curve)
    try:
        record = prepared_series(curve.record)
    except SeriesInvalid as exc:
        problems = exc.messages + problems
        record = {}
    if problems:
        raise SeriesInvalid(problems)
    key = record["series_key"]
    with store.transaction() as con:
        _insert(con, "user_series", record)
        _insert(con, "curve_series", _meta_row(key, curve))
        for table, frame in _rows(key, curve).items():
            _insert_frame(con, table, frame)
    return key


_SERIES_COLUMNS = ("citation", "year", "population", "n_patients", "notes")


def curve_series(store: UserStore) -> pd.DataFrame:
    """Every stored curve series, oldest first: its metadata (``curve_series`` columns) with the
    literature series' citation, year, population, n_patients as ``series_n`` and notes."""
    cols = ", ".join(
        f"u.{c}" if c != "n_patients" else "u.n_patients AS series_n" for c in _SERIES_COLUMNS
    )
    with store.reading() as con:
        return con.execute(
            f"SELECT c.*, {cols} FROM curve_series c JOIN user_series u USING (series_key) "  # noqa: S608 -- column names from this module
            "ORDER BY c.created_at, c.series_key"
        ).df()


def curve_ipd(store: UserStore, keys: Iterable[str]) -> pd.DataFrame:
    """The reconstructed patients of the given curve series: series_key, time_days, event."""
    keys = list(keys)
    if not keys:
        return pd.DataFrame(columns=["series_key", "time_days", "event"])
    marks = ", ".join("?" * len(keys))
    with store.reading() as con:
        return con.execute(
            f"SELECT series_key, time_days, event FROM curve_ipd WHERE series_key IN ({marks}) "  # noqa: S608 -- placeholders only
            "ORDER BY series_key, patient_no",
            keys,
        ).df()


def curve_inputs(store: UserStore, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(points: time, survival; risk table: time, at_risk) of a curve series, as given."""
    with store.reading() as con:
        points = con.execute(
            "SELECT time, survival FROM curve_points WHERE series_key = ? ORDER BY point_no", [key]
        ).df()
        risk = con.execute(
            "SELECT time, at_risk FROM curve_risk WHERE series_key = ? ORDER BY row_no", [key]
        ).df()
    return points, risk
