"""Cached time-to-event estimates of the series in view, pooled over the reconstructions when its
times are reconstructed (medians, the KM envelope, the log-rank test, fixed-time rates, relapse
incidence); the computations live in ``plexrt.clinical``, this module only caches them per series.
"""

from __future__ import annotations

from plexrt.data.filters import CohortFilter
from plexrt.ui.db import all_sites, cohort, ensemble_events, events
from plexrt.ui.series_state import per_series


@per_series(show_spinner="Pooling the medians over the reconstructions…")
def plexrt_medians(flt: CohortFilter):
    from plexrt.clinical.series_medians import series_medians

    return series_medians(events(), cohort(flt)["patient_id"].unique(), ensemble_events())


@per_series(show_spinner=False)
def envelope(patient_ids: tuple[str, ...], endpoint: str, time_zero: str, max_days: float):
    """Pointwise 5-95% band of the KM curve over the reconstructions (cached per cohort)."""
    import numpy as np

    from plexrt.clinical import endpoints as tte

    grid = np.linspace(0, max_days, 200)
    return tte.ensemble_envelope(ensemble_events(), list(patient_ids), endpoint, time_zero, grid)


@per_series(show_spinner="Repeating the test on every reconstruction…")
def logrank_pooled(patient_ids: tuple[str, ...], endpoint: str, time_zero: str, by: str):
    """The log-rank test across groups, pooled over the reconstructions (D2) when the times are
    reconstructed (plexrt.clinical.tte_estimates.logrank_estimate)."""
    from plexrt.clinical import endpoints as tte
    from plexrt.clinical import tte_estimates as te

    groups = tte.patient_groups(all_sites(), by)
    return te.logrank_estimate(
        events(), ensemble_events(), list(patient_ids), endpoint, time_zero, groups
    )


@per_series(show_spinner="Pooling the medians over the reconstructions…")
def median_estimates(patient_ids: tuple[str, ...], endpoint: str, time_zero: str, by: str):
    """Median per curve (overall or per group), pooled when the times are reconstructed."""
    from plexrt.clinical import endpoints as tte
    from plexrt.clinical import tte_estimates as te

    groups = None if by == "none" else tte.patient_groups(all_sites(), by)
    return te.group_medians(
        events(), ensemble_events(), list(patient_ids), endpoint, time_zero, groups
    )


@per_series(show_spinner=False)
def fixed_time_rates(patient_ids: tuple[str, ...], endpoint: str, time_zero: str):
    """Survival or continued relief at 3, 6 and 12 months (pooled when reconstructed)."""
    from plexrt.clinical import tte_rates

    return tte_rates.rates_at(events(), ensemble_events(), list(patient_ids), endpoint, time_zero)


@per_series(show_spinner=False)
def relapse_incidence(patient_ids: tuple[str, ...]):
    """Cumulative incidence of relapse at 3, 6 and 12 months (pooled when reconstructed)."""
    from plexrt.clinical import tte_rates

    return tte_rates.relapse_incidence_at(events(), ensemble_events(), list(patient_ids))
