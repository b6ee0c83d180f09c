"""Pain-response figures for a cohort under a chosen definition: rates with intervals, the ICPRE range
when analgesics after RT are known only in aggregate, subgroup comparisons and the analgesic table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from scipy import stats as _st

from plexrt.clinical import response
from plexrt.clinical.response import Definition
from plexrt.stats.proportions import Proportion, proportion

# Subgroup factors shown on the pain page: label -> how to split a site.
SUBGROUPS = {
    "Involved muscle": lambda d: d["involved_muscle"],
    "Intent": lambda d: d["intent"].map(
        {"palliative": "palliative", "local_control": "local control"}
    ),
    "Primary group": lambda d: d["primary_group"],
    "Dose per fraction": lambda d: d["dose_per_fraction_gy"].map(
        lambda x: "≥ 3 Gy" if x >= 3 - 1e-9 else "< 3 Gy"
    ),
}


@dataclass(frozen=True)
class Aggregate:
    """After-RT analgesic change known only as counts over the whole series."""

    reduced: int
    unchanged: int
    increased: int


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
    icpre_bounds: response.IcpreBounds | None = None  # ICPRE from aggregate analgesic data


def summarise(
    df: pd.DataFrame,
    definition: Definition,
    method: str = "exact",
    all_sites: pd.DataFrame | None = None,
    aggregate: Aggregate | None = None,
) -> ResponseSummary:
    """Rates for the sites in ``df``. For ICPRE without per-site OMED after RT, pass the whole
    series (``all_sites``) and the published ``aggregate``: the result then carries the range of
    responders over every allocation consistent with the aggregate, and no point estimate."""
    counts = response.response_counts(df, definition, method)
    n_t, n_a = counts["n_treated"], counts["n_assessable"]
    bounds = None
    if definition.kind == "icpre" and counts["n_unknown"] and all_sites is not None and aggregate:
        sites = all_sites.rename(columns={"baseline_omed_mg": "omed_before"})
        bounds = response.icpre_bounds_subset(
            sites[["course_id", "nrs_before", "nrs_after", "omed_before"]],
            list(df["course_id"]),
            aggregate.reduced,
            aggregate.unchanged,
            aggregate.increased,
        )
    settled = counts["n_unknown"] == 0
    return ResponseSummary(
        definition=definition,
        n_treated=n_t,
        n_assessable=n_a,
        responders_treated=proportion(counts["responders"], n_t, method)
        if settled and n_t
        else None,
        responders_assessable=proportion(counts["responders"], n_a, method)
        if settled and n_a
        else None,
        complete_treated=proportion(counts["complete"], n_t, method) if settled and n_t else None,
        complete_assessable=proportion(counts["complete"], n_a, method)
        if settled and n_a
        else None,
        categories=counts["categories"],
        icpre_bounds=bounds,
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
    for factor, split in SUBGROUPS.items():
        levels = split(df)
        tests = {}
        groups = [(lvl, df[levels == lvl]) for lvl in sorted(levels.dropna().unique())]
        for lvl, sub in groups:
            s = summarise(sub, definition, method, all_sites, aggregate)
            rows.append(
                {
                    "factor": factor,
                    "level": lvl,
                    "n": s.n_treated,
                    "responders": _ptext(s.responders_treated, s.icpre_bounds, s.n_treated),
                    "complete": _ptext(s.complete_treated, s.icpre_bounds, s.n_treated, True),
                    "_r": s.responders_treated,
                }
            )
            tests[lvl] = s.responders_treated
        p, why = None, ""
        if len(tests) != 2:
            why = f"not tested ({len(tests)} group{'s' if len(tests) != 1 else ''})"
        elif any(v is None for v in tests.values()):
            why = "not tested (rates not known)"
        else:
            a, b = tests.values()
            table = [[a.k, a.n - a.k], [b.k, b.n - b.k]]
            p = float(_st.fisher_exact(table).pvalue)
            why = f"p = {p:.2f}"
        for r in rows:
            if r["factor"] == factor:
                r["fisher_p"] = p
                r["fisher"] = why
    out = pd.DataFrame(rows).drop(columns="_r")
    return out


def _ptext(p: Proportion | None, bounds, n: int, complete: bool = False) -> str:
    if p is not None:
        return p.text()
    if bounds is not None:
        lo, hi = (
            (bounds.category_min["complete"], bounds.category_max["complete"])
            if complete
            else (bounds.responders_min, bounds.responders_max)
        )
        return f"{lo}–{hi} of {n} (range over allocations)"
    return "not known (needs OMED after RT)" if n else "no sites"


def analgesic_table(analgesics: pd.DataFrame, table: str = "cdc2022") -> pd.DataFrame:
    """Per site: opioids with mg/day and their factor, non-opioids listed (not converted), OMED."""
    base = analgesics[analgesics["timepoint"] == "baseline"]
    factors = response.OPIOID_FACTORS[table]
    omed = response.omed_by_course(base, table)
    rows = []
    for cid, sub in base.groupby("course_id", sort=False):
        opioids = sub[sub["is_opioid"]]
        others = sub[~sub["is_opioid"]]
        rows.append(
            {
                "course_id": cid,
                "opioids": "; ".join(
                    f"{r.drug} {r.mg_per_day:g} mg × {factors[r.drug]:g}"
                    for r in opioids.itertuples()
                )
                or "none",
                "non_opioids": "; ".join(
                    f"{r.drug} {r.mg_per_day:g} mg" for r in others.itertuples()
                )
                or "none",
                "omed_mg": float(omed[cid]),
            }
        )
    return pd.DataFrame(rows, columns=["course_id", "opioids", "non_opioids", "omed_mg"])


def bound_proportions(bounds: response.IcpreBounds, method: str = "exact"):
    """The lowest and highest responder counts of an ICPRE range, each as a proportion with its
    interval (the range itself is not a confidence interval)."""
    n = bounds.n_sites
    return proportion(bounds.responders_min, n, method), proportion(
        bounds.responders_max, n, method
    )
