"""Tables as shown on screen and exported: which columns, in what order, with which headers."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from plexrt.clinical.literature_comparison import figure_text
from plexrt.clinical.pain_views import regimen_texts
from plexrt.data import vocab
from plexrt.data.own_schema import age_texts
from plexrt.data.values import NOT_REPORTED, is_missing

# Store column -> header of the cohort table (on screen and in the CSV download): clinical words
# with the unit of every number.
COHORT_HEADERS = {
    "course_id": "Site",
    "patient_id": "Patient",
    "primary_cancer": "Primary cancer",
    "age": "Age (years)",
    "sex": "Sex",
    "involved_muscle": "Involved muscle",
    "intent": "Intent",
    "regimen": "Regimen",
    "dose_per_fraction_gy": "Dose per fraction (Gy)",
    "eqd2_10_gy": "EQD2₁₀ (Gy)",
    "bed10_gy": "BED₁₀ (Gy)",
    "nrs_before": "NRS before RT (0–10)",
    "nrs_after": "NRS at RT completion (0–10)",
    "nrs_change": "Change in NRS (points)",
    "weeks_to_max_response": "Time to max. response (weeks)",
    "baseline_omed_mg": "Baseline OMED (mg/day)",
    "pain_at_presentation": "Pain at presentation",
}
# Decimals shown (and exported: export.tabular.safe_csv) per header of the cohort table; the OMED
# header is renamed after its factor table, so its precision is looked up by ``cohort_decimals``.
COHORT_DECIMALS = {
    COHORT_HEADERS["dose_per_fraction_gy"]: 1,
    COHORT_HEADERS["eqd2_10_gy"]: 1,
    COHORT_HEADERS["bed10_gy"]: 1,
    COHORT_HEADERS["baseline_omed_mg"]: 0,
}


def cohort_decimals(omed_header: str | None = None) -> dict[str, int]:
    """COHORT_DECIMALS with the OMED column under the header that names its factor table."""
    out = dict(COHORT_DECIMALS)
    if omed_header:
        out[omed_header] = out.pop(COHORT_HEADERS["baseline_omed_mg"])
    return out


def cohort_table(
    df: pd.DataFrame, disputes: dict[str, str] | None = None, omed_header: str | None = None
) -> pd.DataFrame:
    """The cohort table as shown (and as downloaded): readable headers, regimen as '39 Gy/13';
    ages top-coded at import shown as '90+'; with ``disputes`` a last column names the recorded discrepancies about each site;
    ``omed_header`` names the factor table of the baseline OMED
    (``clinical.analgesics.omed_header``)."""
    out = df.copy()
    out["regimen"] = regimen_texts(out)
    out["intent"] = out["intent"].map(lambda v: vocab.INTENT_LABELS.get(v, v))
    if "age_90_plus" in out:  # an own series: ages over 89 were top-coded at import
        out["age"] = age_texts(out["age"], out["age_90_plus"])
    cols = {**COHORT_HEADERS, "baseline_omed_mg": omed_header} if omed_header else COHORT_HEADERS
    out = out[list(cols)].rename(columns=cols)
    if disputes:  # (a series with no recorded discrepancy, e.g. an own series: no such column)
        out["Disputed in the paper"] = [disputes.get(c, "") for c in df["course_id"]]
    return out


def _months(v, source=None) -> str:
    if is_missing(v):
        return NOT_REPORTED
    return figure_text(float(v), " months", source)


def benchmark_table(bench: pd.DataFrame) -> pd.DataFrame:
    """Published series for the same population, in words; unknown is 'not reported', never 0."""
    rows = []
    for r in bench.itertuples():
        if pd.isna(r.response_rate):
            response = NOT_REPORTED
        else:
            response = (
                f"{r.responders_text} = {100 * r.response_rate:.0f}% "
                f"(95% CI {100 * r.response_low:.0f}–{100 * r.response_high:.0f}%)"
            )
        rows.append(
            {
                "Series": r.citation,
                "Population": r.population_label,
                "Responders (exact 95% CI)": response,
                "Response definition": r.response_definition or NOT_REPORTED,
                "Median relief": _months(r.median_relief_months, r.median_relief_months_source),
                "Median follow-up": _months(r.median_followup_months),
                "Median survival": _months(
                    r.median_survival_months, r.median_survival_months_source
                ),
            }
        )
    return pd.DataFrame(rows)


SIMILAR_COLUMNS = {
    "rank": "#",
    "patient_id": "Patient",
    "course_id": "Best-matching site",
    "score": "Score",
    "explanation": "Why similar",
    "regimen": "Regimen",
    "nrs_before": "NRS before",
    "nrs_after": "NRS at completion",
    "weeks_to_max_response": "Weeks to max. response",
    "relief_note": "Relief",
}
_SIMILAR_OUTCOMES = ("nrs_after", "weeks_to_max_response", "relief_note")


def similar_table(top: pd.DataFrame, outcomes: Sequence[str] = _SIMILAR_OUTCOMES) -> pd.DataFrame:
    """The most similar patients as shown at the board (``board.similarity.most_similar``), one
    row per patient; of the outcome columns only ``outcomes`` (``shown_outcomes`` picks them). A
    patient's other irradiated sites are named beside the best-matching one."""
    cols = [c for c in SIMILAR_COLUMNS if c not in _SIMILAR_OUTCOMES or c in outcomes]
    out = top[cols].rename(columns=SIMILAR_COLUMNS)
    if "other_sites" in top.columns:
        out["Best-matching site"] = [
            site if is_missing(more) else f"{site} (also {more})"
            for site, more in zip(top["course_id"], top["other_sites"], strict=True)
        ]
    return out


