"""Pain-response figures for a cohort under a chosen definition: rates with intervals, the ICPRE range
when analgesics after RT are known only in aggregate, and subgroup comparisons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _st

from plexrt.clinical.definitions import (
    UNKNOWN,
    Definition,
    classify_frame,
    is_responder,
    rates_known,
    response_counts,
)
from plexrt.clinical.icpre_bounds import SITE_COLUMNS, IcpreBounds
from plexrt.clinical.icpre_readings import IcpreReadings, icpre_readings
from plexrt.clinical.per_patient import TREATED, patient_proportion
from plexrt.data.values import counted
from plexrt.data.vocab import INTENT_LABELS
from plexrt.stats.proportions import Proportion, proportion

# Subgroup factors shown on the pain page: label -> how to split a site.
SUBGROUPS = {
    "Involved muscle": lambda d: d["involved_muscle"],
    "Intent": lambda d: d["intent"].map(INTENT_LABELS),
    "Primary group": lambda d: d["primary_group"],
    "Dose per fraction": lambda d: _dose_band(d["dose_per_fraction_gy"]),
}
LARGE_FRACTION_GY = 3.0  # the dose-per-fraction split of the subgroups
# A site whose level is unknown (no dose per fraction, no primary group...) is left out of that
# factor's groups, never put in one of them; the pages and the report say so.
UNKNOWN_LEVEL_NOTE = "a site whose factor is not known is in no group of that factor"
#: Why the subgroup comparisons are descriptive at any size: not only a small series' power (a
#: registry's thousands of sites give small p-values too), but sites counted as independent,
#: factors compared without correction for their number, and treatment not randomised.
DESCRIPTIVE_REASONS = (
    "sites counted as independent (a patient with two sites counts twice), several factors "
    "compared without correction, treatment not randomised"
)
SUBGROUP_TESTS_NOTE = (
    f"The p-values are descriptive, not evidence ({DESCRIPTIVE_REASONS}); with few sites a test "
    "can show neither a difference nor its absence."
)
#: The columns of ``subgroup_table`` (and ``factor_tests``) as a reader sees them, on the Pain page
#: and in the report (which showed the frame's own names: 'n_patients', 'fisher').
SUBGROUP_HEADERS = {
    "factor": "Factor",
    "level": "Group",
    "n": "n sites",
    "n_patients": "n patients",
    "responders": "Responders (95% CI)",
    "complete": "Complete (95% CI)",
    "fisher": "Fisher exact test of the responder rate (two-sided)",
}
#: The columns of ``factor_tests`` (one row per factor) as a reader sees them.
FACTOR_TEST_HEADERS = {
    "factor": SUBGROUP_HEADERS["factor"],
    "groups": "Groups compared",
    "fisher": SUBGROUP_HEADERS["fisher"],
}


def _dose_band(gy: pd.Series) -> pd.Series:
    """'≥ 3 Gy' or '< 3 Gy' per site; a site whose dose per fraction is not known is in
    neither group (not counted as '< 3 Gy')."""
    x = pd.to_numeric(gy, errors="coerce").to_numpy(dtype=float)
    large = x >= LARGE_FRACTION_GY - 1e-9
    band = np.where(large, "≥ 3 Gy", "< 3 Gy").astype(object)
    band[np.isnan(x)] = None
    return pd.Series(band, index=gy.index, dtype=object)


@dataclass(frozen=True)
class Aggregate:
    """After-RT analgesic change known only as counts over the whole series."""

    reduced: int
    unchanged: int
    increased: int

    @property
    def total(self) -> int:
        return self.reduced + self.unchanged + self.increased

    def text(self) -> str:
        """'reduced 2, unchanged 6, increased 4 of 12 sites'."""
        return (
            f"reduced {self.reduced}, unchanged {self.unchanged}, increased {self.increased} "
            f"of {self.total} sites"
        )

    def subset_text(self, n_sites: int) -> str:
        """What the series-wide counts say about ``n_sites`` of its sites: each count can fall on
        them from max(0, count - other sites) to min(count, n_sites) times. The whole series
        gets ``text()``."""
        if (
            isinstance(n_sites, bool)
            or not isinstance(n_sites, int)
            or not 0 < n_sites <= self.total
        ):
            raise ValueError(f"subset must be 1 to {self.total} sites, got {n_sites!r}")
        if n_sites == self.total:
            return self.text()
        others = self.total - n_sites

        def span(count: int) -> str:
            return f"{max(0, count - others)}–{min(count, n_sites)}"

        return (
            f"The paper reports the analgesic changes for all {self.total} sites together "
            f"(reduced {self.reduced}, unchanged {self.unchanged}, increased {self.increased}), "
            f"not per site: these {n_sites} sites may hold {span(self.reduced)} of the "
            f"reductions, {span(self.unchanged)} of the unchanged and {span(self.increased)} of "
            "the increases."
        )


@dataclass(frozen=True)
class ResponseSummary:
    definition: Definition
    n_treated: int
    n_assessable: int
    responders_treated: Proportion | None  # among all treated sites
    responders_assessable: Proportion | None  # among sites with both scores
    complete_treated: Proportion | None
    complete_assessable: Proportion | None
    categories: dict[str, int]
    # ICPRE from aggregate analgesic data: the range under every reading of the aggregate
    icpre_readings: IcpreReadings | None = None
    # per patient (per_patient.PATIENT_RULE), among patients with an assessable, settled site
    responders_patients: Proportion | None = None
    complete_patients: Proportion | None = None
    # per patient among all treated patients (a site without both scores is not a responder)
    responders_patients_treated: Proportion | None = None
    complete_patients_treated: Proportion | None = None

    @property
    def icpre_bounds(self) -> IcpreBounds | None:
        """The ICPRE range under the least favourable reading (the one quoted when a single
        figure is needed); every reading is in ``icpre_readings``."""
        r = self.icpre_readings
        return None if r is None else r.by_reading[r.least_favourable]


def summarise(
    df: pd.DataFrame,
    definition: Definition,
    method: str = "exact",
    all_sites: pd.DataFrame | None = None,
    aggregate: Aggregate | None = None,
    categories: pd.Series | None = None,
) -> ResponseSummary:
    """Rates for the sites in ``df``. For ICPRE without per-site OMED after RT, pass the whole
    series (``all_sites``) and the published ``aggregate``: the result then carries the range of
    responders over every allocation consistent with the aggregate under every reading of it
    (``icpre_readings``), and no point estimate. ``categories``: ``classify_frame(df,
    definition)`` when the caller has it already (the subgroups classify once)."""
    cats = classify_frame(df, definition) if categories is None else categories
    counts = response_counts(df, definition, method, cats)
    n_t, n_a = counts["n_treated"], counts["n_assessable"]
    readings = None
    if definition.kind == "icpre" and counts["n_unknown"] and all_sites is not None and aggregate:
        sites = all_sites.rename(columns={"baseline_omed_mg": "omed_before"})
        readings = icpre_readings(
            sites[list(SITE_COLUMNS)],
            list(df["course_id"]),
            aggregate.reduced,
            aggregate.unchanged,
            aggregate.increased,
        )
    settled = counts["n_unknown"] == 0
    known = rates_known(counts)

    def rate(k: int, n: int) -> Proportion | None:
        return proportion(k, n, method) if known and n else None

    responder, complete = _site_outcomes(cats)

    return ResponseSummary(
        definition=definition,
        n_treated=n_t,
        n_assessable=n_a,
        responders_treated=rate(counts["responders"], n_t),
        responders_assessable=rate(counts["responders"], n_a),
        complete_treated=rate(counts["complete"], n_t),
        complete_assessable=rate(counts["complete"], n_a),
        categories=counts["categories"],
        icpre_readings=readings,
        responders_patients=patient_proportion(df, responder, method) if settled else None,
        complete_patients=patient_proportion(df, complete, method) if settled else None,
        responders_patients_treated=(
            patient_proportion(df, responder, method, TREATED) if known else None
        ),
        complete_patients_treated=(
            patient_proportion(df, complete, method, TREATED) if known else None
        ),
    )


def _site_outcomes(cats: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per site (from its ``classify_frame`` category): responder and complete as 1.0 / 0.0,
    NaN where not assessable or not settled (the inputs of the per-patient counts)."""
    # Each distinct category is judged once, not each site (a registry has 100,000 sites).
    codes, uniques = pd.factorize(cats if isinstance(cats, pd.Series) else pd.Series(cats))
    settled = np.array([c != UNKNOWN for c in uniques] + [False])
    responder = np.array([c != UNKNOWN and bool(is_responder(c)) for c in uniques] + [False])
    complete = np.array([c == "complete" for c in uniques] + [False])
    known = settled[codes]  # code -1 (no category) reads the last, unsettled entry
    return (
        pd.Series(np.where(known, responder[codes], np.nan), dtype="float64"),
        pd.Series(np.where(known, complete[codes], np.nan), dtype="float64"),
    )


