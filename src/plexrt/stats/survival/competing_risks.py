"""Competing risks: the Aalen-Johansen cumulative incidence of one event type, and 1 - Kaplan-Meier
beside it to show how much treating competing events as censored overstates the risk.

The cumulative incidence is own code, not lifelines' AalenJohansenFitter: lifelines breaks tied
event times by adding random jitter (with a warning), so its curve and variance depend on a random
draw, while PlexRT's reconstructed times and published day counts tie often. Here tied times are
handled as the estimator defines them (all events at a time in one step); on untied data the tests
check the estimate and the variance against lifelines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.stats.survival._checks import (
    check_alpha,
    check_codes,
    check_durations,
    check_event_of_interest,
    level_text,
    risk_sets,
    step_lookup,
    z_value,
)
from plexrt.stats.survival.kaplan_meier import kaplan_meier

CIF_COLUMNS = ("time", "at_risk", "events", "competing", "cif", "lower", "upper", "std_err")


@dataclass(frozen=True)
class CIFResult:
    """Aalen-Johansen cumulative incidence of one event type in the presence of competing events.

    ``table`` columns: ``time, at_risk, events, competing, cif, lower, upper, std_err`` with a first
    row at time 0 (cif 0). ``events`` counts the event of interest, ``competing`` all other event
    types.
    """

    table: pd.DataFrame
    event_of_interest: int
    n: int
    n_events: int
    n_competing: int
    alpha: float
    method_note: str


def _cif_variance(
    cif: np.ndarray, s_prev: np.ndarray, at_risk: np.ndarray, d_all: np.ndarray, d_k: np.ndarray
) -> np.ndarray:
    """Delta-method (Greenwood-type) variance of the CIF at each event time (Collett, Modelling
    Survival Data, 3rd ed. p. 411; SAS PROC LIFETEST):
    Var F(t_j) = sum_{i<=j} (F_j - F_i)^2 d_i / (n_i (n_i - d_i))
                 + S(t_i-)^2 d_ki (n_i - d_ki) / n_i^3 - 2 (F_j - F_i) S(t_i-) d_ki / n_i^2,
    d_i counting all event types. Where n_i == d_i the curve is flat afterwards (F_j - F_i = 0),
    so that term contributes 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where((d_all > 0) & (at_risk > d_all), d_all / (at_risk * (at_risk - d_all)), 0.0)
    b = s_prev**2 * d_k * (at_risk - d_k) / at_risk**3
    c = s_prev * d_k / at_risk**2
    diff = cif[:, None] - cif[None, :]  # [j, i] = F_j - F_i
    tri = np.tril(np.ones((cif.size, cif.size), dtype=bool))
    var = np.where(tri, diff**2 * a[None, :] + b[None, :] - 2 * diff * c[None, :], 0.0).sum(axis=1)
    return np.maximum(var, 0.0)


