"""The per-site values the Pain response figures plot, and the summaries printed beside them.

Every function takes site-level rows (``plexrt.data.store.cohort``) and returns what a figure draws:
change in NRS and its response category (waterfall), both scores (paired), weeks to maximum
response with per-group mean / median / range, and EQD2 against change in NRS (dose view). Sites are
in the natural order of their course ids; a missing score is "not assessable", never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical import definitions, dose, pain_scores
from plexrt.clinical.course_order import CourseIds, in_course_order
from plexrt.clinical.endpoints import MIN_GROUP_N
from plexrt.clinical.inputs import flag, require_columns
from plexrt.data import vocab
from plexrt.data.values import NOT_STATED, counted, is_missing

__all__ = [
    "GROUP_BY",
    "NOT_STATED",
    "SITE_COLUMNS",
    "DoseResponse",
    "TimeToMax",
    "category_label",
    "category_order",
    "change_values",
    "dose_response",
    "dose_response_data",
    "in_course_order",
    "paired_data",
    "regimen_counts",
    "regimen_text",
    "time_to_max",
    "time_to_max_sites",
    "time_to_max_summary",
    "waterfall_data",
]


#: Columns every pain view needs from the site rows.
SITE_COLUMNS = ("course_id", "patient_id", "nrs_before", "nrs_after", "dose_gy", "fractions")

#: Grouping option -> (column, canonical category order, words for the codes).
GROUP_BY: dict[str | None, tuple[str | None, tuple[str, ...], dict[str, str]]] = {
    None: (None, ("all",), {}),
    "involved_muscle": ("involved_muscle", vocab.MUSCLES, vocab.MUSCLE_LABELS),
    "intent": ("intent", vocab.INTENTS, vocab.INTENT_LABELS),
    "primary_group": ("primary_group", vocab.PRIMARY_GROUPS, {}),
}


# ---------------------------------------------------------------------------------------------
# Shared rules: course order, category order and words, regimen text
# ---------------------------------------------------------------------------------------------


def category_label(value: Any, labels: dict[str, str] | None = None) -> str:
    """A category as a heading: 'Local control', 'Psoas', 'Not stated' (missing)."""
    if is_missing(value):
        value = NOT_STATED
    text = vocab.label(value, labels or {})
    return text[:1].upper() + text[1:]


def category_order(values: Any, canonical: Sequence[Any]) -> list[Any]:
    """Categories present in ``values``: canonical ones first (stable across filters), then any
    others sorted, 'not stated' (missing) last. Each distinct value is looked at once (a
    registry's cohort has 100,000 values of a few categories)."""
    distinct = pd.Series(values, dtype=object).unique()
    present = {NOT_STATED if is_missing(v) else v for v in distinct}
    extra = sorted(str(v) for v in present if v not in canonical and v != NOT_STATED)
    tail = [NOT_STATED] if NOT_STATED in present else []
    return [c for c in canonical if c in present] + extra + tail


def regimen_text(dose_gy: Any, fractions: Any) -> str:
    """'39 Gy/13' (``dose.regimen_label``), or 'regimen not stated' when either part is missing."""
    if is_missing(dose_gy) or is_missing(fractions):
        return "regimen not stated"
    return dose.regimen_label(float(dose_gy), int(fractions))


def regimen_texts(d: pd.DataFrame) -> list[str]:
    """``regimen_text`` of every row of ``d`` (columns dose_gy, fractions)."""
    return _regimens(d)


def _regimens(d: pd.DataFrame) -> list[str]:
    pairs = pd.DataFrame({"dose": d["dose_gy"].to_numpy(), "n": d["fractions"].to_numpy()})
    if pairs.empty:
        return []
    # ``regimen_text`` once per distinct (dose, fractions): a registry has a few dozen regimens
    groups = pairs.groupby(["dose", "n"], dropna=False, sort=False)
    first = groups.head(1)
    texts = [regimen_text(a, b) for a, b in zip(first["dose"], first["n"], strict=True)]
    return list(np.asarray(texts, dtype=object)[groups.ngroup().to_numpy()])


# ---------------------------------------------------------------------------------------------
# Waterfall and paired scores
# ---------------------------------------------------------------------------------------------


def change_values(
    df: pd.DataFrame, definition: definitions.Definition, percent: bool = False
) -> pd.DataFrame:
    """Per site of ``df``, in its order and index: change (points, after - before),
    percent_change, value (change or percent_change), category (``definitions.classify_frame``)
    and excluded (None, "NRS 0 before RT" in percent mode, or "NRS missing"); ``attrs["percent"]``.
    What the waterfall and, above ``charts.scale.SUMMARY_ABOVE`` sites, its distribution
    (``large_views.change_distribution``) are drawn from."""
    require_columns(df, "df", ("nrs_before", "nrs_after"))
    if not isinstance(definition, definitions.Definition):
        raise ValueError(f"definition must be a plexrt.definitions.Definition, got {definition!r}")
    percent = flag(percent, "percent")
    change = pain_scores.nrs_change(df["nrs_before"], df["nrs_after"]).astype("float64")
    pct = pain_scores.percent_change(df["nrs_before"], df["nrs_after"])
    missing = ~pain_scores.assessable(df)
    zero = ~missing & (df["nrs_before"] == 0)
    out = pd.DataFrame(
        {
            "change": change,
            "percent_change": pct,
            "value": pct if percent else change,
            "category": definitions.classify_frame(df, definition),
            "excluded": None,
        },
        index=df.index,
    )
    out.loc[zero & percent, "excluded"] = "NRS 0 before RT"
    out.loc[missing, "excluded"] = "NRS missing"
    out.attrs["percent"] = percent
    return out


def waterfall_data(
    df: pd.DataFrame, definition: definitions.Definition, percent: bool = False
) -> pd.DataFrame:
    """One row per site for the waterfall, largest fall first (ties in course order).

    Columns: course_id, patient_id, label, nrs_before, nrs_after, change, percent_change, value,
    category, excluded (``change_values``), regimen, plus involved_muscle / intent /
    primary_group when present. Sites with no value sort last. ``attrs["undefined"]`` lists the
    course ids with NRS 0 before RT whose percent change is undefined (percent mode only);
    ``attrs["not_assessable"]`` those missing a score (both ``CourseIds``: never deep-copied).
    """
    require_columns(df, "df", SITE_COLUMNS)
    d = in_course_order(df)
    values = change_values(d, definition, percent)
    percent = values.attrs["percent"]
    out = pd.DataFrame(
        {
            "course_id": d["course_id"],
            "patient_id": d["patient_id"],
            "label": d["course_id"].astype(str),
            "nrs_before": d["nrs_before"],
            "nrs_after": d["nrs_after"],
            **{c: values[c] for c in ("change", "percent_change", "value", "category")},
            "regimen": _regimens(d),
            "excluded": values["excluded"],
        }
    )
    for col in ("involved_muscle", "intent", "primary_group"):
        if col in d.columns:
            out[col] = d[col]
    # Stable sort keeps course order among equal values.
    out = out.sort_values("value", kind="stable", na_position="last").reset_index(drop=True)
    out.attrs["undefined"] = CourseIds(out.loc[out["excluded"] == "NRS 0 before RT", "course_id"])
    out.attrs["not_assessable"] = CourseIds(out.loc[out["excluded"] == "NRS missing", "course_id"])
    out.attrs["percent"] = percent
    return out


def paired_data(df: pd.DataFrame) -> pd.DataFrame:
    """One row per site with both NRS scores known, in course order: course_id, patient_id, label,
    nrs_before, nrs_after, regimen. ``attrs["not_assessable"]`` lists the sites left out
    (``CourseIds``);
    ``attrs["medians"]`` is (median NRS before RT, median at RT completion), None without sites."""
    require_columns(df, "df", SITE_COLUMNS)
    d = in_course_order(df)
    keep = pain_scores.assessable(d)
    left_out = CourseIds(d.loc[~keep, "course_id"])
    d = d[keep].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "course_id": d["course_id"],
            "patient_id": d["patient_id"],
            "label": d["course_id"].astype(str),
            "nrs_before": d["nrs_before"].astype(float),
            "nrs_after": d["nrs_after"].astype(float),
            "regimen": _regimens(d),
        }
    )
    out.attrs["not_assessable"] = left_out
    out.attrs["medians"] = (
        (float(out["nrs_before"].median()), float(out["nrs_after"].median())) if len(out) else None
    )
    return out


