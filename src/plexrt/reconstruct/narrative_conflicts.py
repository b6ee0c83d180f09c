"""Conflicts of statements about one patient or of unstated population with the Results: relapse
times of named patients, a patient "free of pain" long after completion, and the Discussion's relief
figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from plexrt.reconstruct.constraints import Constraint, find
from plexrt.reconstruct.resolution import Conflict, drop_one
from plexrt.reconstruct.rounding import DayWindow, fmt_days, fmt_readings, int_window, real_window
from plexrt.reconstruct.summaries import (
    NO_RELAPSE,
    discussion_fit,
    published_group,
    relapse_extras,
)
from plexrt.reconstruct.timeline import (
    Timeline,
    order_floor,
    relapse_window,
    span_days,
    writing_gap,
)
from plexrt.stats.timescale import DAYS_PER_MONTH

# -- relapse times of named patients ---------------------------------------------------------------


def _after(c: Constraint) -> str:
    return "maximal response" if c.quantity.endswith("max_response") else "RT completion"


def _swap_notes(
    a: Constraint, b: Constraint, facts: Sequence[Constraint], tl: Timeline, floor: int
) -> str:
    """Would the other relapsing patient's figure (the 'respectively' swapped) fit?"""
    pid = a.patient_id
    wb = relapse_window(b, tl)
    notes = ""
    for alt in facts:
        if alt.patient_id == pid or alt.quote != a.quote or alt.quantity != a.quantity:
            continue
        wm = relapse_window(replace(alt, applies_to=f"patient {pid}"), tl)
        fits = max(wm[0], wb[0], floor) <= min(wm[1], wb[1])
        notes += (
            f" Swapping the figures between patients ({alt.number:g} {alt.unit} for "
            f"patient {pid}: days {wm[0]}-{wm[1]}) "
            f"{'would remove' if fits else 'does not remove'} the conflict."
        )
    return notes


def _relapse_pair(
    a: Constraint, b: Constraint, facts: Sequence[Constraint], tl: Timeline, floor: int
) -> Conflict | None:
    """Two relapse-time statements about one patient must leave at least one possible day
    (``facts``: every relapse-time fact; ``floor``: earliest day the order rules allow)."""
    wa, wb = relapse_window(a, tl), relapse_window(b, tl)
    if max(wa[0], wb[0], floor) <= min(wa[1], wb[1]):
        return None
    i = tl.index(a.patient_id)
    mr, end = int(tl.mr_first[i]), int(tl.rt_end[i])
    months = f"{(wb[0] - mr) / DAYS_PER_MONTH:.1f}-{(wb[1] - mr) / DAYS_PER_MONTH:.1f} months"
    desc = (
        f"Patient {a.patient_id}: {a.constraint_id} ({a.number:g} {a.unit} after {_after(a)}) puts "
        f"the relapse on days {wa[0]}-{wa[1]} after RT start; {b.constraint_id} ({b.number:g} "
        f"{b.unit} after {_after(b)}) puts it on days {wb[0]}-{wb[1]}. Maximal response was on day "
        f"{mr} (Table 1) and RT ended on day {end}, so the second reading is {wb[0] - mr}-"
        f"{wb[1] - mr} days ({months}) after maximal response. The windows do not overlap."
    )
    desc += _swap_notes(a, b, facts, tl, floor)
    return drop_one(desc, a, b, (a.constraint_id, b.constraint_id))


def conflicts_relapse_timing(cons: Sequence[Constraint], tl: Timeline) -> list[Conflict]:
    """For each named patient, every pair of relapse-time statements (and the order rules) must
    leave at least one possible day."""
    out = []
    orders = find(cons, kind="order")
    facts = [c for c in cons if c.kind == "fact" and c.quantity.startswith("relapse_after")]
    for pid in dict.fromkeys(c.patient_id for c in facts):
        mine = [c for c in facts if c.patient_id == pid]
        i = tl.index(pid)
        floor, order_ids = order_floor(orders, tl, i)
        for c in mine:
            lo, hi = relapse_window(c, tl)
            if max(lo, floor) > hi:
                desc = (
                    f"Patient {pid}: {c.constraint_id} puts the relapse on days {lo}-{hi}, but it "
                    f"must follow maximal response (day {tl.mr_first[i]}) and RT completion "
                    f"(day {tl.rt_end[i]})."
                )
                out.append(drop_one(desc, c, orders[0], (c.constraint_id, *order_ids)))
        for j, a in enumerate(mine):
            for b in mine[j + 1 :]:
                k = _relapse_pair(a, b, facts, tl, floor)
                if k is not None:
                    out.append(k)
    return out


