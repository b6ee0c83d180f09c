"""Every published constraint and logical rule recomputed from a reconstruction's frames:
target, achieved value, whether it holds and whether the reconstruction keeps it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from plexrt.reconstruct.constraints import (
    DATE_QUANTITIES,
    QUANTITIES,
    SUMMARY_KINDS,
    Constraint,
    as_constraints,
)
from plexrt.reconstruct.plan import Plan, build_plan
from plexrt.reconstruct.result import Arrays, Reconstruction, frame_arrays, sites_as_courses
from plexrt.reconstruct.rounding import (
    PAPER_MONTH_READINGS,
    fmt_days,
    fmt_real,
    in_real,
    int_window,
    real_window,
)
from plexrt.reconstruct.summaries import NO_RELAPSE
from plexrt.reconstruct.timeline import second_course_start
from plexrt.stats.timescale import DAYS_PER_WEEK

Outcome = tuple[str, str, bool]  # (target, achieved, holds)
_STATISTICS: dict[str, Callable[[np.ndarray], Any]] = {
    "mean": np.mean,
    "min": np.min,
    "max": np.max,
    "median": np.median,
}
CHECK_COLUMNS = ("constraint_id", "description", "target", "achieved", "holds", "kept")


def describe(c: Constraint) -> str:
    kind = {"count": "number of", "fact": "", "order": "order:"}.get(c.kind, c.kind)
    return f"{kind} {QUANTITIES[c.quantity]} - {c.applies_to}".strip()


def _population(P: Arrays, pop: str) -> np.ndarray:
    death, assess, relapse = P["death"], P["assessable_for_relief"], P["relapse"]
    return {
        "all patients": np.ones(len(death), bool),
        "deceased patients": death,
        "assessable patients": assess,
        NO_RELAPSE: assess & ~relapse,
    }[pop]


def _eval_count(c: Constraint, P: Arrays) -> Outcome:
    death, assess, relapse = P["death"], P["assessable_for_relief"], P["relapse"]
    got = {
        "deaths": death.sum(),
        "assessable_for_relief": assess.sum(),
        "relapses": (assess & relapse).sum(),
        "no_relapse": (assess & ~relapse).sum(),
    }[c.quantity]
    return f"{int(c.number)}", f"{int(got)}", int(got) == int(c.number)


def _summarised(c: Constraint, P: Arrays, S: Arrays, pop: str) -> np.ndarray:
    """The values a published mean / min / max / median summarises."""
    if c.quantity == "weeks_to_max_response":
        return (S["max_response_day"] - S["rt_start_day"]).astype(float)
    if c.quantity == "death_after_completion":
        return (P["death_day"] - P["rt_end_day"])[P["death"]]
    if c.quantity == "followup":
        return P["followup_from_completion_days"].astype(float)
    return P["relief_days"][_population(P, pop)]  # relief_duration


def _eval_summary(c: Constraint, P: Arrays, S: Arrays, plan: Plan) -> Outcome:
    month_lengths: Sequence[float] = PAPER_MONTH_READINGS
    pop = c.applies_to
    if pop == "population not stated":
        reading = plan.readings.get(c.constraint_id)
        pop = reading[0] if reading else NO_RELAPSE
        if reading:
            month_lengths = (reading[1],)
    x = _summarised(c, P, S, pop)
    if len(x) == 0:
        return "values", "none", False
    got = float(_STATISTICS[c.kind](x))
    if c.kind in ("min", "max"):
        w = int_window(c, month_lengths)
        if c.unit == "weeks":
            lo, hi = w[0] / DAYS_PER_WEEK, w[1] / DAYS_PER_WEEK
            return f"{lo:g}-{hi:g} weeks", f"{got / DAYS_PER_WEEK:g} weeks", w[0] <= got <= w[1]
        return fmt_days(w), f"{got:g} days", w[0] <= got <= w[1]
    r = real_window(c, month_lengths)
    if c.unit == "weeks":
        r7 = (r[0] / DAYS_PER_WEEK, r[1] / DAYS_PER_WEEK, r[2])
        return fmt_real(r7, "weeks"), f"{got / DAYS_PER_WEEK:.2f} weeks", in_real(got, r)
    target = fmt_real(r)
    if c.unit == "months":
        target += f" ({c.number:g} months of {'/'.join(f'{m:g}' for m in month_lengths)} days"
        target += f", over {pop})"
    return target, f"{got:.2f} days", in_real(got, r)


def _eval_order(c: Constraint, P: Arrays) -> Outcome:
    rel = P["relapse"]
    if c.quantity == "relapse_after_max_response":
        ok = bool((P["relapse_day"][rel] > P["max_response_day"][rel]).all())
        return "relapse after maximal response", f"{int(rel.sum())} relapses checked", ok
    ok = bool((P["relapse_day"][rel] > P["rt_end_day"][rel]).all())
    return "relapse after RT completion", f"{int(rel.sum())} relapses checked", ok


def _eval_calendar(c: Constraint, P: Arrays, plan: Plan) -> Outcome:
    if plan.span is None or c.quantity == "review_start":
        return f"{c.value}", "reference date", True
    longest = int(P["last_contact_day"].max())
    return (
        f"last contact <= {plan.span} days after a first RT (accrual start to cut-off)",
        f"{longest} days",
        longest <= plan.span,
    )


def _eval_course(c: Constraint, S: Arrays, plan: Plan) -> Outcome:
    """Facts about a patient's courses: the second course start, the fractions delivered."""
    rows = [j for j, p in enumerate(S["patient_id"]) if p == c.patient_id]
    if c.quantity == "fractions_delivered":
        got = int(S["fractions"][rows[0]])
        return f"{int(c.number)} fractions", f"{got} fractions", got == int(c.number)
    starts = S["rt_start_day"][rows]
    later = starts[1:] if len(starts) > 1 else starts
    expected = second_course_start(plan.constraints, c.patient_id, int(S["rt_end_day"][rows[0]]))
    return (
        f"next course starts on day {expected} (case narrative intervals added up)",
        f"day {int(later[0])}",
        int(later[0]) == expected,
    )


