"""The kept constraints turned into what the solver draws within: role counts, bounds of each
patient's time after completion, relapse windows, the sums each published mean allows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from plexrt.data.values import natural_sorted
from plexrt.reconstruct.conflicts import Conflict, check_named, find_conflicts
from plexrt.reconstruct.constraints import Constraint, as_constraints, count, find
from plexrt.reconstruct.rounding import (
    PAPER_MONTH_READINGS,
    DayWindow,
    RealWindow,
    int_window,
    real_window,
)
from plexrt.reconstruct.summaries import BIG, Group, discussion_fit, published_group
from plexrt.reconstruct.timeline import (
    Timeline,
    build_timeline,
    order_floor,
    relapse_window,
    require_frame,
    span_days,
)

# A kept relief figure the constructive step does not build in (a median, a Discussion figure):
# (kind, include relapsing patients?, real window in days), enforced by rejection.
ReliefCheck = tuple[str, bool, RealWindow]


@dataclass(frozen=True)
class Plan:
    constraints: tuple[Constraint, ...]
    tl: Timeline
    conflicts: tuple[Conflict, ...]
    dropped: frozenset[str]
    relaxed: dict[str, DayWindow]
    readings: dict[str, tuple[str, float]]  # Discussion figure -> (population, month reading)
    n_dead: int
    dead: Group
    fu: Group
    relief: Group
    n_norel: int
    relapsers: tuple[int, ...]  # patient indices
    relapse_win: dict[int, DayWindow]  # absolute days
    t_bounds: dict[int, DayWindow]  # days after completion, from named facts
    must_alive: frozenset[int]
    span: int | None
    relief_extra: tuple[ReliefCheck, ...] = ()
    # patients with durable relief: among the assessable patients without relapse
    must_assess: frozenset[int] = frozenset()

    @property
    def kept(self) -> tuple[Constraint, ...]:
        return tuple(c for c in self.constraints if c.constraint_id not in self.dropped)


def _resolutions(conflicts: Iterable[Conflict]) -> tuple[frozenset[str], dict[str, DayWindow]]:
    """Ids of the dropped statements, and the window used instead for each relaxed one."""
    dropped = frozenset(
        cid for k in conflicts if k.resolution == "dropped" for cid in k.dropped_ids
    )
    relaxed = {
        cid: k.relaxed_bounds
        for k in conflicts
        if k.resolution == "relaxed" and k.relaxed_bounds is not None
        for cid in k.dropped_ids
    }
    return dropped, relaxed


def _readings(kept: Sequence[Constraint], tl: Timeline) -> dict[str, tuple[str, float]]:
    """For each kept figure of unstated population: the first (population, month reading) under
    which it is possible."""
    return {
        c.constraint_id: discussion_fit(c, kept, tl)[0][0]
        for c in kept
        if c.applies_to == "population not stated"
    }


def _relapsers(kept: Sequence[Constraint], tl: Timeline) -> tuple[int, ...]:
    """Indices of the patients a relapse time is published for; they must be all the relapsers."""
    facts = [c for c in kept if c.kind == "fact" and c.quantity.startswith("relapse_after")]
    relapsers = tuple(dict.fromkeys(tl.index(c.patient_id) for c in facts))
    n_rel = count(kept, "relapses")
    if n_rel is not None and n_rel != len(relapsers):
        raise ValueError(
            f"the kept constraints report {n_rel} relapses but name {len(relapsers)} relapsing "
            "patients; unnamed relapsers are not supported"
        )
    return relapsers


def _relapse_windows(
    kept: Sequence[Constraint], tl: Timeline, relapsers: Iterable[int]
) -> dict[int, DayWindow]:
    """Days (from first RT start) on which each relapser may relapse: every kept relapse-time
    fact about the patient and the order rules at once."""
    orders = find(kept, kind="order")
    facts = [c for c in kept if c.kind == "fact" and c.quantity.startswith("relapse_after")]
    out = {}
    for i in relapsers:
        lo, _ = order_floor(orders, tl, i)
        hi = BIG
        for c in facts:
            if c.patient_id == tl.pids[i]:
                a, b = relapse_window(c, tl)
                lo, hi = max(lo, a), min(hi, b)
        out[i] = (lo, hi)
    return out


def _patient_bounds(
    kept: Sequence[Constraint], tl: Timeline, relaxed: dict[str, DayWindow]
) -> tuple[dict[int, DayWindow], frozenset[int]]:
    """Bounds of the days from completion to death / last contact that named facts set, and the
    patients they say were alive (free of pain) at the end."""
    t_bounds: dict[int, DayWindow] = {}
    must_alive = set()
    imaging: dict[int, int] = {}

    def tighten(i: int, lo: int, hi: int) -> None:
        a, b = t_bounds.get(i, (0, BIG))
        t_bounds[i] = (max(a, lo), min(b, hi))

    for c in kept:
        if c.kind != "fact" or c.patient_id is None:
            continue
        i = tl.index(c.patient_id)
        if c.quantity == "pain_free_after_completion":
            lo, hi = relaxed.get(c.constraint_id) or int_window(c)
            tighten(i, lo, hi)
            must_alive.add(i)
        elif c.quantity in ("imaging_after_completion", "imaging_after_previous_imaging"):
            # consecutive visits: the patient was followed at least to the sum of the intervals
            imaging[i] = imaging.get(i, 0) + int_window(c)[0]
            tighten(i, imaging[i], BIG)
    return t_bounds, frozenset(must_alive)


def _relief_checks(
    kept: Sequence[Constraint], readings: dict[str, tuple[str, float]]
) -> tuple[ReliefCheck, ...]:
    out = []
    for c in kept:
        if c.quantity != "relief_duration" or c.kind not in ("mean", "median"):
            continue
        pop, lengths = c.applies_to, PAPER_MONTH_READINGS
        if c.constraint_id in readings:
            pop, length = readings[c.constraint_id]
            lengths = (length,)
        if c.kind == "median" or c.constraint_id in readings:
            out.append((c.kind, pop == "assessable patients", real_window(c, lengths)))
    return tuple(out)


def build_plan(
    courses: pd.DataFrame,
    patients: pd.DataFrame,
    constraints: Sequence[Constraint] | str | Path,
) -> Plan:
    """Check the inputs, find the conflicts, and turn the kept constraints into bounds."""
    cons = as_constraints(constraints)
    tl = build_timeline(courses, cons)
    p = require_frame(patients, "patients", ("patient_id",))
    if natural_sorted(p["patient_id"].astype(str)) != natural_sorted(tl.pids):
        raise ValueError("patients and courses must list the same patient ids")
    check_named(cons, tl, p)
    conflicts = find_conflicts(cons, courses, p)
    dropped, relaxed = _resolutions(conflicts)
    kept = tuple(c for c in cons if c.constraint_id not in dropped)
    readings = _readings(kept, tl)
    n_dead = count(kept, "deaths")
    n_assess = count(kept, "assessable_for_relief")
    if n_dead is None or n_assess is None:
        raise ValueError("constraints must include the count of deaths and of assessable patients")
    relapsers = _relapsers(kept, tl)
    t_bounds, must_alive = _patient_bounds(kept, tl, relaxed)
    durable = frozenset(
        tl.index(c.patient_id) for c in kept if c.kind == "fact" and c.quantity == "durable_relief"
    )
    return Plan(
        relief_extra=_relief_checks(kept, readings),
        must_assess=durable,
        constraints=cons,
        tl=tl,
        conflicts=tuple(conflicts),
        dropped=dropped,
        relaxed=relaxed,
        readings=readings,
        n_dead=n_dead,
        dead=published_group(kept, tl, "death_after_completion", "deceased patients"),
        fu=published_group(kept, tl, "followup", "all patients"),
        relief=published_group(kept, tl, "relief_duration", "assessable patients without relapse"),
        n_norel=n_assess - len(relapsers),
        relapsers=relapsers,
        relapse_win=_relapse_windows(kept, tl, relapsers),
        t_bounds=t_bounds,
        must_alive=must_alive,
        span=span_days(kept),
    )