# -- "free of pain X months after completion" ------------------------------------------------------

Limit = tuple[str, int, Constraint]  # (words, largest admissible days after completion, source)


def _pain_free_limits(cons: Sequence[Constraint], tl: Timeline, i: int) -> list[Limit]:
    """What caps the follow-up after completion of patient i: the longest relief of the
    non-relapsing patients, the longest follow-up, the study period."""
    relief = published_group(cons, tl, "relief_duration", NO_RELAPSE)
    fu = published_group(cons, tl, "followup", "all patients")
    span = span_days(cons)
    relief_max = find(cons, kind="max", quantity="relief_duration")
    fu_max = find(cons, kind="max", quantity="followup")
    cutoff = [c for c in cons if c.quantity == "data_cutoff"]
    off, end = int(tl.offset[i]), int(tl.rt_end[i])
    limits: list[Limit] = []
    if relief_max:
        words = f"the longest relief among the non-relapsing patients ({relief.hi} days of relief"
        limits.append((words, relief.hi - off, relief_max[0]))
    if fu_max:
        limits.append((f"the longest follow-up ({fu.hi} days", fu.hi, fu_max[0]))
    if span is not None and cutoff:
        words = (
            f"the study period ({span} days from the start of accrual to the end of the "
            "cut-off month"
        )
        limits.append((words, span - end, cutoff[0]))
    return limits


def _pain_free_notes(
    c: Constraint, cons: Sequence[Constraint], tl: Timeline, limits: Sequence[Limit]
) -> list[str]:
    """Why patient c's pain-free follow-up does or does not fit each limit."""
    i = tl.index(c.patient_id)
    a, b = int_window(c)
    off, end = int(tl.offset[i]), int(tl.rt_end[i])
    notes = [
        f"Patient {c.patient_id}: free of pain {fmt_days((a, b))} after RT completion (day "
        f"{end}) means follow-up of at least {a} days and relief of at least {a + off} days "
        f"after maximal response (day {tl.mr_first[i]})."
    ]
    for name, limit, src in limits:
        fits = a <= limit
        notes.append(
            f"That {'fits' if fits else 'does not fit'} {name}, i.e. at most {limit} days "
            f"after completion; {src.constraint_id})."
        )
    relief = published_group(cons, tl, "relief_duration", NO_RELAPSE)
    relief_max = find(cons, kind="max", quantity="relief_duration")
    broken = [src for _, limit, src in limits if a > limit]
    if relief_max and relief_max[0] in broken and relief.lo_attained:
        notes.append(
            "Under PlexRT's assessability rule the patient cannot be one of the non-assessable "
            f"patients either (they were followed for less than {relief.lo} days after maximal "
            "response)."
        )
    return notes


def _relaxed(
    c: Constraint, desc: str, broken: Sequence[Constraint], bounds: DayWindow, hi2: int, gap: int
) -> Conflict:
    """Read a present-tense narrative at the time of writing instead of dropping it."""
    lo2, b = bounds
    return Conflict(
        conflict_id="",
        description=desc,
        source_a=c.cite(),
        source_b=broken[0].cite(),
        dropped=(
            f"{c.constraint_id} is relaxed, not dropped: the sentence is in the present "
            f"tense, so it describes the time of writing, which can be up to {gap} days "
            "after the data cut-off (start of the cut-off month to the review start). "
            "At the cut-off the patient was alive and free of relapse with "
            f"{lo2}-{b} days of follow-up after completion (with the kept ranges: "
            f"{lo2}-{hi2}); {', '.join(x.constraint_id for x in broken)} kept."
        ),
        constraint_ids=(c.constraint_id, *(x.constraint_id for x in broken)),
        dropped_ids=(c.constraint_id,),
        resolution="relaxed",
        relaxed_bounds=bounds,
    )


def conflicts_pain_free(cons: Sequence[Constraint], tl: Timeline) -> list[Conflict]:
    """A patient pain-free X months after completion must fit the longest relief, the longest
    follow-up and the study period. If it does not, read it as written after the cut-off (present
    tense, up to the review start) and relax it when that removes the conflict."""
    out = []
    fu = published_group(cons, tl, "followup", "all patients")
    gap = writing_gap(cons)
    for c in find(cons, kind="fact", quantity="pain_free_after_completion"):
        limits = _pain_free_limits(cons, tl, tl.index(c.patient_id))
        a, b = int_window(c)
        broken = [src for _, limit, src in limits if a > limit]
        if not broken:
            continue
        desc = " ".join(_pain_free_notes(c, cons, tl, limits))
        if gap is not None:
            lo2 = max(a - gap, fu.lo if fu.lo_attained else 0)
            if all(lo2 <= min(b, limit) for _, limit, _ in limits):
                hi2 = min([b, *(limit for _, limit, _ in limits)])
                out.append(_relaxed(c, desc, broken, (lo2, b), hi2, gap))
                continue
        ids = (c.constraint_id, *(x.constraint_id for x in broken))
        out.append(drop_one(desc, c, broken[0], ids))
    return out