def _eval_relapse(c: Constraint, P: Arrays, i: int) -> Outcome:
    if not P["relapse"][i]:
        return "relapse", "no relapse", False
    after_mr = c.quantity == "relapse_after_max_response"
    base = P["max_response_day"][i] if after_mr else P["rt_end_day"][i]
    got = int(P["relapse_day"][i] - base)
    w = int_window(c)
    since = "maximal response" if after_mr else "completion"
    return fmt_days(w) + f" after {since}", f"{got} days", w[0] <= got <= w[1]


def _eval_pain_free(c: Constraint, P: Arrays, plan: Plan, i: int) -> Outcome:
    death, relapse = P["death"], P["relapse"]
    w = plan.relaxed.get(c.constraint_id) or int_window(c)
    got = int(P["followup_from_completion_days"][i])
    label = "alive, no relapse, follow-up " + fmt_days(w)
    if c.constraint_id in plan.relaxed:
        label += " at the cut-off (relaxed)"
    ok = (not death[i]) and (not relapse[i]) and w[0] <= got <= w[1]
    state = "dead" if death[i] else "alive"
    return label, f"{state}, {'relapse' if relapse[i] else 'no relapse'}, {got} days", ok


def _eval_imaging(c: Constraint, P: Arrays, plan: Plan, i: int) -> Outcome:
    """Consecutive imaging visits: followed at least to the sum of the intervals so far."""
    need = 0
    for f in plan.constraints:
        if f.patient_id == c.patient_id and f.quantity.startswith("imaging_after"):
            need += int_window(f)[0]
            if f is c:
                break
    got = int(P["followup_from_completion_days"][i])
    return f"followed >= {need} days after completion", f"{got} days", got >= need


def _eval_durable(P: Arrays, i: int) -> Outcome:
    """Durable relief: the patient is assessable for the duration of relief and did not relapse."""
    assess, relapse = bool(P["assessable_for_relief"][i]), bool(P["relapse"][i])
    state = f"{'' if assess else 'not '}assessable, {'relapse' if relapse else 'no relapse'}"
    return "assessable for relief, no relapse", state, assess and not relapse


def _eval_fact(c: Constraint, P: Arrays, S: Arrays, plan: Plan) -> Outcome:
    q = c.quantity
    if q in DATE_QUANTITIES:
        return _eval_calendar(c, P, plan)
    i = plan.tl.index(c.patient_id)
    if q in ("supine_after_start", "right_pain_after_supine", "fractions_delivered"):
        return _eval_course(c, S, plan)
    if q == "max_response_after_start":
        w = int_window(c)
        got = int(P["max_response_day"][i] - P["first_rt_start_day"][i])
        return fmt_days(w), f"{got} days", w[0] <= got <= w[1]
    if q.startswith("relapse_after"):
        return _eval_relapse(c, P, i)
    if q == "pain_free_after_completion":
        return _eval_pain_free(c, P, plan, i)
    if q in ("imaging_after_completion", "imaging_after_previous_imaging"):
        return _eval_imaging(c, P, plan, i)
    if q == "durable_relief":
        return _eval_durable(P, i)
    raise ValueError(f"constraint {c.constraint_id}: no check for quantity {q!r}")


