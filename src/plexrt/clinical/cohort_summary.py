"""Summary figures for a filtered cohort (one row per irradiated site in, plain values out)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from plexrt.clinical.definitions import DEFINITIONS
from plexrt.clinical.pain_scores import assessable, nrs_change
from plexrt.clinical.per_patient import PATIENT_RULE, patient_proportion
from plexrt.clinical.series_words import PUBLISHED, words
from plexrt.data.own_schema import AGE_CAP, AGE_TOP_TEXT
from plexrt.data.values import NOT_AVAILABLE, counted, half_up, is_missing, one_decimal
from plexrt.stats.proportions import Proportion, method_sentence, proportion

# The paper's "improvement": an NRS fall of this many points or more.
PAPER_IMPROVEMENT = DEFINITIONS["paper"].k

# The ways a cohort can be split on screen (the key is the site column; "none" = no grouping).
GROUPINGS = {
    "none": "no grouping",
    "involved_muscle": "involved muscle",
    "intent": "intent",
    "primary_group": "primary group",
}


@dataclass(frozen=True)
class CohortSummary:
    n_sites: int
    n_patients: int
    median_age: float | None  # per patient (a patient with two sites counts once)
    age_min: float | None
    age_max: float | None
    median_nrs_before: float | None
    median_nrs_after: float | None
    mean_nrs_before: float | None
    mean_nrs_after: float | None
    nrs0_after: Proportion | None  # sites with NRS 0 at RT completion, among sites with a score
    improved2: Proportion | None  # sites whose NRS fell by 2 or more (the paper's 'improvement')
    # the same per patient (per_patient.PATIENT_RULE: every assessable site of the patient)
    nrs0_after_patients: Proportion | None
    mean_weeks_to_max: float | None
    min_weeks_to_max: float | None
    max_weeks_to_max: float | None
    n_weeks_known: int
    improved2_patients: Proportion | None = None
    # ages top-coded at import (an own series: over 89 stored as 90): the median involves one
    # (the true median is at least ``median_age``), the oldest is one
    median_age_top_coded: bool = False
    age_max_top_coded: bool = False
    # the sites with a pain score before RT and at its completion (the medians' and means' n)
    n_nrs_before: int = 0
    n_nrs_after: int = 0


def _med(s: pd.Series) -> float | None:
    s = s.dropna()
    return float(s.median()) if len(s) else None


def _mean(s: pd.Series) -> float | None:
    s = s.dropna()
    return float(s.mean()) if len(s) else None


def _patient_keys(df: pd.DataFrame) -> list[str]:
    """What names a patient: the id within its series (ids of two series may coincide)."""
    return ["series_id", "patient_id"] if "series_id" in df else ["patient_id"]


def _patients(df: pd.DataFrame) -> pd.DataFrame:
    """One row per patient among the sites (a patient with two irradiated sites counts once)."""
    return df.drop_duplicates(_patient_keys(df))


def count_patients(df: pd.DataFrame) -> int:
    """The number of patients the sites in ``df`` belong to."""
    return len(df[_patient_keys(df)].drop_duplicates())  # the keys alone, not whole rows


def summarise(df: pd.DataFrame, ci_method: str = "exact") -> CohortSummary:
    """Figures for the sites in ``df`` (rows of ``course_summary``)."""
    patients = _patients(df)
    ages = patients["age"].dropna()
    median_top, max_top = _top_coded_ages(patients)
    ok = assessable(df)
    scored = df[ok]
    falls = -nrs_change(scored["nrs_before"], scored["nrs_after"])
    weeks = df["weeks_to_max_response"].dropna()
    # per site: True / False, None where the site cannot be assessed (for the per-patient counts)
    after = df["nrs_after"]
    zero_after = pd.Series((after == 0).to_numpy(dtype=object), dtype=object).where(
        after.notna().to_numpy(), None
    )
    improved = pd.Series(None, index=df.index, dtype=object)
    improved[ok] = list(falls >= PAPER_IMPROVEMENT)
    return CohortSummary(
        n_sites=len(df),
        n_patients=len(patients),
        median_age=_med(ages),
        age_min=float(ages.min()) if len(ages) else None,
        age_max=float(ages.max()) if len(ages) else None,
        median_nrs_before=_med(df["nrs_before"]),
        median_nrs_after=_med(df["nrs_after"]),
        mean_nrs_before=_mean(df["nrs_before"]),
        mean_nrs_after=_mean(df["nrs_after"]),
        nrs0_after=proportion(
            int((df["nrs_after"].dropna() == 0).sum()), len(df["nrs_after"].dropna()), ci_method
        ),
        improved2=proportion(int((falls >= PAPER_IMPROVEMENT).sum()), len(scored), ci_method),
        nrs0_after_patients=patient_proportion(df, zero_after, ci_method),
        improved2_patients=patient_proportion(df, list(improved), ci_method),
        mean_weeks_to_max=_mean(weeks),
        min_weeks_to_max=float(weeks.min()) if len(weeks) else None,
        max_weeks_to_max=float(weeks.max()) if len(weeks) else None,
        n_weeks_known=len(weeks),
        median_age_top_coded=median_top,
        age_max_top_coded=max_top,
        n_nrs_before=int(df["nrs_before"].notna().sum()),
        n_nrs_after=int(df["nrs_after"].notna().sum()),
    )


def _top_coded_ages(patients: pd.DataFrame) -> tuple[bool, bool]:
    """(the median age involves a top-coded age, the oldest age is top-coded). A top-coded age
    ('90+', stored as 90) is at least as old as every other, so it sorts last; the median
    involves one when the upper of the two middle ages (the middle one, for an odd count) is
    top-coded."""
    if "age_90_plus" not in patients:
        return False, False
    known = patients[patients["age"].notna()]
    top = known["age_90_plus"].fillna(False).astype(bool).to_numpy()
    order = known["age"].astype(float).to_numpy().argsort(kind="stable")
    if not len(order):
        return False, False
    ranked = top[order]
    return bool(ranked[len(ranked) // 2]), bool(ranked[-1])


def fmt(value: float | None, digits: int = 1, unit: str = "") -> str:
    """A number for the screen; unknown is shown as 'not available', never as 0."""
    if value is None or is_missing(value):
        return NOT_AVAILABLE
    # halves up, as clinicians read them (values.half_up; f-strings send them to the even digit)
    text = f"{float(half_up(value, digits)):.{digits}f}"
    if digits and text.endswith("." + "0" * digits) and float(value).is_integer():
        text = text[: -(digits + 1)]
    return f"{text}{unit}"


@dataclass(frozen=True)
class CohortTexts:
    """The summary figures as the Cohort page shows them (unknown = 'not available')."""

    n_sites: str  # '2,000' (thousands separated, as every count on screen)
    n_patients: str  # '1,626'
    median_age: str  # '70'
    age_range: str  # '51–84'
    median_nrs: str  # '8 → 3.5' (before RT -> at completion)
    mean_nrs: str  # '7.6 → 3.3'
    weeks_to_max: str  # '3.2 (1–12)': mean (range); 'not available' when no site has one
    weeks_n: str | None  # 'n = 12 sites': the sites counted (those with a week recorded)
    nrs_n: str = ""  # 'n = 12 sites' or 'n = 12 sites before, 11 at completion': scores counted


def _age_texts(s: CohortSummary) -> tuple[str, str]:
    """(median, range) of the ages; a top-coded age shows as '90+' and a median that involves
    one as '≥ 89.5' (only a lower bound is known), or '90+' when both middle ages are."""
    median = fmt(s.median_age, 1)
    if s.median_age_top_coded:
        median = AGE_TOP_TEXT if s.median_age == AGE_CAP else f"≥ {median}"
    oldest = AGE_TOP_TEXT if s.age_max_top_coded else fmt(s.age_max, 0)
    youngest = AGE_TOP_TEXT if s.age_max_top_coded and s.age_min == AGE_CAP else fmt(s.age_min, 0)
    return median, f"{youngest}–{oldest}"


def texts(s: CohortSummary) -> CohortTexts:
    median_age, age_range = _age_texts(s)
    return CohortTexts(
        n_sites=f"{s.n_sites:,}",
        n_patients=f"{s.n_patients:,}",
        median_age=median_age,
        age_range=age_range,
        median_nrs=f"{fmt(s.median_nrs_before)} → {fmt(s.median_nrs_after)}",
        mean_nrs=f"{fmt(s.mean_nrs_before, 1)} → {fmt(s.mean_nrs_after, 1)}",
        weeks_to_max=(
            f"{fmt(s.mean_weeks_to_max, 1)} ({fmt(s.min_weeks_to_max, 0)}–"
            f"{fmt(s.max_weeks_to_max, 0)})"
            if s.n_weeks_known
            else NOT_AVAILABLE
        ),
        weeks_n=weeks_counted(s.n_weeks_known) if s.n_weeks_known else None,
        nrs_n=nrs_counted(s.n_nrs_before, s.n_nrs_after),
    )


def nrs_counted(before: int, after: int) -> str:
    """The sites whose pain scores a median or mean NRS counts, before RT and at its completion:
    'n = 12 sites' when the same number has each, else 'n = 12 sites before, 11 at completion'."""
    if before == after:
        return f"n = {counted(before, 'site')}"
    return f"n = {counted(before, 'site')} before, {after:,} at completion"


def weeks_to_max_text(weeks_to_max: pd.Series) -> str | None:
    """'mean 3.2 weeks (range 1–12), n = 12 sites' of the known weeks from RT start to maximum
    response, counted per site (Table 1 gives one per site) over the sites that have one; None
    when no site has one."""
    weeks = weeks_to_max.dropna()
    if not len(weeks):
        return None
    return (
        f"mean {one_decimal(weeks.mean())} weeks (range {weeks.min():g}–{weeks.max():g}), "
        f"{weeks_counted(len(weeks))}"
    )


# No site of the cohort has its maximum response recorded (an own series may leave it blank).
NO_WEEKS = f"{NOT_AVAILABLE} (no site has a maximum response recorded)"


def weeks_counted(n: int) -> str:
    """'n = 12 sites': the weeks to maximum response are counted per site, over the sites that
    have one (an own series may leave a site's maximum response unrecorded), wherever the mean is
    stated (the cohort page, the literature table, the board's key figures)."""
    return f"n = {counted(n, 'site')}"


def sites_patients(n_sites: int, n_patients: int) -> str:
    s = "site" if n_sites == 1 else "sites"
    p = "patient" if n_patients == 1 else "patients"
    return f"{n_sites:,} {s}, {n_patients:,} {p}"


def cohort_text(df: pd.DataFrame, filter_text: str) -> str:
    """The cohort under a figure: 'n = 12 sites, 11 patients · all sites'."""
    return f"n = {sites_patients(len(df), count_patients(df))} · {filter_text}"


def cohort_size(df: pd.DataFrame) -> tuple[int, int]:
    """(sites, patients) of the sites in ``df``."""
    return len(df), count_patients(df)


def banner_text(
    shown_sites: int, shown_patients: int, total_sites: int, total_patients: int
) -> str:
    """'12 of 12 sites (11 patients) shown' or '7 of 12 sites (6 of 11 patients) shown'; the noun
    in the number of the whole ('1 of 1 site (1 patient) shown')."""
    sites = f"{shown_sites:,} of {counted(total_sites, 'site')}"
    if shown_sites == total_sites and shown_patients == total_patients:
        return f"{sites} ({counted(total_patients, 'patient')}) shown"
    return f"{sites} ({shown_patients:,} of {counted(total_patients, 'patient')}) shown"


def rates_footnote(several: bool, source: str = PUBLISHED) -> str:
    """Under the cohort's percentages: what each counts, the unit, the interval (``source``:
    where the series comes from, ``series_words``)."""
    unit = (
        f"; per patient beside them, where {PATIENT_RULE}"
        if several
        else "; one site per patient here, so sites and patients coincide"
    )
    return (
        f"Percentages count irradiated sites ({words(source).site_unit}): NRS 0 = sites scored 0 / "
        "sites "
        f"with a score at completion; improved = sites with a fall of {PAPER_IMPROVEMENT} or more "
        f"/ sites with both scores{unit}. {method_sentence('exact')}"
    )
