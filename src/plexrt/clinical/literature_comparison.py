"""The PlexRT cohort set beside published series: one row per series in the literature table's
columns, the side-by-side table, and the rows behind the forest and duration plots (the notes under
them: ``literature_notes``).

The PlexRT row is computed from the store under the current filter, never typed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from plexrt.clinical.cohort_summary import NO_WEEKS, weeks_to_max_text
from plexrt.clinical.definitions import (
    Definition,
    rates_known,
    response_counts,
    unrated,
)
from plexrt.clinical.dose import regimen_label
from plexrt.clinical.per_patient import several_sites
from plexrt.clinical.response_summary import summarise
from plexrt.clinical.response_words import treated_rates
from plexrt.data.curve_schema import curve_figure, is_curve_source
from plexrt.data.literature import MEDIAN_COLUMNS, POPULATIONS
from plexrt.data.literature_entered import ENTERED_TEXT, from_json
from plexrt.data.values import NOT_REPORTED, is_missing
from plexrt.stats.meta import PooledResult, pool_proportions
from plexrt.stats.survival import (
    ALL_NOT_REACHED,
    NOT_REACHED,
    MissingWords,
    interval_words,
    range_words,
)

PLEXRT_KEY = "plexrt"
# A department's own series beside the bundled one (compare mode): its own row, never pooled.
OWN_KEY = "plexrt_own"
PLEXRT_KEYS = frozenset({PLEXRT_KEY, OWN_KEY})
# Shown (and pooled) by default: series of the same condition only. Broader comparators (painful
# non-bone lesions), frequency surveys, non-RT comparators and case reports are opt-in, so that
# unlike populations are never pooled silently.
DEFAULT_POPULATIONS = ("malignant_psoas_syndrome", "lumbosacral_plexopathy")

# Side-by-side table rows: (label, column, unit suffix)
TABLE_ROWS = (
    ("Population", "population", ""),
    ("Design", "design", ""),
    ("Patients (n)", "n_patients", ""),
    ("Irradiated sites (n)", "n_sites", ""),
    ("Pain scale", "pain_scale", ""),
    ("Response definition", "response_definition", ""),
    ("Responders", "responders", ""),
    ("Complete responders", "complete_responders", ""),
    ("Time to response", "time_to_response", ""),
    ("Median duration of relief", "median_relief_months", " months"),
    ("Median follow-up", "median_followup_months", " months"),
    ("Median survival", "median_survival_months", " months"),
    ("Schedules", "schedules", ""),
)


TABLE_LABELS = {col: label for label, col, _ in TABLE_ROWS}


def short_label(row: dict[str, Any] | pd.Series) -> str:
    """'Gerontopoulos 2020' from the series key or citation."""
    key = str(row.get("series_key") or "")
    m = re.fullmatch(r"(?:user-)?([a-z]+)(\d{4})(?:-[0-9a-f]+)?", key)
    if m:
        name = f"{m.group(1).capitalize()} {m.group(2)}"
        return f"{name} (added)" if key.startswith("user-") else name
    # Otherwise the citation cut short, without < and >: a label must stay plain text in every
    # chart (plotly reads tags such as <a href> or <b> in labels), whatever a user typed. The
    # whole citation is shown as text in the tables.
    return re.sub(r"[<>]", "", str(row.get("citation") or key))[:40]


def unique_labels(labels: list[str]) -> list[str]:
    """Labels made unique for display ('Smith 2020 (added)', 'Smith 2020 (added) [2]'): two
    series by the same first author and year must both be shown, never refused."""
    seen: dict[str, int] = {}
    out = []
    for lab in labels:
        seen[lab] = seen.get(lab, 0) + 1
        out.append(lab if seen[lab] == 1 else f"{lab} [{seen[lab]}]")
    return out


def series_labels(records: list[dict[str, Any]], first: Sequence[str]) -> list[str]:
    """Display labels of [PlexRT record(s), *published records], unique: ``first`` names the
    leading PlexRT record(s) (``series_words.cohort_label``; two in compare mode: the own series
    and Sanuki 2022)."""
    return unique_labels([*first, *[short_label(r) for r in records[len(first) :]]])


def plexrt_series(
    df: pd.DataFrame,
    definition: Definition,
    medians: dict[str, float | None] | None = None,
    filter_text: str = "all sites",
    median_cis: dict[str, tuple[float | None, float | None]] | None = None,
    reconstructed: bool = False,
    median_ranges: dict[str, tuple[float | None, float | None]] | None = None,
    pooled_over: int = 0,
    *,
    not_available: dict[str, str] | None = None,
    median_missing: dict[str, MissingWords] | None = None,
    name: str = "Sanuki 2022",
    design: str | None = None,
    key: str = PLEXRT_KEY,
) -> dict[str, Any]:
    """The filtered cohort as one literature-style record (responders counted per site); ``design``
    as the series' own ``series`` table states it (``series_words.series_designs``). For
    reconstructed times, ``median_cis`` are pooled over ``pooled_over`` reconstructions and
    ``median_ranges`` hold the 5th-95th percentile of the reconstructions' own medians;
    ``not_available`` the words of a median that cannot be computed and ``median_missing`` what
    a missing median or limit means (``SeriesMedians``)."""
    counts = response_counts(df, definition)
    known = rates_known(counts)
    regimens = (
        df.groupby(["dose_gy", "fractions"]).size().sort_values(ascending=False, kind="stable")
        if len(df)
        else pd.Series(dtype=int)
    )
    weeks = weeks_to_max_text(df["weeks_to_max_response"])
    rec: dict[str, Any] = {
        "series_key": key,
        "citation": f"{name} in PlexRT ({filter_text})",
        "population": "lumbosacral_plexopathy",
        "design": design,
        "n_patients": int(df["patient_id"].nunique()),
        "n_sites": len(df),
        "pain_scale": "NRS 0-10",
        "response_definition": definition.label,
        "responders": counts["responders"] if known else None,
        "complete_responders": counts["complete"] if known else None,
        "time_to_response": f"from RT start to maximum response: {weeks}" if weeks else None,
        "schedules": "; ".join(f"{regimen_label(d, f)} ×{n}" for (d, f), n in regimens.items())
        or None,
    }
    display: dict[str, str] = {}
    for col in MEDIAN_COLUMNS:
        rec[col] = (medians or {}).get(col)
        if medians is not None and col in medians:
            display[col] = (
                median_display(
                    rec[col],
                    (median_cis or {}).get(col),
                    reconstructed,
                    (median_ranges or {}).get(col),
                    pooled_over,
                    (median_missing or {}).get(col, ALL_NOT_REACHED),
                )
                + f"; {ESTIMATORS[col]}"
            )
        elif col in (not_available or {}):
            display[col] = f"{(not_available or {})[col]}; {ESTIMATORS[col]}"
    if len(df) and not weeks:  # PlexRT's own figure is unknown, not 'not reported'
        display["time_to_response"] = NO_WEEKS
    if definition.kind == "icpre" and counts["n_unknown"]:
        display["responders"] = "range only (after-RT analgesics published in aggregate)"
        display["complete_responders"] = display["responders"]
    elif len(df) and not known:  # not settled by ICPRE above: no site assessable
        display["responders"] = unrated(counts["n_assessable"], counts["n_treated"])
        display["complete_responders"] = display["responders"]
    elif known:
        display.update(_rates(df, definition))
    rec["_display"] = display
    return rec


def _rates(df: pd.DataFrame, definition: Definition) -> dict[str, str]:
    """Responders and complete responders as the board's key figures state them
    (``response_words.treated_rates``): over all treated sites, and over all treated patients
    beside them when a patient has several sites, with the exact 95% CI: '75% of treated sites
    (9/12; 95% CI 43–95%) · 73% of treated patients (8/11; 95% CI 39–94%)'."""
    responders, complete = treated_rates(summarise(df, definition), several_sites(df))
    return {"responders": responders, "complete_responders": complete}