def subgroup_table(
    df: pd.DataFrame,
    definition: Definition,
    method: str = "exact",
    all_sites: pd.DataFrame | None = None,
    aggregate: Aggregate | None = None,
) -> pd.DataFrame:
    """One row per subgroup level: n, responders and complete responders with intervals, and for
    two-level factors with data in both levels a two-sided Fisher exact p for the responder rate."""
    rows = []
    # categorical: each subgroup's counts read integer codes, not 100,000 strings
    cats = classify_frame(df, definition).astype("category")
    sites = _counting_columns(df)
    for factor, split in SUBGROUPS.items():
        codes, uniques = pd.factorize(split(df))  # each site's level, compared as integers
        tests: dict[str, Proportion | None] = {}
        for code, lvl in sorted(enumerate(uniques), key=lambda c: c[1]):
            mask = codes == code
            sub = sites[mask]
            s = summarise(sub, definition, method, all_sites, aggregate, cats[mask])
            rows.append(
                {
                    "factor": factor,
                    "level": lvl,
                    "n": s.n_treated,
                    "n_patients": int(sub["patient_id"].nunique()) if "patient_id" in sub else None,
                    "responders": _ptext(s.responders_treated, s.icpre_readings, s.n_treated),
                    "complete": _ptext(s.complete_treated, s.icpre_readings, s.n_treated, True),
                }
            )
            tests[lvl] = s.responders_treated
        p, why = _fisher(tests)
        for r in rows:
            if r["factor"] == factor:
                r["fisher_p"] = p
                r["fisher"] = why
    # No sites, no rows: the table keeps its columns (what the report and the page lay out).
    return pd.DataFrame(rows, columns=SUBGROUP_COLUMNS)