def evaluate(c: Constraint, P: Arrays, S: Arrays, plan: Plan) -> Outcome:
    """(target, achieved, holds) for one published constraint, recomputed from the frames."""
    if c.kind == "count":
        return _eval_count(c, P)
    if c.kind in SUMMARY_KINDS:
        return _eval_summary(c, P, S, plan)
    if c.kind == "order":
        return _eval_order(c, P)
    return _eval_fact(c, P, S, plan)


def structural(P: Arrays, plan: Plan) -> list[tuple[str, str, str, str, bool]]:
    """Logical rules every reconstruction obeys (not published figures)."""
    death, rel, assess = P["death"], P["relapse"], P["assessable_for_relief"]
    last, mr, end = P["last_contact_day"], P["max_response_day"], P["rt_end_day"]
    dd, rd, re_ = P["death_day"], P["relapse_day"], P["relief_end_day"]
    rows = []
    same = np.all(dd[death] == last[death])
    ok = bool(same and np.isnan(dd[~death]).all())
    text = "a dead patient's last contact is the day of death"
    rows.append(("S1", text, "equal", "all equal" if same else "differ", ok))
    ok = bool(np.all(P["followup_from_completion_days"] == last - end))
    text = "follow-up = last contact - RT completion"
    rows.append(("S2", text, "equal", "equal" if ok else "differs", ok))
    ok = bool(np.all(mr <= last))
    rows.append(("S3", "maximal response on or before death / last contact", "all", f"{ok}", ok))
    ok = bool(np.all(rd[rel] <= last[rel]) and np.all(rd[rel & death] < last[rel & death]))
    rows.append(("S4", "relapse before death and not after last contact", "all", f"{ok}", ok))
    ok = bool(np.isnan(rd[~rel]).all() and not np.isnan(rd[rel]).any())
    rows.append(("S5", "relapse day given exactly for relapsing patients", "all", f"{ok}", ok))
    ok = bool(
        np.all(re_[assess & rel] == rd[assess & rel])
        and np.all(re_[assess & ~rel] == last[assess & ~rel])
        and np.isnan(re_[~assess]).all()
        and np.allclose(P["relief_days"][assess], re_[assess] - mr[assess])
    )
    text = (
        "relief ends at relapse, else at death / last contact; "
        "relief days = end - maximal response; none for non-assessable"
    )
    rows.append(("S6", text, "all", f"{ok}", ok))
    ok = bool(rel[~assess].sum() == 0)
    rows.append(("S7", "relapsing patients are assessable", "all", f"{ok}", ok))
    g = plan.relief
    if g.lo_attained:
        obs = (last - mr)[~assess]
        ok = bool(np.all(obs < g.lo))
        longest = f"{int(obs.max())} days" if len(obs) else "none"
        text = (
            "non-assessable patients were followed for less than the shortest "
            "published relief after maximal response"
        )
        rows.append(("S8", text, f"< {g.lo} days", longest, ok))
    return rows


def _status(c: Constraint, plan: Plan) -> str:
    if c.constraint_id in plan.dropped:
        return "dropped"
    return "relaxed" if c.constraint_id in plan.relaxed else "kept"


def check_table(P: Arrays, S: Arrays, plan: Plan) -> pd.DataFrame:
    """One row per constraint (then per logical rule S1-S8): target, achieved, holds, kept,
    status (kept / dropped / relaxed / rule)."""
    rows: list[tuple[object, ...]] = []
    for c in plan.constraints:
        target, achieved, holds = evaluate(c, P, S, plan)
        st = _status(c, plan)
        rows.append(
            (c.constraint_id, describe(c), target, achieved, bool(holds), st != "dropped", st)
        )
    rows += [(*row, True, "rule") for row in structural(P, plan)]
    columns: Iterable[str] = (*CHECK_COLUMNS, "status")
    return pd.DataFrame(
        {
            k: np.array([r[j] for r in rows], dtype=bool if k in ("holds", "kept") else object)
            for j, k in enumerate(columns)
        }
    )


def check_reconstruction(
    rec: Reconstruction, constraints: Sequence[Constraint] | str | Path | None = None
) -> pd.DataFrame:
    """Recompute every constraint (and the logical rules S1-S8) from ``rec.patients`` and
    ``rec.sites``: one row per constraint with target, achieved value, whether it holds and whether
    the reconstruction keeps it. ``constraints`` defaults to those the reconstruction was built from."""
    if not isinstance(rec, Reconstruction):
        raise ValueError(f"rec must be a Reconstruction, got {type(rec).__name__}")
    plan = rec.plan
    if constraints is not None:
        cons = as_constraints(constraints)
        if cons != plan.constraints:
            courses = sites_as_courses(plan.tl)
            pats = pd.DataFrame({"patient_id": list(plan.tl.pids)})
            plan = build_plan(courses, pats, cons)
    P, S = frame_arrays(rec.patients, rec.sites)
    return check_table(P, S, plan)