# ---------------------------------------------------------------------------------------------
# Weeks to maximum response
# ---------------------------------------------------------------------------------------------


def _grouping(group_by: Any) -> tuple[str | None, tuple[str, ...], dict[str, str]]:
    if group_by not in GROUP_BY:
        opts = ", ".join(repr(k) for k in GROUP_BY)
        raise ValueError(f"group_by must be one of {opts}, got {group_by!r}")
    return GROUP_BY[group_by]


def _group_values(d: pd.DataFrame, col: str | None) -> pd.Series:
    if col is None:
        return pd.Series("all", index=d.index)
    return d[col].map(lambda v: NOT_STATED if is_missing(v) else v)


def time_to_max_summary(df: pd.DataFrame, group_by: str | None = None) -> pd.DataFrame:
    """Weeks from the start of RT to maximum response, per group: group, label, n (sites with a
    known value), mean, median, min, max. ``group_by``: None (all sites), "involved_muscle",
    "intent" or "primary_group". Groups in a stable order; statistics NaN when n = 0."""
    col, canonical, labels = _grouping(group_by)
    require_columns(df, "df", ["weeks_to_max_response"] + ([col] if col else []))
    groups = _group_values(df, col)
    rows = []
    for g in category_order(groups, canonical):
        w = pd.to_numeric(df.loc[groups == g, "weeks_to_max_response"], errors="coerce").dropna()
        stats = (w.mean(), w.median(), w.min(), w.max()) if len(w) else (np.nan,) * 4
        label = "All sites" if col is None else category_label(g, labels)
        rows.append((g, label, len(w), *(float(s) for s in stats)))
    return pd.DataFrame(rows, columns=["group", "label", "n", "mean", "median", "min", "max"])


