"""One random draw of individual times satisfying every kept constraint of a :class:`Plan`
exactly: roles first (who died, who is assessable, who attains each published extreme), then whole
days within each patient's bounds, shifted to hit each published sum.

The order of the random calls is part of the result (same seed, same times): keep it when editing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plexrt.reconstruct.plan import Plan
from plexrt.reconstruct.rounding import DayWindow, in_real

MAX_TRIES = 5000


@dataclass
class Draw:
    t: np.ndarray  # days from RT completion to death / last contact
    dead: np.ndarray
    assess: np.ndarray
    relapse_day: np.ndarray  # NaN if none


def fixed_sum(lo: np.ndarray, hi: np.ndarray, total: int, rng: np.random.Generator) -> np.ndarray:
    """Whole numbers within [lo, hi] summing to total: uniform draws, then the difference is
    shared in proportion to each value's room to move (remainder one day at a time)."""
    x = rng.integers(lo, hi + 1)
    diff = int(total - x.sum())
    if diff == 0:
        return x
    sign = 1 if diff > 0 else -1
    room = (hi - x) if sign > 0 else (x - lo)
    need = abs(diff)
    share = (need * room) // room.sum()
    x = x + sign * share
    room = room - share
    for _ in range(need - int(share.sum())):
        i = rng.choice(np.flatnonzero(room > 0))
        x[i] += sign
        room[i] -= 1
    return x


def _pick(values: np.ndarray, rng: np.random.Generator) -> int:
    return int(values[rng.integers(len(values))])


def cell_sums(
    boxes: list[DayWindow],
    d_win: DayWindow,
    r_win: DayWindow,
    f_win: DayWindow,
    rng: np.random.Generator,
) -> tuple[int, int, int, int] | None:
    """Sums of the four cells (dead & relief group, dead & not, alive & relief group, alive & not)
    with sum(dead) in d_win, sum(relief group) in r_win and sum(all) in f_win, each cell within its
    box; drawn one cell at a time among values that leave the rest feasible."""
    (l1, h1), (l2, h2), (l3, h3), (l4, h4) = boxes
    v1 = np.arange(l1, h1 + 1)
    j2lo, j2hi = np.maximum(l2, d_win[0] - v1), np.minimum(h2, d_win[1] - v1)
    j3lo, j3hi = np.maximum(l3, r_win[0] - v1), np.minimum(h3, r_win[1] - v1)
    ok = (
        (j2lo <= j2hi)
        & (j3lo <= j3hi)
        & (j2lo + j3lo + l4 <= f_win[1] - v1)
        & (j2hi + j3hi + h4 >= f_win[0] - v1)
    )
    if not ok.any():
        return None
    k = _pick(np.flatnonzero(ok), rng)
    x1 = int(v1[k])
    v2 = np.arange(j2lo[k], j2hi[k] + 1)
    ok2 = (j3lo[k] + l4 <= f_win[1] - x1 - v2) & (j3hi[k] + h4 >= f_win[0] - x1 - v2)
    x2 = _pick(v2[ok2], rng)
    v3 = np.arange(j3lo[k], j3hi[k] + 1)
    ok3 = (l4 <= f_win[1] - x1 - x2 - v3) & (h4 >= f_win[0] - x1 - x2 - v3)
    x3 = _pick(v3[ok3], rng)
    rest = x1 + x2 + x3
    x4 = _pick(np.arange(max(l4, f_win[0] - rest), min(h4, f_win[1] - rest) + 1), rng)
    return x1, x2, x3, x4


@dataclass(frozen=True)
class _Patients:
    """What every try of one draw shares: patient count, RT completion minus maximal response
    (off), RT completion day, relapsers, patients not known to be alive, non-relapsers."""

    n: int
    off: np.ndarray
    rt_end: np.ndarray
    is_rel: np.ndarray
    optional: np.ndarray
    nonrel: np.ndarray

    @classmethod
    def of(cls, plan: Plan) -> _Patients:
        n = len(plan.tl.pids)
        is_rel = np.zeros(n, bool)
        is_rel[list(plan.relapsers)] = True
        return cls(
            n=n,
            off=plan.tl.offset.astype(np.int64),
            rt_end=plan.tl.rt_end.astype(np.int64),
            is_rel=is_rel,
            optional=np.array([i for i in range(n) if i not in plan.must_alive]),
            nonrel=np.flatnonzero(~is_rel),
        )