# -- the Discussion's relief figures (population not stated) ----------------------------------------


def _out_of_reach(
    c: Constraint, cons: Sequence[Constraint], tl: Timeline, base_cons: Sequence[Constraint]
) -> list[str]:
    """Why a Discussion relief figure is out of reach over each candidate population."""
    base = published_group(cons, tl, "relief_duration", NO_RELAPSE)
    w = real_window(c)
    parts = [
        f"A {c.kind} duration of relief of {c.number:g} {c.unit} means {w[0]:.1f}-{w[1]:.1f} days "
        f"({fmt_readings()}). "
    ]
    for pop, r in discussion_fit(c, cons, tl)[1].items():
        n = (base.n or 0) + (len(relapse_extras(cons)) if pop == "assessable patients" else 0)
        rng = "no value" if r is None else f"{r[0]:.0f}-{r[1]:.0f} days"
        parts.append(f"Over the {n} {pop}, the {c.kind} can only be {rng}")
        if pop == NO_RELAPSE and c.kind == "median" and base.n:
            k = (base.n - 1) // 2
            parts.append(
                f" (with mean {find(base_cons, kind='mean')[0].number:g} days the sum is at most "
                f"{base.sum_hi}; {k} values at the minimum {base.lo}, the median m and {k - 1} "
                f"more at m, and the maximum {base.hi}: {k}*{base.lo} + {k}*m + {base.hi} <= "
                f"{base.sum_hi} gives m <= {(base.sum_hi - k * base.lo - base.hi) // k})"
            )
        parts.append(". ")
    return parts


def _twin_notes(c: Constraint, cons: Sequence[Constraint], tl: Timeline) -> list[str]:
    """The pair read the other way round ("median or mean ... x or y, respectively")."""
    notes = []
    for t in cons:
        if t is c or t.quote != c.quote or t.applies_to != c.applies_to:
            continue
        ok = bool(discussion_fit(replace(c, kind=t.kind), cons, tl)[0]) and bool(
            discussion_fit(replace(t, kind=c.kind), cons, tl)[0]
        )
        notes.append(
            f"Reading the pair the other way round ({t.kind} {c.number:g}, {c.kind} {t.number:g} "
            f"{c.unit}) {'would fit' if ok else 'does not fit either'}."
        )
    return notes


def conflicts_discussion(cons: Sequence[Constraint], tl: Timeline) -> list[Conflict]:
    """Relief figures whose population is not stated (Discussion) against the Results summary,
    over every plausible population and month reading."""
    out: list[Conflict] = []
    base = published_group(cons, tl, "relief_duration", NO_RELAPSE)
    base_cons = find(cons, quantity="relief_duration", applies_to=NO_RELAPSE)
    if not base_cons or not base.n:
        return out
    for c in find(cons, quantity="relief_duration", applies_to="population not stated"):
        if c.kind not in ("mean", "median") or discussion_fit(c, cons, tl)[0]:
            continue
        desc = "".join(_out_of_reach(c, cons, tl, base_cons) + _twin_notes(c, cons, tl)).strip()
        means = find(base_cons, kind="mean")
        other = means[0] if means else base_cons[0]
        out.append(
            drop_one(desc, c, other, (c.constraint_id, *(b.constraint_id for b in base_cons)))
        )
    return out


# -- "durable pain relief" of a patient ----------------------------------------------------------


def conflicts_durable(cons: Sequence[Constraint], tl: Timeline) -> list[Conflict]:
    """A patient whose relief is called durable cannot be one of the relapsing patients whose
    relapse times are published."""
    out = []
    relapses = [c for c in cons if c.kind == "fact" and c.quantity.startswith("relapse_after")]
    for c in find(cons, kind="fact", quantity="durable_relief"):
        named = [r for r in relapses if r.patient_id == c.patient_id]
        if not named:
            continue
        r = named[0]
        desc = (
            f"Patient {c.patient_id}: {c.constraint_id} states durable pain relief, but "
            f"{r.constraint_id} names the patient as relapsing ({r.number:g} {r.unit} after "
            f"{_after(r)})."
        )
        out.append(drop_one(desc, c, r, (c.constraint_id, r.constraint_id)))
    return out