# How PlexRT's medians are estimated and from which time zero (published series rarely say).
ESTIMATORS = {
    "median_relief_months": "Kaplan–Meier from maximum response",
    "median_followup_months": "reverse Kaplan–Meier from RT completion",
    "median_survival_months": "Kaplan–Meier from RT completion",
}


def median_display(
    value: float | None,
    ci: tuple[float | None, float | None] | None,
    reconstructed: bool,
    ensemble: tuple[float | None, float | None] | None = None,
    pooled_over: int = 0,
    missing: MissingWords = ALL_NOT_REACHED,
) -> str:
    """'5.9 months (95% CI 1.3 to not reached)', 'not reached (95% CI 2.0 months to not
    reached)' (the limits carry the unit when the median gives none); for reconstructed times
    flagged, and when pooled: '5.4 months (95% CI 1.0 to not reached; pooled over 200
    reconstructions; the reconstructions' medians 4.4 to 6.2)' (their 5th-95th percentile;
    'not reached' once when neither is reached). ``missing``: the words of a missing median,
    lower and upper limit (``MedianEstimate.missing``: 'not reached' or 'not estimable')."""
    unit = "" if value is not None else " months"

    def f(v: float | None, why: str = NOT_REACHED) -> str:
        return why if v is None else f"{v:.1f}{unit}"

    def span(a: float | None, b: float | None) -> str:
        return range_words(f(a), f(b))

    lo, hi = ci if ci else (None, None)
    head = missing[0] if value is None else f"{value:.1f} months"
    if reconstructed and pooled_over:
        tail = f"; pooled over {pooled_over} reconstructions"
        if ensemble is not None:
            tail += f"; the reconstructions' medians {span(*ensemble)}"
    else:
        tail = "; reconstructed times" if reconstructed else ""
    return f"{head} (95% CI {interval_words(f(lo, missing[1]), f(hi, missing[2]), head)}{tail})"