def dispute_notes(discrepancies: pd.DataFrame, columns: tuple[str, ...] = ()) -> dict[str, str]:
    """{course_id: 'X1, X2'} for the sites a recorded discrepancy names, e.g. 'courses.dose_gy/
    fractions (5.1)'; restricted to discrepancies about the given columns when any are given."""
    import re

    out: dict[str, list[str]] = {}
    for r in discrepancies.itertuples():
        affects = str(r.affects or "")
        if columns and not any(c in affects for c in columns):
            continue
        for cid in re.findall(r"\b(\d+\.\d+)\b", affects):
            out.setdefault(cid, []).append(r.discrepancy_id)
    return {k: ", ".join(v) for k, v in out.items()}


def dose_dispute_note(discrepancies: pd.DataFrame, course_ids) -> str:
    """The sentence under the dose view naming the shown sites whose dose the paper states in two
    ways ('' when none is shown): 'Doses disputed in the paper: site 5.1 (X1); Table 1 values are
    plotted (see Data & provenance).'"""
    shown = set(course_ids)
    disputed = dispute_notes(discrepancies, ("dose_gy",))
    named = [f"site {k} ({v})" for k, v in disputed.items() if k in shown]
    if not named:
        return ""
    return (
        "Doses disputed in the paper: "
        + ", ".join(named)
        + "; Table 1 values are plotted (see Data & provenance)."
    )


# Who added what, and when (the user store keeps UTC).
ADDED_HEADERS = {
    "created_by": "Added by",
    "created_at": "Added (UTC)",
    "updated_at": "Last changed (UTC)",
    "saved_by": "Saved by",
    "saved_at": "Saved (UTC)",
}
SAVED_CASE_HEADERS = {
    "case_id": "Case",
    "label": "Label",
    "primary_cancer": "Primary cancer",
    "primary_group": "Primary group",
    "involved_muscle": "Involved muscle",
    "intent": "Intent",
    "nrs_before": "Baseline NRS (0–10)",
    "dose_gy": "Planned dose (Gy)",
    "fractions": "Fractions",
}


def _when(values: pd.Series) -> list[str]:
    return ["" if is_missing(v) else pd.Timestamp(v).strftime("%Y-%m-%d %H:%M") for v in values]


def user_series_table(user: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The series a user added, as listed for edit and delete: citation, the counts (with their
    wording as typed, if any), who added it and when. ``labels``: the literature column labels
    (``data.literature.COLUMN_LABELS``)."""
    from plexrt.data.literature_entered import ENTERED_TEXT, figure_text, from_json

    out = pd.DataFrame({labels["citation"]: user["citation"].fillna("")})
    for col in ("n_patients", "responders", "median_relief_months", "median_survival_months"):
        typed = [from_json(t).get(col) for t in user.get(ENTERED_TEXT, [None] * len(user))]
        sources = user.get(f"{col}_source", [None] * len(user))
        out[labels[col]] = [
            figure_text(v, w, source=s) for v, w, s in zip(user[col], typed, sources, strict=True)
        ]
    for col in ("created_by", "created_at", "updated_at"):
        raw = user[col] if col in user else pd.Series([None] * len(user))
        out[ADDED_HEADERS[col]] = _when(raw) if col != "created_by" else raw.fillna("—")
    return out


def saved_cases_table(cases: pd.DataFrame) -> pd.DataFrame:
    """Saved board cases in words: the case, who saved it and when."""
    out = cases.rename(columns={**SAVED_CASE_HEADERS, **ADDED_HEADERS})
    out[ADDED_HEADERS["saved_at"]] = _when(cases["saved_at"])
    out[ADDED_HEADERS["saved_by"]] = cases["saved_by"].fillna("—")
    out["Intent"] = cases["intent"].map(lambda v: vocab.INTENT_LABELS.get(v, v))
    return out
