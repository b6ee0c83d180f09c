"""The published series of the patient's population: the literature benchmark of the case."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from plexrt.board.case import Case, checked_case
from plexrt.clinical.inputs import require_columns
from plexrt.data.literature import POPULATIONS
from plexrt.data.values import NOT_REPORTED, is_missing
from plexrt.data.vocab import MUSCLES
from plexrt.stats.proportions import proportion_ci

#: Populations of the literature table that describe the same patients as each muscle, the most
#: specific first: psoas involvement is malignant psoas syndrome, an upper lumbosacral plexopathy;
#: piriformis involvement is a lower lumbosacral plexopathy with no series of its own.
BENCHMARK_POPULATIONS = {
    "psoas": ("malignant_psoas_syndrome", "lumbosacral_plexopathy"),
    "piriformis": ("lumbosacral_plexopathy",),
}

_BENCHMARK_COLUMNS = (
    "series_key",
    "citation",
    "doi",
    "year",
    "population",
    "design",
    "n_patients",
    "n_sites",
    "response_definition",
    "responders",
    "responders_source",
    "complete_responders",
    "median_relief_months",
    "median_relief_months_source",
    "median_followup_months",
    "median_followup_months_source",
    "median_survival_months",
    "median_survival_months_source",
    "schedules",
    "notes",
)
# What ``literature_benchmark`` adds after ``responders`` (after response_n), with their types.
_RESPONSE_COLUMNS: tuple[tuple[str, type], ...] = (
    ("response_unit", object),
    ("responders_text", object),
    ("response_rate", float),
    ("response_low", float),
    ("response_high", float),
)


def benchmark_note(involved_muscle: str) -> str:
    """What the literature benchmark of a psoas or piriformis case covers, in one paragraph."""
    if involved_muscle == "psoas":
        return (
            "Published series of malignant psoas syndrome, and of malignant lumbosacral "
            "plexopathy more broadly (psoas involvement is an upper lumbosacral plexopathy)."
        )
    if involved_muscle == "piriformis":
        return (
            "No piriformis-specific series: the literature table holds none, and Sanuki 2022 notes "
            "there is no malignant pain syndrome specific to the piriformis muscle. Shown instead: "
            "series of malignant lumbosacral plexopathy (piriformis involvement is a lower "
            "lumbosacral plexopathy). Malignant psoas syndrome series are not the same population."
        )
    raise ValueError(
        f"involved_muscle must be one of {', '.join(MUSCLES)}, got {involved_muscle!r}"
    )


def literature_benchmark(case: Case, literature_df: pd.DataFrame) -> pd.DataFrame:
    """Published series of the patient's population (store.literature), most specific first.

    psoas -> 'malignant_psoas_syndrome' then 'lumbosacral_plexopathy'; piriformis ->
    'lumbosacral_plexopathy' only (no piriformis-specific series exists; ``benchmark_note`` and
    ``.attrs['note']`` say so); within a population by year, then series_key. Columns:
    series_key, citation, doi, year, population, population_label, design, n_patients, n_sites,
    response_definition, responders, response_n (n_sites when reported, else n_patients),
    response_unit ('sites'|'patients'), responders_text ('18/18 patients' or 'not reported'),
    response_rate with its exact (Clopper-Pearson) 95% interval response_low/response_high,
    responders_source, complete_responders, the three medians (months) with their *_source,
    schedules, notes. A figure the series did not report stays missing (NaN/NA), never 0. Raises
    ValueError for an invalid case or a frame without series_key, citation and population.
    """
    case = checked_case(case)
    lit = _population_rows(literature_df, BENCHMARK_POPULATIONS[case.involved_muscle])
    out = lit[list(_BENCHMARK_COLUMNS)].reset_index(drop=True)
    out.insert(5, "population_label", out["population"].map(POPULATIONS))
    rows = [_response(rec) for rec in out.to_dict("records")]
    pos = out.columns.get_loc("responders") + 1
    out.insert(pos, "response_n", pd.array([r["n"] for r in rows], dtype="Int64"))
    for i, (col, dtype) in enumerate(_RESPONSE_COLUMNS, start=1):
        out.insert(pos + i, col, pd.Series([r[col] for r in rows], index=out.index, dtype=dtype))
    out.attrs["note"] = benchmark_note(case.involved_muscle)
    return out


def _population_rows(literature_df: Any, pops: tuple[str, ...]) -> pd.DataFrame:
    """The literature rows of ``pops`` in that order, then by year and series_key; every benchmark
    column present (an absent one is all missing)."""
    require_columns(
        literature_df, "literature_df", ("series_key", "citation", "population"), "store.literature"
    )
    lit = literature_df[literature_df["population"].isin(pops)].copy()
    for col in _BENCHMARK_COLUMNS:
        if col not in lit.columns:
            lit[col] = pd.Series(pd.NA, index=lit.index, dtype=object)
    lit["_pop_order"] = lit["population"].map({p: i for i, p in enumerate(pops)})
    return lit.sort_values(
        ["_pop_order", "year", "series_key"], kind="mergesort", na_position="last"
    )


def _response(rec: dict[str, Any]) -> dict[str, Any]:
    """The responders of one series over its sites (else its patients), with the exact 95% CI."""
    if not is_missing(rec["n_sites"]):
        n, unit = int(rec["n_sites"]), "sites"
    elif not is_missing(rec["n_patients"]):
        n, unit = int(rec["n_patients"]), "patients"
    else:
        n, unit = None, None
    out: dict[str, Any] = {"n": n, "response_unit": unit}
    r = rec["responders"]
    if n is None or is_missing(r):
        nan = math.nan
        return out | {
            "responders_text": NOT_REPORTED,
            "response_rate": nan,
            "response_low": nan,
            "response_high": nan,
        }
    r = int(r)
    lo, hi = proportion_ci(r, n, method="exact")
    return out | {
        "responders_text": f"{r}/{n} {unit}",
        "response_rate": r / n,
        "response_low": lo,
        "response_high": hi,
    }