def _cell(record: dict[str, Any], column: str, unit: str) -> str:
    shown = record.get("_display", {}).get(column)
    if shown is not None:
        return shown
    v: Any = record.get(column)
    if is_missing(v):
        return NOT_REPORTED
    if column == "population":
        return POPULATIONS.get(v, str(v))
    if column in ("responders", "complete_responders"):
        denom_col = "n_sites" if not is_missing(record.get("n_sites")) else "n_patients"
        n: Any = record.get(denom_col)
        if is_missing(n) or not n:
            return f"{int(v):,}"
        word = "sites" if denom_col == "n_sites" else "patients"
        return f"{int(v):,}/{int(n):,} {word} ({100 * int(v) / int(n):.0f}%)"
    if column in ("n_patients", "n_sites") and float(v).is_integer():
        return f"{int(v):,}{unit}"  # a registry's '1,626' as every count on screen
    return figure_text(v, unit, record.get(f"{column}_source"))


def figure_text(value: Any, unit: str, source: Any) -> str:
    """A literature figure with its unit ('3.5 months'): as the paper gives it; read off a
    reconstructed published curve (``source`` says so), to the tenth as PlexRT's own medians,
    and flagged."""
    if is_curve_source(source):
        return curve_figure(value, unit)
    if isinstance(value, float):
        return f"{value:g}{unit}"
    return f"{value}{unit}"


def side_by_side(records: list[dict[str, Any]], labels: list[str]) -> pd.DataFrame:
    """Rows = the same quantities in the same units for every series; unknown = 'not reported'."""
    data = {"": [r[0] for r in TABLE_ROWS]}
    for rec, label in zip(records, labels, strict=True):
        # a figure typed with words around its number shows them beside the number used
        typed = from_json(rec.get(ENTERED_TEXT))
        data[label] = [
            _cell(rec, col, unit) + (f' (as entered: "{typed[col]}")' if col in typed else "")
            for _, col, unit in TABLE_ROWS
        ]
    return pd.DataFrame(data)


def forest_rows(
    records: list[dict[str, Any]], labels: list[str], measure: str = "responders"
) -> pd.DataFrame:
    """label (with its unit), events, total, population, is_plexrt -- total = sites when
    reported, else patients."""
    rows = []
    for rec, label in zip(records, labels, strict=True):
        per_site = not is_missing(rec.get("n_sites"))
        total: Any = rec.get("n_sites") if per_site else rec.get("n_patients")
        rows.append(
            {
                "label": f"{label} · {'sites' if per_site else 'patients'}",
                "events": None if is_missing(rec.get(measure)) else int(rec[measure]),
                "total": None if is_missing(total) else int(total),
                "population": rec.get("population"),
                "is_plexrt": rec.get("series_key") in PLEXRT_KEYS,
            }
        )
    return pd.DataFrame(
        rows, columns=["label", "events", "total", "population", "is_plexrt"], dtype=object
    )