@dataclass(frozen=True)
class _Roles:
    """One try's roles: relapse days (NaN: no relapse), who relapsed, who died, and who is one of
    the non-relapsing assessable patients (n7, "the other seven")."""

    relapse_day: np.ndarray
    is_rel: np.ndarray
    dead: np.ndarray
    n7: np.ndarray


def _draw_roles(plan: Plan, p: _Patients, rng: np.random.Generator) -> _Roles:
    """Relapse days within their windows; who died (patients known to be alive at the end never
    do); which non-relapsing patients are the assessable ones."""
    relapse_day = np.full(p.n, np.nan)
    for i in plan.relapsers:
        a, b = plan.relapse_win[i]
        relapse_day[i] = rng.integers(a, b + 1)
    alive = np.zeros(p.n, bool)
    alive[list(plan.must_alive)] = True
    extra = p.n - plan.n_dead - len(plan.must_alive)
    alive[rng.choice(p.optional, extra, replace=False)] = True
    # the non-relapsing assessable patients: those whose relief is called durable, then a draw
    # among the other non-relapsers (the same draw as before when no relief is called durable)
    n7 = np.zeros(p.n, bool)
    must = sorted(plan.must_assess)
    n7[must] = True
    others = np.setdiff1d(p.nonrel, must)
    n7[rng.choice(others, plan.n_norel - len(must), replace=False)] = True
    return _Roles(relapse_day, p.is_rel, ~alive, n7)


def _time_bounds(plan: Plan, p: _Patients, r: _Roles) -> tuple[np.ndarray, np.ndarray]:
    """Bounds on t = days from RT completion to death / last contact, given the roles."""
    n, off, rt_end = p.n, p.off, p.rt_end
    dead_g, fu_g, rel_g, dead, n7 = plan.dead, plan.fu, plan.relief, r.dead, r.n7
    lo = np.full(n, fu_g.lo if fu_g.lo_attained or fu_g.lo else 0, np.int64)
    hi = np.full(n, fu_g.hi, np.int64)
    lo[dead] = np.maximum(lo[dead], dead_g.lo)
    hi[dead] = np.minimum(hi[dead], dead_g.hi)
    lo = np.maximum(lo, -off)  # maximal response is observed alive
    for i in plan.relapsers:  # relapse observed before death / at last contact at the latest
        lo[i] = max(lo[i], int(r.relapse_day[i]) - rt_end[i] + (1 if dead[i] else 0))
    lo[n7] = np.maximum(lo[n7], rel_g.lo - off[n7])
    hi[n7] = np.minimum(hi[n7], rel_g.hi - off[n7])
    if rel_g.lo_attained:  # not assessable = followed less than the shortest published relief
        non_assess = ~n7 & ~r.is_rel
        hi[non_assess] = np.minimum(hi[non_assess], rel_g.lo - 1 - off[non_assess])
    for i, (a, b) in plan.t_bounds.items():
        lo[i], hi[i] = max(lo[i], a), min(hi[i], b)
    if plan.span is not None:
        hi = np.minimum(hi, plan.span - rt_end)
    return lo, hi


