"""Hazard ratios between groups from a Cox proportional-hazards model (lifelines CoxPHFitter).

Each group other than the reference gets an indicator; the model is fitted by partial likelihood
with Efron's method for tied times (R ``coxph``'s default, and lifelines'), Wald intervals and
p-values per group, and an overall likelihood-ratio test. lifelines is imported when first needed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.stats.survival._checks import (
    check_alpha,
    check_durations,
    check_events,
    group_labels,
    level_text,
)

COX_COLUMNS = ("group", "n", "events", "hazard_ratio", "lower", "upper", "p_value")


@dataclass(frozen=True)
class CoxResult:
    """Hazard ratio of each group against ``reference`` (Cox model, Efron ties).

    ``table`` columns: ``group, n, events, hazard_ratio, lower, upper, p_value`` (Wald), one row
    per group, the reference first with ratio 1 and no interval. A group without events has no
    estimable ratio (the fit diverges): its row is NaN and ``warning`` says so.
    ``likelihood_ratio`` is the overall likelihood-ratio chi-square on ``df`` degrees of freedom.
    """

    table: pd.DataFrame
    reference: Any
    likelihood_ratio: float
    df: int
    p_value: float
    n: int
    n_events: int
    alpha: float
    method_note: str
    warning: str | None = None


def _design(
    t: np.ndarray, e: np.ndarray, codes: np.ndarray, ref: int, k: int
) -> tuple[pd.DataFrame, list[int]]:
    others = [i for i in range(k) if i != ref]
    frame = pd.DataFrame({f"g{i}": (codes == i).astype(float) for i in others})
    frame["_time"] = t
    frame["_event"] = e
    return frame, others


def _fit(frame: pd.DataFrame, alpha: float) -> tuple[Any, str | None]:
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        # lifelines stops by default once a Newton step is below 1e-7, which leaves ratios off by
        # ~1e-5 (relative) from the maximum of the partial likelihood; a tighter tolerance reaches
        # it (score ~0), as R coxph and statsmodels PHReg do.
        fit = CoxPHFitter(alpha=alpha).fit(
            frame, "_time", "_event", fit_options={"precision": 1e-10, "r_precision": 1e-12}
        )
    diverged = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return fit, "the model did not converge" if diverged else None


def _ratio_table(
    fit: Any, labels: list[Any], codes: np.ndarray, e: np.ndarray, ref: int
) -> tuple[pd.DataFrame, list[Any]]:
    """One row per group (reference first) and the groups without events (not estimable)."""
    n_g = np.bincount(codes, minlength=len(labels))
    d_g = np.bincount(codes, weights=e, minlength=len(labels)).astype(np.int64)
    rows = [(labels[ref], n_g[ref], d_g[ref], 1.0, np.nan, np.nan, np.nan)]
    no_events = []
    for i in (i for i in range(len(labels)) if i != ref):
        name = f"g{i}"
        if d_g[i] == 0:
            no_events.append(labels[i])
            rows.append((labels[i], n_g[i], 0, np.nan, np.nan, np.nan, np.nan))
            continue
        lo, hi = np.exp(fit.confidence_intervals_.loc[name].to_numpy(dtype=float))
        hr = float(fit.hazard_ratios_[name])
        rows.append((labels[i], n_g[i], d_g[i], hr, lo, hi, float(fit.summary.loc[name, "p"])))
    table = pd.DataFrame(rows, columns=list(COX_COLUMNS))
    table[["n", "events"]] = table[["n", "events"]].astype(np.int64)
    return table, no_events


def cox_hazard_ratio(
    durations: Any,
    events: Any,
    groups: Any,
    reference: Any = None,
    alpha: float = 0.05,
) -> CoxResult:
    """Hazard ratios (with Wald ``1 - alpha`` intervals and p-values) of each group against
    ``reference`` (default: the first group in sorted order, as R takes the first factor level).

    ``durations``: non-negative times; ``events``: 1 = event, 0 = censored; ``groups``: one label
    per subject, at least two groups. Raises ValueError for invalid input, an unknown reference or
    data without any event.
    """
    t = check_durations(durations)
    e = check_events(events, t.size)
    alpha = check_alpha(alpha)
    labels, codes = group_labels(groups, t.size)
    if reference is None:
        reference = labels[0]
    if reference not in labels:
        raise ValueError(f"reference {reference!r} is not one of the groups {labels}")
    if e.sum() == 0:
        raise ValueError("no event in the data: no hazard ratio can be estimated")
    ref = labels.index(reference)
    frame, others = _design(t, e, codes, ref, len(labels))
    fit, problem = _fit(frame, alpha)

    table, no_events = _ratio_table(fit, labels, codes, e, ref)
    lr = fit.log_likelihood_ratio_test()
    warning = None
    if no_events or problem:
        what = [f"no events in {', '.join(map(str, no_events))}"] if no_events else []
        warning = "; ".join([*what, *([problem] if problem else [])]) + (
            ": those hazard ratios cannot be estimated."
        )
    note = (
        f"Cox proportional-hazards model with one indicator per group against {reference!r}, "
        "Efron's method for tied times (as R coxph), hazard ratios with "
        f"{level_text(alpha)} Wald intervals and Wald p-values; overall likelihood-ratio test."
    )
    return CoxResult(
        table=table,
        reference=reference,
        likelihood_ratio=float(lr.test_statistic),
        df=len(others),
        p_value=float(lr.p_value),
        n=int(t.size),
        n_events=int(e.sum()),
        alpha=alpha,
        method_note=note,
        warning=warning,
    )
