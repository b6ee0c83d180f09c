"""Oral morphine equivalent daily dose (OMED) of a site's analgesics.

OMED = sum over opioids of mg/day x conversion factor. The factors are data, not code: they live in
``data/opioid_factors.csv`` (the store's table ``opioid_factors``) and every function here takes
that table as a DataFrame with columns table_key, table_label, drug, route, factor, source. They are
population estimates (CDC 2022, or Von Korff 2008 / CDC 2016), not individual conversions; every
display of OMED should say so.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical.inputs import require_columns
from plexrt.data.values import finite_float, is_missing

DEFAULT_FACTOR_TABLE = "cdc2022"
FACTOR_COLUMNS = ("table_key", "table_label", "drug", "route", "factor", "source")

# Table 1 of the paper gives daily doses without a route; the factors are for oral dosing, so a
# blank route is read as oral ("po" is oral too).
ORAL = "oral"
_ORAL_WORDS = frozenset({"", "oral", "po"})

_Factors = dict[tuple[str, str], float]


def factor_tables(factors: pd.DataFrame) -> dict[str, str]:
    """{table_key: table_label} of the factor tables, in the order of the factor table."""
    require_columns(factors, "factors", ("table_key", "table_label"))
    pairs = factors[["table_key", "table_label"]].drop_duplicates("table_key")
    return dict(zip(pairs["table_key"], pairs["table_label"], strict=True))


def table_label(factors: pd.DataFrame, table: str) -> str:
    """The name of a factor table as its data file gives it ('CDC 2022'); ValueError if unknown."""
    tables = factor_tables(factors)
    if table not in tables:
        raise ValueError(f"table must be one of {', '.join(map(str, tables))}, got {table!r}")
    return str(tables[table])


def omed_header(factors: pd.DataFrame, table: str, what: str = "Baseline OMED") -> str:
    """A column header that names the table: 'Baseline OMED (mg/day, CDC 2022 factors)'."""
    return f"{what} (mg/day, {table_label(factors, table)} factors)"


def factor_note(factors: pd.DataFrame, table: str) -> str:
    """The footnote of every OMED shown: the table and each of its factors."""
    fmap = _factor_map(factors, table)
    listed = ", ".join(
        f"{drug} × {f:g}" + ("" if route == ORAL else f" ({route})")
        for (drug, route), f in sorted(fmap.items())
    )
    return (
        f"OMED = Σ opioid mg/day × factor, with the {table_label(factors, table)} factors for "
        f"oral dosing: {listed} (population estimates, not individual conversions)."
    )


def table_headers(factors: pd.DataFrame, table: str) -> dict[str, str]:
    """Readable headers of ``analgesic_table``, each naming the factor table."""
    label = table_label(factors, table)
    return {
        "course_id": "Site",
        "opioids": f"Opioids (mg/day × {label} factor)",
        "non_opioids": "Non-opioids (not converted)",
        "omed_mg": omed_header(factors, table),
    }


def _factor_map(factors: pd.DataFrame, table: str) -> _Factors:
    """{(drug, route): factor} of one table; ValueError for an unknown table."""
    require_columns(factors, "factors", ("table_key", "drug", "route", "factor"))
    keys = list(pd.unique(factors["table_key"]))
    if table not in keys:
        raise ValueError(f"table must be one of {', '.join(map(str, keys))}, got {table!r}")
    rows = factors[factors["table_key"] == table]
    return {
        (str(d).strip().lower(), str(r).strip().lower()): float(f)
        for d, r, f in zip(rows["drug"], rows["route"], rows["factor"], strict=True)
    }


def _route(value: Any) -> str:
    if is_missing(value) or str(value).strip().lower() in _ORAL_WORDS:
        return ORAL
    return str(value).strip().lower()


def _truthy(v: Any, name: str) -> bool:
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, numbers.Integral) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return v.strip().lower() == "true"
    raise ValueError(f"{name} must be true or false, got {v!r}")


def _rows(rows: Any) -> list[Mapping[str, Any]]:
    if isinstance(rows, pd.DataFrame):
        return rows.to_dict("records")
    if isinstance(rows, Mapping | pd.Series):
        return [rows]
    if isinstance(rows, Iterable) and not isinstance(rows, str):
        return list(rows)
    raise ValueError(f"rows must be a DataFrame or an iterable of dict-like rows, got {rows!r}")


def _opioid_mg(row: Mapping[str, Any], drug: str) -> float:
    mg = row["mg_per_day"]
    if isinstance(mg, bool | np.bool_) or not isinstance(mg, numbers.Real) or is_missing(mg):
        raise ValueError(f"mg_per_day of opioid {drug!r} must be a number, got {mg!r}")
    x = finite_float(mg)
    if x is None or x < 0:  # an infinite dose, or one beyond any float (10**400)
        raise ValueError(f"mg_per_day of opioid {drug!r} must be 0 or more, got {mg!r}")
    return x


def _factor(row: Mapping[str, Any], drug: str, fmap: _Factors, table: str) -> float | None:
    """The factor of an analgesic row; None for a non-opioid (contributes 0)."""
    known = {d for d, _ in fmap}
    if not _truthy(row["is_opioid"], f"is_opioid of {drug}"):
        if drug in known:
            raise ValueError(f"drug {drug!r} is an opioid but is marked is_opioid = false")
        return None
    if drug not in known:
        raise ValueError(
            f"no oral morphine equivalent factor for opioid {drug!r} in table {table!r}"
        )
    route = _route(row.get("route"))
    if (drug, route) not in fmap:
        routes = sorted(r for d, r in fmap if d == drug)
        raise ValueError(
            f"route {row.get('route')!r} of {drug!r}: table {table!r} has factors for "
            f"{', '.join(routes)} only"
        )
    return fmap[(drug, route)]


def _omed(rows: Any, fmap: _Factors, table: str) -> float:
    total = 0.0
    for row in _rows(rows):
        for col in ("drug", "mg_per_day", "is_opioid"):
            if col not in row:
                raise ValueError(f"analgesic row lacks column {col!r}: {dict(row)!r}")
        drug = row["drug"]
        if not isinstance(drug, str) or not drug.strip():
            raise ValueError(f"drug must be a drug name, got {drug!r}")
        drug = drug.strip().lower()
        factor = _factor(row, drug, fmap, table)
        if factor is not None:
            total += factor * _opioid_mg(row, drug)
    return total


def omed_mg(rows: Any, factors: pd.DataFrame, table: str = DEFAULT_FACTOR_TABLE) -> float:
    """Daily oral morphine equivalent dose (mg) of one course's analgesic rows.

    ``rows``: a DataFrame or dict-like rows with ``drug`` (lowercase name), ``mg_per_day`` and
    ``is_opioid``; an optional ``route`` that is missing/blank is taken as oral (Table 1 of the
    paper gives daily doses without a route; the factors are for oral dosing); a route without a
    factor in ``table`` raises. Non-opioids contribute 0. An opioid without a factor in ``table``,
    an opioid with an unknown dose, or a drug of the table marked as a non-opioid raises
    ValueError -- never a silent 0. ``factors``: the factor table (see the module docstring).
    """
    return _omed(rows, _factor_map(factors, table), table)


def omed_by_course(
    analgesics: pd.DataFrame,
    factors: pd.DataFrame,
    table: str = DEFAULT_FACTOR_TABLE,
    timepoint: str | None = None,
) -> pd.Series:
    """OMED (mg/day) per course, a float Series indexed by ``course_id``.

    Courses that appear with no opioid rows get 0.0; courses with no analgesic rows at all are
    absent (unknown, not 0). If ``analgesics`` has a ``timepoint`` column with more than one
    value, ``timepoint`` ("baseline" / "after") must say which to use.
    """
    require_columns(analgesics, "analgesics", ("course_id", "drug", "mg_per_day", "is_opioid"))
    fmap = _factor_map(factors, table)
    df = analgesics
    if timepoint is not None:
        if "timepoint" not in df:
            raise ValueError("timepoint given but analgesics has no 'timepoint' column")
        df = df[df["timepoint"] == timepoint]
    elif "timepoint" in df and df["timepoint"].nunique(dropna=False) > 1:
        raise ValueError(
            "analgesics mixes timepoints "
            f"{sorted(map(str, df['timepoint'].unique()))}; pass timepoint="
        )
    ids = pd.unique(df["course_id"])
    values = _omed_columns(df, fmap, table).reindex(ids).to_numpy() if len(df) else []
    return pd.Series(values, index=pd.Index(ids, name="course_id"), dtype="float64", name="omed_mg")


def _row_factors(df: pd.DataFrame, fmap: _Factors, table: str) -> tuple[np.ndarray, np.ndarray]:
    """(factor per row, 0 for a non-opioid; rows ``_omed`` refuses). The rules are ``_factor``'s:
    it runs once per distinct (drug, is_opioid, route)."""
    key = pd.DataFrame(
        {
            "drug": df["drug"].to_numpy(),
            "is_opioid": df["is_opioid"].to_numpy(),
            "route": df["route"].to_numpy() if "route" in df else None,
        }
    )
    groups = key.groupby(list(key.columns), dropna=False, sort=False)
    factors, refused = [], []
    for row in groups.head(1).to_dict("records"):
        drug = row["drug"]
        try:
            if not isinstance(drug, str) or not drug.strip():
                raise ValueError
            factors.append(_factor(row, drug.strip().lower(), fmap, table) or 0.0)
            refused.append(False)
        except ValueError:
            factors.append(0.0)
            refused.append(True)
    code = groups.ngroup().to_numpy()
    return np.asarray(factors)[code], np.asarray(refused, dtype=bool)[code]


def _refused_mg(mg: pd.Series, opioid: np.ndarray) -> np.ndarray:
    """Opioid rows whose mg_per_day ``_opioid_mg`` refuses (not a number, unknown, < 0, inf)."""
    if pd.api.types.is_numeric_dtype(mg) and not pd.api.types.is_bool_dtype(mg):
        x = mg.to_numpy(dtype="float64")
        return opioid & ~(np.isfinite(x) & (x >= 0))
    ok = [not o or _mg_ok(v) for v, o in zip(mg, opioid, strict=True)]
    return ~np.asarray(ok, dtype=bool)


def _mg_ok(value: Any) -> bool:
    try:
        _opioid_mg({"mg_per_day": value}, "")
    except ValueError:
        return False
    return True


def _omed_columns(df: pd.DataFrame, fmap: _Factors, table: str) -> pd.Series:
    """OMED per course over whole columns (the sum ``_omed`` takes, one group per course). A row
    ``_omed`` refuses is refused with its message: the refused rows go through ``_omed`` in the
    order it would meet them (course by course)."""
    for col in ("drug", "mg_per_day", "is_opioid"):
        if col not in df:
            _omed(df.head(1), fmap, table)
    factor, refused = _row_factors(df, fmap, table)
    refused |= _refused_mg(df["mg_per_day"], factor > 0)
    if refused.any():
        rank = pd.Series(range(len(df)), index=df.index).groupby(df["course_id"].to_numpy())
        order = np.lexsort((np.arange(len(df)), rank.transform("min").to_numpy()))
        _omed(df.iloc[order[refused[order]]], fmap, table)
    mg = pd.to_numeric(df["mg_per_day"], errors="coerce").to_numpy(dtype="float64")
    contribution = np.where(factor > 0, factor * np.nan_to_num(mg), 0.0)
    return pd.Series(contribution).groupby(df["course_id"].to_numpy(), sort=False).sum()


def single_opioid_omed(
    opioids: pd.DataFrame, factors: pd.DataFrame, table: str = DEFAULT_FACTOR_TABLE
) -> np.ndarray:
    """``omed_mg`` of each row of ``opioids`` (``drug``, ``mg_per_day``, ``route``) taken alone as
    one opioid, over whole columns; NaN where ``omed_mg`` refuses the row (no factor for the drug
    or route, a dose not given, negative or infinite)."""
    df = opioids[["drug", "mg_per_day", "route"]].assign(is_opioid=True)
    fmap = _factor_map(factors, table)
    factor, refused = _row_factors(df, fmap, table)
    mg = df["mg_per_day"].to_numpy(dtype="float64")
    refused |= ~(np.isfinite(mg) & (mg >= 0))
    return np.where(refused, np.nan, 0.0 + factor * np.where(refused, 0.0, mg))


def analgesic_table(
    analgesics: pd.DataFrame, factors: pd.DataFrame, table: str = DEFAULT_FACTOR_TABLE
) -> pd.DataFrame:
    """Per site: opioids with mg/day and their factor, non-opioids listed (not converted), OMED
    at baseline. An opioid without a factor in ``table`` (e.g. transdermal fentanyl in an own
    series) is listed as such and leaves the site's OMED unknown (NaN), never 0."""
    columns = ["course_id", "opioids", "non_opioids", "omed_mg"]
    base = analgesics[analgesics["timepoint"] == "baseline"]
    if base.empty:
        return pd.DataFrame(columns=columns)
    fmap = _factor_map(factors, table)
    course = base["course_id"].to_numpy()
    ids = pd.unique(course)
    opioid = base["is_opioid"].to_numpy(dtype=bool)
    route = base.get("route", pd.Series(None, index=base.index, dtype=object))
    text = _per_distinct(
        pd.DataFrame({"d": base["drug"], "mg": base["mg_per_day"], "r": route, "o": opioid}),
        lambda d, mg, r, o: _opioid_text(d, mg, r, fmap) if o else f"{d} {mg:g} mg",
    )

    def joined(mask: np.ndarray) -> list[str]:
        parts: dict[Any, list[str]] = {}
        for c, t in zip(course[mask], text[mask], strict=True):
            parts.setdefault(c, []).append(t)
        return ["; ".join(parts[c]) if c in parts else "none" for c in ids]

    # OMED as ``_omed`` sums it; a course with a row ``_omed`` refuses has no OMED (NaN)
    factor, refused = _row_factors(base, fmap, table)
    refused |= _refused_mg(base["mg_per_day"], factor > 0)
    mg = pd.to_numeric(base["mg_per_day"], errors="coerce").to_numpy(dtype="float64")
    contribution = np.where(factor > 0, factor * np.nan_to_num(mg), 0.0)
    per_course = pd.DataFrame({"mg": contribution, "refused": refused}).groupby(course, sort=False)
    sums = per_course.agg({"mg": "sum", "refused": "any"})
    omed = sums["mg"].where(~sums["refused"])
    return pd.DataFrame(
        {
            "course_id": ids,
            "opioids": joined(opioid),
            "non_opioids": joined(~opioid),
            "omed_mg": omed.reindex(ids).to_numpy(dtype="float64"),
        },
        columns=columns,
    )


def _per_distinct(frame: pd.DataFrame, fn: Any) -> np.ndarray:
    """``fn(*row)`` for every row of ``frame``, called once per distinct row."""
    groups = frame.groupby(list(frame.columns), dropna=False, sort=False)
    first = groups.head(1)
    values = [fn(*row) for row in zip(*(first[c] for c in frame.columns), strict=True)]
    return np.asarray(values, dtype=object)[groups.ngroup().to_numpy()]


def _opioid_text(drug: Any, mg: Any, route: Any, fmap: _Factors) -> str:
    """'morphine 30 mg × 1', or the opioid without a factor in the table, named as such."""
    factor = fmap.get((str(drug), _route(route)))
    dose = "dose not given" if is_missing(mg) else f"{mg:g} mg"
    return f"{drug} {dose} × {factor:g}" if factor is not None else f"{drug} {dose} (no factor)"