def pool(data: pd.DataFrame) -> PooledResult | None:
    """Random-effects pool of the literature rows of ``forest_data`` output (PlexRT kept out);
    None when fewer than two published series are drawn (one series is not a pool)."""
    lit_rows = data[~data["is_plexrt"].astype(bool)]
    if len(lit_rows) < 2:
        return None
    return pool_proportions(lit_rows["events"].tolist(), lit_rows["total"].tolist())


def duration_rows(
    records: list[dict[str, Any]],
    labels: list[str],
    plexrt_ci: dict[str, tuple[float | None, float | None]] | None = None,
    reconstructed: bool = True,
    plexrt_missing: dict[str, MissingWords] | None = None,
) -> pd.DataFrame:
    """label, measure, value, low, high, is_plexrt, reconstructed, high_missing (the words of a
    missing upper limit: 'not reached' or 'not estimable', ``plexrt_missing``) -- missing values
    left out."""
    rows = []
    for rec, label in zip(records, labels, strict=True):
        is_p = rec.get("series_key") in PLEXRT_KEYS
        for measure in MEDIAN_COLUMNS:
            v: Any = rec.get(measure)
            if is_missing(v):
                continue
            lo, hi = (plexrt_ci or {}).get(measure, (None, None)) if is_p else (None, None)
            why = (plexrt_missing or {}).get(measure, ALL_NOT_REACHED) if is_p else ALL_NOT_REACHED
            rows.append(
                {
                    "label": label,
                    "measure": measure,
                    "value": float(v),
                    "low": lo,
                    "high": hi,
                    "high_missing": why[2],
                    "is_plexrt": is_p,
                    # PlexRT's own times, or a median read off a published curve's reconstruction.
                    "reconstructed": bool(is_p and reconstructed)
                    or is_curve_source(rec.get(f"{measure}_source")),
                }
            )
    cols = ["label", "measure", "value", "low", "high", "is_plexrt", "reconstructed"]
    return pd.DataFrame(rows, columns=[*cols, "high_missing"])


# ---------------------------------------------------------------------------------------------
# What the Literature comparison page offers (what it says under its figures: literature_notes)
# ---------------------------------------------------------------------------------------------

#: The forest plots of the page: literature column -> title.
FOREST_MEASURES = {"responders": "Pain response", "complete_responders": "Complete response"}


def population_choices(published: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """The populations of the published series in words (in ``POPULATIONS`` order, only those
    present), and the ones chosen by default (``DEFAULT_POPULATIONS``)."""
    present = set(published["population"].dropna()) if "population" in published else set()
    choices = {k: v for k, v in POPULATIONS.items() if k in present}
    return choices, [p for p in choices if p in DEFAULT_POPULATIONS]


def candidate_labels(
    records: list[dict[str, Any]], labels: list[str], populations: list[str]
) -> list[str]:
    """Labels of the published series (``records[1:]``, after PlexRT) of the chosen populations."""
    return [
        lab
        for lab, r in zip(labels[1:], records[1:], strict=True)
        if r.get("population") in populations
    ]


def kept_selection(previous: list[str] | None, candidates: list[str], seen: set[str]) -> list[str]:
    """The series to select after the candidates changed: every candidate the first time
    (``previous`` None); later the previous choices still offered, then the candidates never
    offered before (a series just added, or one of a newly chosen population, starts selected)."""
    if previous is None:
        return list(candidates)
    kept = [lab for lab in previous if lab in candidates]
    return kept + [lab for lab in candidates if lab not in seen]


def chosen_records(
    records: list[dict[str, Any]], labels: list[str], chosen: list[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """PlexRT (always, first) and the chosen published series, in table order."""
    keep = [0] + [i for i, lab in enumerate(labels) if i and lab in chosen]
    return [records[i] for i in keep], [labels[i] for i in keep]