# Every column of ``subgroup_table``: those with a header, and the Fisher p value (never a column
# of the tables shown).
SUBGROUP_COLUMNS = (*SUBGROUP_HEADERS, "fisher_p")


def _counting_columns(df: pd.DataFrame) -> pd.DataFrame:
    """What ``summarise`` reads of a subgroup once its categories are known: the course ids (the
    ICPRE readings) and the patients, as integer codes factorised once for the ten subgroups
    (the same grouping as the ids themselves; a registry has 100,000 sites)."""
    out = pd.DataFrame({"course_id": df["course_id"].to_numpy()})
    if "patient_id" in df:
        out["patient_id"] = pd.factorize(df["patient_id"].astype(str).to_numpy())[0]
    return out


def factor_tests(sub: pd.DataFrame) -> pd.DataFrame:
    """One row per factor of ``subgroup_table``: its groups in words and the Fisher test between
    them (the test belongs to the factor, not to each of its groups)."""
    if sub.empty:
        return pd.DataFrame(columns=["factor", "groups", "fisher"])
    by = sub.groupby("factor", sort=False)
    return pd.DataFrame(
        {
            "factor": list(by.groups),
            "groups": [" vs ".join(map(str, g["level"])) for _, g in by],
            "fisher": [g["fisher"].iloc[0] for _, g in by],
        }
    )


def single_group_factors(sub: pd.DataFrame) -> list[str]:
    """The factors of ``subgroup_table`` left with one group, so nothing can be compared:
    'Involved muscle (piriformis only)'. A filter on the factor, or a cohort narrowed by other
    filters, does this; an empty list when every factor has two groups or more."""
    out = []
    for factor in SUBGROUPS:
        levels = sub.loc[sub["factor"] == factor, "level"].tolist() if len(sub) else []
        if len(levels) == 1:
            out.append(f"{factor} ({levels[0]} only)")
    return out


def _fisher(rates: dict[str, Proportion | None]) -> tuple[float | None, str]:
    """Two-sided Fisher exact p of the responder rate for a two-level factor, with the words
    shown; no test for another number of levels or when a rate is not known."""
    if len(rates) != 2:
        return None, f"not tested ({counted(len(rates), 'group')})"
    a, b = rates.values()
    if a is None or b is None:
        return None, "not tested (rates not known)"
    p = float(_st.fisher_exact([[a.k, a.n - a.k], [b.k, b.n - b.k]]).pvalue)
    return p, f"p = {p:.2f}"


def _ptext(
    p: Proportion | None, readings: IcpreReadings | None, n: int, complete: bool = False
) -> str:
    if p is not None:
        return p.text()
    if readings is not None:
        lo, hi = readings.category_range("complete") if complete else readings.responders_range
        rng = f"{lo}" if lo == hi else f"{lo}–{hi}"
        return f"{rng} of {n} sites (range over {len(readings.by_reading)} readings)"
    return "not known (needs OMED after RT)" if n else "no sites"


def bound_proportions(
    bounds: IcpreBounds, method: str = "exact"
) -> tuple[Proportion | None, Proportion | None]:
    """The lowest and highest responder counts of an ICPRE range, each as a proportion with its
    interval (the range itself is not a confidence interval)."""
    n = bounds.n_sites
    return proportion(bounds.responders_min, n, method), proportion(
        bounds.responders_max, n, method
    )