def _attain_extremes(
    plan: Plan, p: _Patients, r: _Roles, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray] | None:
    """Who attains each published maximum and minimum: one admissible patient per extreme (unless
    one already does), whose bounds collapse to it. None if some extreme has no candidate."""
    n, off = p.n, p.off
    dead_g, fu_g, rel_g = plan.dead, plan.fu, plan.relief
    everyone = np.ones(n, bool)
    extremes = []
    if fu_g.hi_attained:
        extremes.append((everyone, np.full(n, fu_g.hi)))
    if rel_g.hi_attained:
        extremes.append((r.n7, rel_g.hi - off))
    if dead_g.hi_attained:
        extremes.append((r.dead, np.full(n, dead_g.hi)))
    if rel_g.lo_attained:
        extremes.append((r.n7, rel_g.lo - off))
    if dead_g.lo_attained:
        extremes.append((r.dead, np.full(n, dead_g.lo)))
    if fu_g.lo_attained:
        extremes.append((everyone, np.full(n, fu_g.lo)))
    fixed = np.full(n, -1, np.int64)
    for group, val in extremes:
        if (group & (fixed == val)).any():
            continue
        cand = np.flatnonzero(group & (fixed < 0) & (lo <= val) & (val <= hi))
        if not len(cand):
            return None
        i = _pick(cand, rng)
        fixed[i] = val[i]
    return np.where(fixed >= 0, fixed, lo), np.where(fixed >= 0, fixed, hi)


def _draw_times(
    plan: Plan, p: _Patients, r: _Roles, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator
) -> np.ndarray | None:
    """Whole days within the bounds whose sums meet the published means of the deceased, the
    non-relapsing assessable patients and everyone. None if the sums cannot be met."""
    off, dead, n7 = p.off, r.dead, r.n7
    alive = ~dead
    cells = [dead & n7, dead & ~n7, alive & n7, alive & ~n7]
    boxes = [(int(lo[c].sum()), int(hi[c].sum())) for c in cells]
    d_win = (plan.dead.sum_lo, plan.dead.sum_hi)
    f_win = (plan.fu.sum_lo, plan.fu.sum_hi)
    r_off = int(off[n7].sum())
    r_win = (plan.relief.sum_lo - r_off, plan.relief.sum_hi - r_off)
    sums = cell_sums(boxes, d_win, r_win, f_win, rng)
    if sums is None:
        return None
    t = np.zeros(len(dead), np.int64)
    for c, s in zip(cells, sums, strict=True):
        if c.any():
            t[c] = fixed_sum(lo[c], hi[c], s, rng)
    return t


def _relief_checks_hold(plan: Plan, p: _Patients, r: _Roles, t: np.ndarray) -> bool:
    """The kept relief medians / Discussion figures, enforced by rejection."""
    relief = np.where(r.is_rel, r.relapse_day - plan.tl.mr_first, t + p.off)
    for kind, with_rel, w in plan.relief_extra:
        mask = r.n7 | r.is_rel if with_rel else r.n7
        stat = np.median if kind == "median" else np.mean
        if not in_real(float(stat(relief[mask])), w):
            return False
    return True


def _roles_possible(plan: Plan) -> bool:
    """Enough patients for the published counts: deaths among those not known to be alive,
    non-relapsing assessable patients among the non-relapsers, room for every patient whose relief
    is called durable among them."""
    n = len(plan.tl.pids)
    extra_alive = n - plan.n_dead - len(plan.must_alive)
    durable_ok = len(plan.must_assess) <= plan.n_norel and not (
        plan.must_assess & set(plan.relapsers)
    )
    return (
        0 <= extra_alive <= n - len(plan.must_alive)
        and plan.n_norel <= n - len(plan.relapsers)
        and durable_ok
    )


def sample(plan: Plan, rng: np.random.Generator) -> Draw:
    """One draw of roles and of times, retried until every kept constraint can be met."""
    p = _Patients.of(plan)
    for _ in range(MAX_TRIES if _roles_possible(plan) else 0):
        roles = _draw_roles(plan, p, rng)
        lo, hi = _time_bounds(plan, p, roles)
        if (lo > hi).any():
            continue
        bounds = _attain_extremes(plan, p, roles, lo, hi, rng)
        if bounds is None:
            continue
        t = _draw_times(plan, p, roles, *bounds, rng)
        if t is None:
            continue
        if plan.relief_extra and not _relief_checks_hold(plan, p, roles, t):
            continue
        return Draw(
            t=t, dead=roles.dead, assess=roles.n7 | roles.is_rel, relapse_day=roles.relapse_day
        )
    kept = ", ".join(c.constraint_id for c in plan.kept)
    raise ValueError(
        f"no reconstruction satisfies all kept constraints after {MAX_TRIES} tries; kept: {kept}"
    )