def _loglog_limits(cif: np.ndarray, se: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise limits on the log(-log) scale; 0 where the CIF is 0, NaN where it is 1."""
    z = z_value(alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_f = np.log(cif)
        se_t = se / (cif * np.abs(log_f))
        lower = np.exp(-np.exp(np.log(-log_f) + z * se_t))
        upper = np.exp(-np.exp(np.log(-log_f) - z * se_t))
    zero = cif <= 0.0
    one = cif >= 1.0
    lower = np.where(zero, 0.0, np.where(one, np.nan, lower))
    upper = np.where(zero, 0.0, np.where(one, np.nan, upper))
    return lower, upper


def cumulative_incidence(
    durations: Any,
    event_codes: Any,
    event_of_interest: int = 1,
    alpha: float = 0.05,
    names: tuple[str, str] | None = None,
) -> CIFResult:
    """Aalen-Johansen cumulative incidence of ``event_of_interest`` with competing events.

    ``event_codes``: 0 = censored, 1, 2, ... = event types; every type other than
    ``event_of_interest`` is a competing event (it removes the subject from risk without counting).
    CIF(t) = sum over event times t_i <= t of S(t_i-) d_i / n_i, with S the all-cause Kaplan-Meier.
    Variance: delta method (Greenwood-type; Collett, Modelling Survival Data, 3rd ed. p. 411; SAS
    PROC LIFETEST), pointwise CI on the log(-log) scale. Limits are 0 where the CIF is 0 and NaN
    where it is 1. ``names``: (event of interest, competing events) in words for the method note
    (default: by their codes).
    """
    t = check_durations(durations)
    codes = check_codes(event_codes, t.size)
    k = check_event_of_interest(event_of_interest)
    alpha = check_alpha(alpha)

    is_k = (codes == k).astype(float)
    is_any = (codes > 0).astype(float)
    times, at_risk, d_all, _ = risk_sets(t, is_any)
    _, inverse = np.unique(t, return_inverse=True)
    d_k = np.bincount(inverse, weights=is_k, minlength=times.size)

    s = np.cumprod(1.0 - d_all / at_risk)
    s_prev = np.concatenate(([1.0], s[:-1]))
    cif = np.cumsum(s_prev * d_k / at_risk)
    se = np.sqrt(_cif_variance(cif, s_prev, at_risk, d_all, d_k))
    lower, upper = _loglog_limits(cif, se, alpha)

    table = pd.DataFrame(
        {
            "time": np.concatenate(([0.0], times)),
            "at_risk": np.concatenate(([t.size], at_risk)).astype(np.int64),
            "events": np.concatenate(([0.0], d_k)).astype(np.int64),
            "competing": np.concatenate(([0.0], d_all - d_k)).astype(np.int64),
            "cif": np.concatenate(([0.0], cif)),
            "lower": np.concatenate(([0.0], lower)),
            "upper": np.concatenate(([0.0], upper)),
            "std_err": np.concatenate(([0.0], se)),
        }
    )
    event, competing = _names(k, names, "all other event types")
    note = (
        f"Aalen-Johansen cumulative incidence of {event} with {competing} as competing risks, "
        "delta-method (Greenwood-type) variance and "
        f"{level_text(alpha)} pointwise confidence intervals on the log(-log) scale."
    )
    return CIFResult(
        table=table,
        event_of_interest=k,
        n=int(t.size),
        n_events=int(is_k.sum()),
        n_competing=int(is_any.sum() - is_k.sum()),
        alpha=alpha,
        method_note=note,
    )


def _names(k: int, names: tuple[str, str] | None, others: str) -> tuple[str, str]:
    """(event of interest, competing events) as a method note says them (``others`` when not
    named)."""
    if names is None:
        return f"event type {k}", others
    if not (
        isinstance(names, tuple) and len(names) == 2 and all(isinstance(n, str) for n in names)
    ):
        raise ValueError("names must be a pair of strings (event of interest, competing events)")
    return names


def cif_at(result: CIFResult, times: Any) -> np.ndarray:
    """Cumulative incidence at ``times`` (right-continuous step; 0 before time 0)."""
    if not isinstance(result, CIFResult):
        raise ValueError("result must be a CIFResult from cumulative_incidence()")
    tab = result.table
    return step_lookup(tab["time"].to_numpy(), tab["cif"].to_numpy(), times, 0.0)


def one_minus_km(
    durations: Any,
    event_codes: Any,
    event_of_interest: int = 1,
    alpha: float = 0.05,
    conf_type: str = "log-log",
    names: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """1 - Kaplan-Meier for one event type, treating competing events as censored (``names`` as
    in ``cumulative_incidence``).

    Shown beside the Aalen-Johansen CIF to make the point that it overstates the risk when
    competing events occur (it answers "what if nobody could experience the competing event").
    Columns: ``time, at_risk, events, censored, one_minus_km, lower, upper``; the method note is in
    ``DataFrame.attrs["method_note"]``.
    """
    t = check_durations(durations)
    codes = check_codes(event_codes, t.size)
    k = check_event_of_interest(event_of_interest)
    km = kaplan_meier(t, (codes == k).astype(float), alpha=alpha, conf_type=conf_type)
    tab = km.table
    out = pd.DataFrame(
        {
            "time": tab["time"],
            "at_risk": tab["at_risk"],
            "events": tab["events"],
            "censored": tab["censored"],
            "one_minus_km": 1.0 - tab["survival"],
            "lower": 1.0 - tab["upper"],
            "upper": 1.0 - tab["lower"],
        }
    )
    event, competing = _names(k, names, "competing events")
    out.attrs["method_note"] = (
        f"1 minus Kaplan-Meier for {event}, with {competing} treated as censored "
        f"(overstates the cumulative incidence when competing events occur); {km.method_note}"
    )
    return out
