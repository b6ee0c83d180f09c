"""Where lifelines' Kaplan-Meier falls short of R's ``survival`` package, done as R does it.

PlexRT's numbers are checked against published R output (survfit, print.survfit). lifelines'
KaplanMeierFitter gives the product-limit estimate and the risk table, but
* its only interval is the log(-log) one: R's default "log" and the "plain" scale are missing, and
  the Greenwood variance itself is not public, so the pointwise limits are computed here from the
  Greenwood variance exactly as R's ``survfit_confint``;
* its median (and the median of a confidence curve) is the first time the curve is at or below
  0.5, and ``inf`` when not reached; R's ``quantile.survfit`` takes the midpoint of a stretch where
  the curve sits exactly at 0.5 (within sqrt(machine eps)) and reports NA when not reached. The
  rule of R is kept here (``r_findq``).
"""

from __future__ import annotations

import math

import numpy as np

# R's quantile.survfit treats a curve as "exactly at" the requested quantile within this tolerance.
_R_TOLERANCE = math.sqrt(np.finfo(float).eps)


def km_ci(
    surv: np.ndarray, se_log: np.ndarray, z: float, conf_type: str
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise limits exactly as R's survfit_confint (se_log = SE of log S, Greenwood)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "plain":
            half = z * se_log * surv
            lower = np.maximum(surv - half, 0.0)
            upper = np.minimum(surv + half, 1.0)
        elif conf_type == "log":
            lower = surv * np.exp(-z * se_log)
            upper = np.minimum(surv * np.exp(z * se_log), 1.0)
        else:  # log-log: S ** exp(+-z * se / |log S|)
            log_s = np.log(surv)
            expo = z * se_log / np.abs(log_s)
            lower = np.exp(log_s * np.exp(expo))
            upper = np.exp(log_s * np.exp(-expo))
            lower = np.where(surv == 1.0, 1.0, lower)
            upper = np.where(surv == 1.0, 1.0, upper)
    # Where the estimate has reached 0 the Greenwood variance is infinite and R reports NA.
    dead = surv <= 0.0
    lower = np.where(dead, np.nan, lower)
    upper = np.where(dead, np.nan, upper)
    return lower, upper


def r_findq(x: np.ndarray, y: np.ndarray, p: float, tol: float = _R_TOLERANCE) -> float | None:
    """R survival's ``findq``: where the rising curve y (= 1 - survival) first reaches p.

    x[0] / y[0] are the origin (time 0, y = 0). Duplicated y values (censorings) are dropped, NaN
    values are ignored. If y equals p (within tol) over a stretch, the midpoint of the stretch is
    returned; if the curve ends exactly at p, the midpoint between reaching p and the last time.
    """
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return None
    xmax = x[-1]
    # Keep the first occurrence of each distinct y (NaN counts as one value, as in R duplicated()).
    key = np.where(np.isnan(y), np.inf, y)
    _, first = np.unique(key, return_index=True)
    first.sort()
    xd, yd = x[first], y[first]
    n = yd.size
    valid = ~np.isnan(yd)
    idx = np.arange(n)[valid]
    yv = yd[valid]

    def approx_constant_f1(shift: float) -> int | None:
        # approx(yv + shift, idx, p, method="constant", f=1): index of the first knot >= p.
        knots = yv + shift
        order = np.argsort(knots, kind="stable")
        knots, ids = knots[order], idx[order]
        if p < knots[0] or p > knots[-1]:
            return None
        return int(ids[np.searchsorted(knots, p, side="left")])

    i1 = approx_constant_f1(tol)
    i2 = approx_constant_f1(-tol)
    quant = None if i1 is None or i2 is None else (xd[i1] + xd[i2]) / 2.0
    if not np.isnan(yd[-1]) and abs(p - yd[-1]) < tol and i1 is not None:
        quant = (xd[i1] + xmax) / 2.0
    return None if quant is None else float(quant)


def median_from_table(
    time: np.ndarray, surv: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[float | None, tuple[float | None, float | None]]:
    """Median and its interval as R's print.survfit: where the curve, the lower and the upper
    confidence curve first reach 0.5. The arrays start with the time-0 row, which plays the role
    of R's (firstx = 0, y = 0)."""
    med = r_findq(time, 1.0 - surv, 0.5)
    low = r_findq(time, 1.0 - lower, 0.5)
    high = r_findq(time, 1.0 - upper, 0.5)
    return med, (low, high)


# What a median or a confidence limit that R reports as NA means, in words.
NOT_REACHED = "not reached"
NOT_ESTIMABLE = "not estimable"
#: The words for a missing (median, lower limit, upper limit), in that order.
MissingWords = tuple[str, str, str]
#: Where only the numbers are known (a published median): a missing value is one not reached.
ALL_NOT_REACHED: MissingWords = (NOT_REACHED, NOT_REACHED, NOT_REACHED)


#: Why a median or limit of a cohort followed for no time after day 0 is not estimable, after
#: NOT_ESTIMABLE: the median of a cohort all of whom had the event at day 0 is 0 days, but its
#: interval has no time to be read at, and a bare "not estimable" would not say why.
ALL_EVENTS_AT_0 = "every patient had the event at day 0"
NO_TIME_AFTER_0 = "no patient was followed beyond day 0"


def _is_missing_word(text: str) -> bool:
    return text == NOT_REACHED or text.startswith(NOT_ESTIMABLE)


def range_words(low: str, high: str) -> str:
    """A range in words ('4.4 mo to 6.2 mo'; a median's interval, '0.8 to not estimable'): the
    reconstructions' own medians are None only when not reached, and a range both ends of which
    are missing for the same reason states it once, as every surface states it (never 'not
    reached to not reached', nor 'not estimable: ... to not estimable: ...')."""
    return low if low == high and _is_missing_word(low) else f"{low} to {high}"


def interval_words(low: str, high: str, median: str) -> str:
    """The interval of a median in words (``range_words``), with the reason of a missing interval
    stated once: where the median itself is missing for the reason a limit is ('not estimable:
    no patient was followed beyond day 0'), that limit reads 'not estimable' after it, not the
    reason a second time."""

    def bare(end: str) -> str:
        return end.split(":")[0] if end == median and _is_missing_word(end) else end

    return range_words(bare(low), bare(high))


def why_missing(time: np.ndarray, curve: np.ndarray) -> str:
    """Why ``r_findq`` finds no time where ``curve`` (the estimate or one of its confidence
    curves, on the table's ``time`` from the time-0 row) reaches 0.5: the rule of every median and
    limit PlexRT words.

    R's quantile.survfit gives NA in three situations that read differently:
    * the curve is defined to the end of follow-up and stays above 0.5: the follow-up ends
      censored with patients still at risk, and a longer follow-up could bring the curve to 0.5
      -- 'not reached';
    * the curve is undefined (NaN, R's NA) at the end: the Kaplan-Meier estimate fell to 0 (the
      last patient at risk had the event), where the Greenwood variance is infinite and
      survfit_confint gives NA, and findq drops those points. A confidence curve still above 0.5
      before that has no time at which it could be read, and no further follow-up exists (no one
      is left at risk) -- 'not estimable' (for [1, 2, 3] all events, log-log: the upper curve
      is 0.95, 0.77, then NA, so the upper limit of the median 2 is not estimable);
    * there is no follow-up after time 0 (every time 0, or no time at all): nothing was observed
      that could reach 0.5 -- 'not estimable'.
    The first situation is the only one where the estimate stays above 0, so the rule is one
    word per curve: the lower limit of a median that is reached is missing only when the curve
    fell from above 0.5 straight to 0 (the lower curve lies under the curve), as for one patient.
    The pooled curve of reconstructions (Rubin's rules) follows the same rule: its limits are NaN
    once some reconstruction's curve has fallen to 0 (``mi.pool_probabilities``)."""
    t = np.asarray(time, dtype=float)
    c = np.asarray(curve, dtype=float)
    if t.size == 0 or not (t > 0).any() or np.isnan(c[-1]):
        return NOT_ESTIMABLE
    return NOT_REACHED


def missing_words(
    time: np.ndarray, surv: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> MissingWords:
    """``why_missing`` for the median, its lower and its upper limit (``median_from_table``'s
    arrays); each word applies only where that value is None. With no follow-up after day 0 the
    words say so: 'not estimable: every patient had the event at day 0' (the curve ends at 0),
    else 'not estimable: no patient was followed beyond day 0'."""
    words = (why_missing(time, surv), why_missing(time, lower), why_missing(time, upper))
    t = np.asarray(time, dtype=float)
    if t.size and (t > 0).any():
        return words
    s = np.asarray(surv, dtype=float)
    reason = ALL_EVENTS_AT_0 if s.size and s[-1] == 0 else NO_TIME_AFTER_0
    return (
        f"{words[0]}: {reason}",
        f"{words[1]}: {reason}",
        f"{words[2]}: {reason}",
    )
