"""Time-to-event statistics for small series: Kaplan-Meier, log-rank, Cox hazard ratios,
Aalen-Johansen cumulative incidence.

Everything here follows the conventions of R's ``survival`` package so that numbers on screen can be
checked against published R output:

* Kaplan-Meier (lifelines' product-limit estimate) with Greenwood variance; pointwise intervals on
  the "log-log", "log" (R's default) or "plain" scale exactly as ``survfit(..., conf.type=)``.
* Median and its interval as ``print.survfit`` / ``quantile.survfit``: the first time the curve (or
  the lower / upper confidence curve) falls to 0.5 or below; where a curve sits exactly at 0.5 over a
  stretch, the midpoint of that stretch.
* Log-rank test identical to ``survdiff`` (rho = 0): k groups, chi-square on k - 1 df.
* Cox hazard ratios as ``coxph`` (Efron ties), fitted by lifelines.
* Ties: at a time shared by events and censorings, the censored subjects count as still at risk
  for those events (events come first), as in R.

lifelines does the fitting where it does the job as well (Kaplan-Meier estimate, Cox model) and is
imported only when a function needs it (``import plexrt.stats.survival`` does not load it). Each
module that keeps its own code says why next to it: R's intervals and median rule
(``r_conventions``), the log-rank test (``logrank``), the ensemble curves (``km_curve_on_grid``), the
cumulative incidence (``competing_risks``).

Time units are whatever the caller passes (PlexRT uses days).
"""

from plexrt.stats.survival._checks import CONF_TYPES
from plexrt.stats.survival.competing_risks import (
    CIF_COLUMNS,
    CIFResult,
    cif_at,
    cumulative_incidence,
    one_minus_km,
)
from plexrt.stats.survival.cox import COX_COLUMNS, CoxResult, cox_hazard_ratio
from plexrt.stats.survival.kaplan_meier import (
    CONF_TYPE_LABELS,
    KM_COLUMNS,
    KMResult,
    at_risk_at,
    kaplan_meier,
    km_curve_on_grid,
    survival_at,
)
from plexrt.stats.survival.logrank import LogRankResult, logrank
from plexrt.stats.survival.r_conventions import (
    ALL_NOT_REACHED,
    NOT_ESTIMABLE,
    NOT_REACHED,
    MissingWords,
    interval_words,
    missing_words,
    range_words,
    why_missing,
)

__all__ = [
    "ALL_NOT_REACHED",
    "CIF_COLUMNS",
    "CONF_TYPES",
    "CONF_TYPE_LABELS",
    "COX_COLUMNS",
    "KM_COLUMNS",
    "NOT_ESTIMABLE",
    "NOT_REACHED",
    "CIFResult",
    "CoxResult",
    "KMResult",
    "LogRankResult",
    "MissingWords",
    "at_risk_at",
    "cif_at",
    "cox_hazard_ratio",
    "cumulative_incidence",
    "interval_words",
    "kaplan_meier",
    "km_curve_on_grid",
    "logrank",
    "missing_words",
    "one_minus_km",
    "survival_at",
    "range_words",
    "why_missing",
]