def time_to_max_sites(df: pd.DataFrame, group_by: str | None = None) -> pd.DataFrame:
    """Sites with a known number of weeks to maximum response, in course order: course_id,
    patient_id, weeks_to_max_response (float), group (as in ``time_to_max_summary``)."""
    col, _, _ = _grouping(group_by)
    require_columns(
        df, "df", ["course_id", "patient_id", "weeks_to_max_response"] + ([col] if col else [])
    )
    d = in_course_order(df)
    weeks = pd.to_numeric(d["weeks_to_max_response"], errors="coerce")
    d = d[weeks.notna()]
    return pd.DataFrame(
        {
            "course_id": d["course_id"],
            "patient_id": d["patient_id"],
            "weeks_to_max_response": weeks[weeks.notna()].astype(float),
            "group": _group_values(d, col),
        }
    )


@dataclass(frozen=True)
class TimeToMax:
    """What the time-to-maximum-response figure draws: the grouping, the sites, the summary."""

    group_by: str | None
    sites: pd.DataFrame
    summary: pd.DataFrame


def time_to_max(df: pd.DataFrame, group_by: str | None = None) -> TimeToMax:
    return TimeToMax(group_by, time_to_max_sites(df, group_by), time_to_max_summary(df, group_by))


def small_groups(ttm: TimeToMax) -> list[str]:
    """The groups of a grouped ``time_to_max`` with fewer than ``endpoints.MIN_GROUP_N`` sites
    with a known time (the rule the time-to-event groups follow): 'psoas: n = 3 sites'. [] when
    not grouped."""
    if ttm.group_by is None:
        return []
    small = ttm.summary[ttm.summary["n"] < MIN_GROUP_N]
    return [f"{r.label}: n = {counted(r.n, 'site')}" for r in small.itertuples()]


# ---------------------------------------------------------------------------------------------
# Regimens and dose-response
# ---------------------------------------------------------------------------------------------


def regimen_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Sites per regimen: regimen ("39 Gy/13"), dose_gy, fractions, n_sites; ordered by total
    dose, then fractions. Sites without dose or fractions are not counted."""
    require_columns(df, "df", ("dose_gy", "fractions"))
    d = df[df["dose_gy"].notna() & df["fractions"].notna()]
    counts = (
        d.assign(dose_gy=d["dose_gy"].astype(float), fractions=d["fractions"].astype(int))
        .groupby(["dose_gy", "fractions"], as_index=False)
        .size()
        .rename(columns={"size": "n_sites"})
        .sort_values(["dose_gy", "fractions"])
        .reset_index(drop=True)
    )
    counts.insert(0, "regimen", _regimens(counts))
    return counts


def dose_response_data(
    df: pd.DataFrame, alpha_beta: float = dose.DEFAULT_ALPHA_BETA
) -> pd.DataFrame:
    """One row per site with dose, fractions and both NRS scores, in course order: course_id,
    patient_id, regimen, eqd2 (``plexrt.clinical.dose.eqd2`` at ``alpha_beta``), change (NRS
    after - before), nrs_before, nrs_after. ``attrs["alpha_beta"]`` holds the alpha/beta used."""
    ab = dose.check_alpha_beta(alpha_beta)
    require_columns(df, "df", SITE_COLUMNS)
    d = in_course_order(df)
    keep = pain_scores.assessable(d) & d[["dose_gy", "fractions"]].notna().all(axis=1)
    d = d[keep].reset_index(drop=True)
    # once per distinct regimen (a registry has thousands of sites per regimen), then per site
    groups = d[["dose_gy", "fractions"]].groupby(["dose_gy", "fractions"], sort=False)
    first = groups.head(1)
    per_regimen = [
        dose.eqd2(float(a), int(b), ab)
        for a, b in zip(first["dose_gy"], first["fractions"], strict=True)
    ]
    eqd2 = np.asarray(per_regimen, dtype=float)[groups.ngroup().to_numpy()]
    out = pd.DataFrame(
        {
            "course_id": d["course_id"],
            "patient_id": d["patient_id"],
            "regimen": _regimens(d),
            "eqd2": np.asarray(eqd2, dtype=float),
            "change": pain_scores.nrs_change(d["nrs_before"], d["nrs_after"]).astype(float),
            "nrs_before": d["nrs_before"],
            "nrs_after": d["nrs_after"],
        }
    )
    out.attrs["alpha_beta"] = ab
    return out


@dataclass(frozen=True)
class DoseResponse:
    """What the dose view draws: EQD2 and change per site, and the number of sites per regimen
    (all sites with a dose, including those without both NRS scores)."""

    alpha_beta: float
    sites: pd.DataFrame
    regimens: pd.DataFrame


def dose_response(df: pd.DataFrame, alpha_beta: float = dose.DEFAULT_ALPHA_BETA) -> DoseResponse:
    sites = dose_response_data(df, alpha_beta)
    return DoseResponse(sites.attrs["alpha_beta"], sites, regimen_counts(df))
