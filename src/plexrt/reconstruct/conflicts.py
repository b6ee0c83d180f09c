"""Statements that cannot all be true together, found by computation (:func:`find_conflicts`):
Table 1 against the narratives, counts against counts, each published mean/range against its n
values; the relapse, pain-free and Discussion findings are in ``narrative_conflicts``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from plexrt.reconstruct.constraints import (
    PATIENT_RE,
    QUANTITIES,
    Constraint,
    as_constraints,
    find,
)
from plexrt.reconstruct.narrative_conflicts import (
    conflicts_discussion,
    conflicts_durable,
    conflicts_pain_free,
    conflicts_relapse_timing,
)
from plexrt.reconstruct.resolution import Conflict, drop_one
from plexrt.reconstruct.rounding import fmt_days, in_real, int_window, real_window
from plexrt.reconstruct.summaries import published_group
from plexrt.reconstruct.timeline import WEEK, Timeline, build_timeline, fraction_days, require_frame

# -- Table 1 against the case narratives -----------------------------------------------------------


def _table1_quote(tl: Timeline, i: int) -> str:
    dose = tl.dose[i]
    dose_txt = f"{dose:g}/{tl.fractions[i]}" if math.isfinite(dose) else f"{tl.fractions[i]}"
    weeks = int((tl.mr[i] - tl.start[i]) // WEEK)
    return (
        f"Patient {tl.course_pids[i]}: Dose (Grey)/number of fractions {dose_txt}; "
        f"Weeks to maximum response {weeks}"
    )


def _table1_constraint(tl: Timeline, i: int) -> Constraint:
    return Constraint(
        constraint_id=f"table1_{tl.course_ids[i]}",
        kind="fact",
        quantity="fractions_delivered",
        value=float(tl.fractions[i]),
        unit="fractions",
        applies_to=f"patient {tl.course_pids[i]}",
        rounding="exact",
        quote=_table1_quote(tl, i),
        location="Table 1",
    )


def _table1_disagreement(c: Constraint, tl: Timeline, i: int) -> str | None:
    """What a narrative fraction count or response time says against Table 1 (None: agrees)."""
    pid = c.patient_id
    if c.quantity == "fractions_delivered":
        if int(c.number) == tl.fractions[i]:
            return None
        end_narr = int(fraction_days(int(tl.start[i]), int(c.number))[-1])
        return (
            f"Patient {pid}: Table 1 gives {tl.fractions[i]} fractions (RT completion on day "
            f"{tl.end[i]}); the case narrative says RT stopped after {int(c.number)} fractions "
            f"(completion on day {end_narr}). Every time 'after completion' moves by "
            f"{tl.end[i] - end_narr} days with the reading chosen."
        )
    lo, hi = int_window(c)
    got = int(tl.mr[i] - tl.start[i])
    if lo <= got <= hi:
        return None
    return (
        f"Patient {pid}: Table 1 puts maximal response {got} days after RT start; the case "
        f"narrative says {fmt_days((lo, hi))}."
    )


def _conflicts_table1(cons: Sequence[Constraint], tl: Timeline) -> list[Conflict]:
    """Narrative fraction counts and response times against Table 1."""
    out = []
    for c in cons:
        pid = c.patient_id
        if pid is None or c.quantity not in ("fractions_delivered", "max_response_after_start"):
            continue
        rows = [i for i, p in enumerate(tl.course_pids) if p == pid]
        if not rows:
            raise ValueError(f"constraint {c.constraint_id}: patient {pid} has no course")
        desc = _table1_disagreement(c, tl, rows[0])
        if desc is not None:
            t1 = _table1_constraint(tl, rows[0])
            out.append(drop_one(desc, t1, c, (t1.constraint_id, c.constraint_id)))
    return out


# -- counts --------------------------------------------------------------------------------------


def _conflicts_counts(cons: Sequence[Constraint]) -> list[Conflict]:
    """Counts that must agree: named relapsers vs the relapse count; 9 = relapsing + not."""
    out = []
    facts = [c for c in cons if c.kind == "fact" and c.quantity.startswith("relapse_after")]
    named = sorted({c.patient_id for c in facts if c.patient_id})
    for c in find(cons, kind="count", quantity="relapses"):
        if named and int(c.number) != len(named):
            other = facts[0]
            desc = (
                f"{int(c.number)} relapses are reported but relapse times are given for "
                f"{len(named)} named patients ({', '.join(named)})."
            )
            out.append(drop_one(desc, c, other, (c.constraint_id, other.constraint_id)))
    a = find(cons, kind="count", quantity="assessable_for_relief")
    r = find(cons, kind="count", quantity="relapses")
    nr = find(cons, kind="count", quantity="no_relapse")
    if a and r and nr and int(a[0].number) != int(r[0].number) + int(nr[0].number):
        n_a, n_r, n_nr = int(a[0].number), int(r[0].number), int(nr[0].number)
        desc = (
            f"{n_a} assessable patients but {n_r} relapsing + {n_nr} non-relapsing = {n_r + n_nr}."
        )
        ids = (a[0].constraint_id, r[0].constraint_id, nr[0].constraint_id)
        out.append(drop_one(desc, a[0], nr[0], ids))
    return out


# -- published means and ranges --------------------------------------------------------------------


def _conflicts_table1_weeks(members: Sequence[Constraint], tl: Timeline) -> list[Conflict]:
    """The Table 1 weeks to maximal response must reproduce the published mean and range."""
    out = []
    days = tl.mr - tl.start
    for c in members:
        got = {"mean": days.mean(), "min": days.min(), "max": days.max()}[c.kind]
        if c.kind == "mean":
            ok = in_real(got, real_window(c))
        else:
            ok = int_window(c)[0] <= got <= int_window(c)[1]
        if ok:
            continue
        t1 = Constraint(
            constraint_id="table1_weeks",
            kind="fact",
            quantity=c.quantity,
            value=got / WEEK,
            unit="weeks",
            applies_to=c.applies_to,
            rounding="exact",
            quote="Weeks to maximum response (Table 1)",
            location="Table 1",
        )
        desc = (
            f"Table 1 gives a {c.kind} of {got / WEEK:.2f} weeks to maximal response; the "
            f"text says {c.number:g} weeks."
        )
        out.append(drop_one(desc, t1, c, (c.constraint_id,)))
    return out


def _conflict_range(
    cons: Sequence[Constraint], tl: Timeline, members: Sequence[Constraint]
) -> Conflict | None:
    """A mean that the published minimum and maximum of its n values cannot produce."""
    quantity, pop = members[0].quantity, members[0].applies_to
    g = published_group(cons, tl, quantity, pop)
    if not g.n or len(members) < 2:
        return None
    n = g.n
    possible_lo = g.lo * (n - 1) + (g.hi if g.hi_attained else g.lo)
    possible_hi = g.hi * (n - 1) + (g.lo if g.lo_attained else g.hi)
    if g.lo <= g.hi and possible_lo <= g.sum_hi and possible_hi >= g.sum_lo:
        return None
    desc = (
        f"{QUANTITIES[quantity]} ({pop}, n = {n}): a sum of {g.sum_lo}-{g.sum_hi} days is "
        f"needed for the mean but {possible_lo}-{possible_hi} days is all the range allows."
    )
    return drop_one(desc, members[0], members[-1], [c.constraint_id for c in members])


def _conflicts_deaths_in_followup(cons: Sequence[Constraint], tl: Timeline) -> list[Conflict]:
    """Deaths are follow-up times too (both counted from RT completion)."""
    out = []
    d = published_group(cons, tl, "death_after_completion", "deceased patients")
    f = published_group(cons, tl, "followup", "all patients")
    outside = {
        "min": d.lo_attained and f.lo_attained and d.lo < f.lo,
        "max": d.hi_attained and f.hi_attained and d.hi > f.hi,
    }
    for kind, bad in outside.items():
        if bad:
            a = find(cons, kind=kind, quantity="death_after_completion")[0]
            b = find(cons, kind=kind, quantity="followup")[0]
            desc = f"The {kind} time to death lies outside the range of follow-up."
            out.append(drop_one(desc, a, b, (a.constraint_id, b.constraint_id)))
    return out


def _conflicts_summaries(cons: Sequence[Constraint], tl: Timeline) -> list[Conflict]:
    """Each published mean/min/max triple must be possible for its n values; Table 1 weeks must
    reproduce the published mean/range; deaths are part of follow-up."""
    out = []
    summary = ("mean", "min", "max")
    groups = {(c.quantity, c.applies_to) for c in cons if c.kind in summary}
    for quantity, pop in sorted(groups):
        if pop == "population not stated":
            continue
        members = [
            c for c in cons if c.quantity == quantity and c.applies_to == pop and c.kind in summary
        ]
        if quantity == "weeks_to_max_response" and pop == "all sites":
            out += _conflicts_table1_weeks(members, tl)
        elif (k := _conflict_range(cons, tl, members)) is not None:
            out.append(k)
    return out + _conflicts_deaths_in_followup(cons, tl)


# -- entry point -----------------------------------------------------------------------------------


def check_named(cons: Sequence[Constraint], tl: Timeline, patients: pd.DataFrame | None) -> None:
    """Every named patient exists; a cancer named in brackets matches patients.primary_cancer."""
    cancers = {}
    if patients is not None:
        p = require_frame(patients, "patients", ("patient_id",))
        if "primary_cancer" in p:
            cancers = dict(
                zip(p["patient_id"].astype(str), p["primary_cancer"].astype(str), strict=True)
            )
    for c in cons:
        m = PATIENT_RE.match(c.applies_to)
        if not m:
            continue
        if m.group(1) not in tl.pids:
            raise ValueError(
                f"constraint {c.constraint_id}: patient {m.group(1)} is not in courses"
            )
        if m.group(2) and cancers and m.group(2).lower() != cancers.get(m.group(1), "").lower():
            raise ValueError(
                f"constraint {c.constraint_id}: patient {m.group(1)} has "
                f"{cancers.get(m.group(1))!r}, not {m.group(2)!r}"
            )


def find_conflicts(
    constraints: Sequence[Constraint] | str | Path,
    courses: pd.DataFrame,
    patients: pd.DataFrame | None = None,
) -> list[Conflict]:
    """Statements that cannot all hold, found by bounds/feasibility computation over the loaded
    constraints and the Table 1 courses; each :class:`Conflict` says which one is dropped or
    relaxed and why. ``patients`` (optional) checks cancers named in ``applies_to``."""
    cons = as_constraints(constraints)
    tl = build_timeline(courses, cons)
    check_named(cons, tl, patients)
    found = (
        _conflicts_table1(cons, tl)
        + _conflicts_counts(cons)
        + _conflicts_summaries(cons, tl)
        + conflicts_relapse_timing(cons, tl)
        + conflicts_pain_free(cons, tl)
        + conflicts_discussion(cons, tl)
        + conflicts_durable(cons, tl)
    )
    return [replace(k, conflict_id=f"K{i}") for i, k in enumerate(found, start=1)]
