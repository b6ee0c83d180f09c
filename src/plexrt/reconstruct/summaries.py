"""What a published summary (mean, minimum, maximum, median of n whole-day values) allows: bounds,
attained extremes, the range of the sum, and the achievable range of a mean or median."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plexrt.reconstruct.constraints import Constraint, count, find
from plexrt.reconstruct.rounding import (
    PAPER_MONTH_READINGS,
    DayWindow,
    int_window,
    overlaps,
    real_window,
    sum_window,
)
from plexrt.reconstruct.timeline import Timeline

BIG = 10**9  # stands in for "no bound" in integer arithmetic

NO_RELAPSE = "assessable patients without relapse"


@dataclass(frozen=True)
class Group:
    """Published summary of n whole-day values: bounds, attained extremes, range of the sum."""

    n: int | None
    lo: int
    hi: int
    lo_attained: bool
    hi_attained: bool
    sum_lo: int
    sum_hi: int
    ids: tuple[str, ...]


def population_size(cons: Sequence[Constraint], tl: Timeline, population: str) -> int | None:
    if population == "all patients":
        return len(tl.pids)
    if population == "all sites":
        return len(tl.course_ids)
    if population == "deceased patients":
        return count(cons, "deaths")
    if population == "assessable patients":
        return count(cons, "assessable_for_relief")
    if population == NO_RELAPSE:
        n = count(cons, "no_relapse")
        if n is None:
            a, r = count(cons, "assessable_for_relief"), count(cons, "relapses")
            n = None if a is None or r is None else a - r
        return n
    return None


def published_group(
    cons: Sequence[Constraint], tl: Timeline, quantity: str, population: str
) -> Group:
    """Bounds and sum window of the published (kept) mean/min/max of one quantity and population."""
    n = population_size(cons, tl, population)
    lo, hi, lo_att, hi_att, ids = 0, BIG, False, False, []
    s_lo, s_hi = -BIG, BIG
    for c in cons:
        if c.quantity != quantity or c.applies_to != population:
            continue
        if c.kind == "min":
            lo, lo_att = int_window(c)[0], True
            ids.append(c.constraint_id)
        elif c.kind == "max":
            hi, hi_att = int_window(c)[1], True
            ids.append(c.constraint_id)
        elif c.kind == "mean" and n:
            s_lo, s_hi = sum_window(real_window(c), n)
            ids.append(c.constraint_id)
    return Group(n, lo, hi, lo_att, hi_att, s_lo, s_hi, tuple(ids))


# -- achievable order statistics and means -------------------------------------------------------


def order_stat_range(g: Group, extras: Sequence[DayWindow], k: int) -> DayWindow | None:
    """Smallest and largest possible k-th smallest value (0-based) of the g.n group values (whole
    numbers in [lo, hi], lo and hi attained, sum in [sum_lo, sum_hi]) together with extra values each
    free within its own interval. None if no value is possible."""
    n = g.n or 0
    total = n + len(extras)
    if n < 2 or not 0 <= k < total:
        return None
    lows = [g.lo, *(a for a, _ in extras)]
    highs = [g.hi, *(b for _, b in extras)]

    def can_reach_at_least(m: int) -> bool:
        # at least total - k values must be >= m
        need = total - k - sum(b >= m for _, b in extras)
        if need <= 0:
            return True
        if m <= g.lo:
            return need <= n
        if g.hi < m or need > n - 1:
            return False
        return g.hi + (need - 1) * m + (n - need) * g.lo <= g.sum_hi

    def can_reach_at_most(m: int) -> bool:
        # at least k + 1 values must be <= m
        need = k + 1 - sum(a <= m for a, _ in extras)
        if need <= 0:
            return True
        if m >= g.hi:
            return need <= n
        if g.lo > m or need > n - 1:
            return False
        return g.lo + (need - 1) * m + (n - need) * g.hi >= g.sum_lo

    cands = range(min(lows), max(highs) + 1)
    ups = [m for m in cands if can_reach_at_least(m)]
    downs = [m for m in cands if can_reach_at_most(m)]
    if not ups or not downs:
        return None
    return min(downs), max(ups)


def median_range(g: Group, extras: Sequence[DayWindow]) -> tuple[float, float] | None:
    total = (g.n or 0) + len(extras)
    if total % 2:
        return order_stat_range(g, extras, total // 2)
    a, b = order_stat_range(g, extras, total // 2 - 1), order_stat_range(g, extras, total // 2)
    if a is None or b is None:
        return None
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def mean_range(g: Group, extras: Sequence[DayWindow]) -> tuple[float, float]:
    total = (g.n or 0) + len(extras)
    s_lo = max(g.sum_lo, (g.n or 0) * g.lo)
    s_hi = min(g.sum_hi, (g.n or 0) * g.hi)
    return (
        (s_lo + sum(a for a, _ in extras)) / total,
        (s_hi + sum(b for _, b in extras)) / total,
    )


# -- relief figures whose population is not stated (Discussion) ---------------------------------


def relapse_extras(cons: Sequence[Constraint]) -> list[DayWindow]:
    """Relief of each relapsing patient (days from maximal response), one window per patient, from
    the statements relative to maximal response."""
    out: dict[str | None, DayWindow] = {}
    for c in find(cons, kind="fact", quantity="relapse_after_max_response"):
        out.setdefault(c.patient_id, int_window(c))
    return list(out.values())


def candidate_populations(
    cons: Sequence[Constraint], tl: Timeline
) -> dict[str, tuple[Group, list[DayWindow]]]:
    """Populations a relief figure of unstated population may describe: the non-relapsing
    assessable patients (as in the Results), or all assessable patients (relapsers added)."""
    base = published_group(cons, tl, "relief_duration", NO_RELAPSE)
    return {
        NO_RELAPSE: (base, []),
        "assessable patients": (base, relapse_extras(cons)),
    }


def discussion_fit(
    c: Constraint, cons: Sequence[Constraint], tl: Timeline
) -> tuple[list[tuple[str, float]], dict[str, tuple[float, float] | None]]:
    """(population, month reading) pairs under which a relief figure of unstated population is
    possible, and the achievable range (days) for each population."""
    fits: list[tuple[str, float]] = []
    ranges: dict[str, tuple[float, float] | None] = {}
    for pop, (g, extras) in candidate_populations(cons, tl).items():
        if not g.n:
            continue
        r = median_range(g, extras) if c.kind == "median" else mean_range(g, extras)
        ranges[pop] = r
        for length in PAPER_MONTH_READINGS if c.unit == "months" else (1.0,):
            if r is not None and overlaps(r, real_window(c, (length,))):
                fits.append((pop, length))
    return fits, ranges
