"""The result of one reconstruction: the patients and sites frames built from a draw, with the
provenance of every column."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from plexrt.reconstruct.plan import Plan
from plexrt.reconstruct.resolution import Conflict
from plexrt.reconstruct.solver import Draw
from plexrt.reconstruct.timeline import WEEK, Timeline

Arrays = dict[str, np.ndarray]


@dataclass(eq=False)
class Reconstruction:
    """One set of individual times: ``patients`` (one row per patient), ``sites`` (one row per
    course), ``checks`` (every constraint recomputed), ``conflicts`` and the ``seed`` used."""

    patients: pd.DataFrame
    sites: pd.DataFrame
    checks: pd.DataFrame
    conflicts: list[Conflict]
    seed: int
    plan: Plan = field(repr=False, compare=False)


def source_columns(plan: Plan) -> Arrays:
    """Provenance of each patient column; the same for every draw of one plan (who relapsed and
    which facts are named does not change between draws)."""
    tl = plan.tl
    n = len(tl.pids)
    rel = set(plan.relapsers)
    narrative = {
        tl.index(c.patient_id)
        for c in plan.kept
        if c.quantity == "pain_free_after_completion" and c.patient_id
    }
    durable = set(plan.must_assess)  # "durable pain relief": assessable, no relapse
    multi = {tl.course_pids[k] for k in range(len(tl.course_ids)) if tl.course_no[k] > 1}
    rec = "reconstructed"

    def col(values: list[str]) -> np.ndarray:
        return np.array(values, dtype=object)

    def relapse_source(i: int) -> str:
        if i in rel:
            return "results_text"
        return "case_narrative" if i in narrative | durable else rec

    def assessable_source(i: int) -> str:
        if i in rel:
            return "results_text"
        return "case_narrative" if i in durable else rec

    return {
        "first_rt_start_day_source": col(["derived"] * n),
        "rt_end_day_source": col([rec if p in multi else "derived" for p in tl.pids]),
        "death_source": col(["case_narrative" if i in narrative else rec for i in range(n)]),
        "death_day_source": col([rec] * n),
        "last_contact_day_source": col([rec] * n),
        "followup_from_completion_days_source": col([rec] * n),
        "assessable_for_relief_source": col([assessable_source(i) for i in range(n)]),
        # day = first course start (day 0) + 7 x Table 1 weeks: a rule, not a published day
        "max_response_day_source": col(["derived"] * n),
        "relapse_source": col([relapse_source(i) for i in range(n)]),
        "relapse_day_source": col([rec if i in rel else "derived" for i in range(n)]),
        "relief_end_day_source": col([rec] * n),
        "relief_days_source": col([rec] * n),
        "relief_event_source": col([rec] * n),
    }


def patient_columns(plan: Plan, d: Draw) -> Arrays:
    """The time columns of one draw (see :func:`plexrt.reconstruct.reconstruct` for their
    meaning); ``relief_event`` as 1.0 / 0.0 / NaN (not assessable), stored as a nullable integer."""
    tl = plan.tl
    n = len(tl.pids)
    last = tl.rt_end + d.t
    relapse = ~np.isnan(d.relapse_day)
    relief_end = np.where(relapse, d.relapse_day, last.astype(float))
    relief_end = np.where(d.assess, relief_end, np.nan)
    event = np.where(d.assess, np.where(relapse, 1.0, 0.0), np.nan)
    return {
        "patient_id": np.array(tl.pids, dtype=object),
        "first_rt_start_day": np.zeros(n, np.int64),
        "rt_end_day": tl.rt_end.astype(np.int64),
        "death": d.dead.copy(),
        "death_day": np.where(d.dead, last.astype(float), np.nan),
        "last_contact_day": last.astype(np.int64),
        "followup_from_completion_days": d.t.astype(np.int64),
        "assessable_for_relief": d.assess.copy(),
        "max_response_day": tl.mr_first.astype(np.int64),
        "relapse": relapse,
        "relapse_day": d.relapse_day.copy(),
        "relief_end_day": relief_end,
        "relief_days": relief_end - tl.mr_first,
        "relief_event": event,
    }


def sites_frame(plan: Plan) -> pd.DataFrame:
    tl = plan.tl
    return pd.DataFrame(
        {
            "course_id": list(tl.course_ids),
            "patient_id": list(tl.course_pids),
            "course_no": tl.course_no.astype(np.int64),
            "fractions": tl.fractions.astype(np.int64),
            "rt_start_day": tl.start.astype(np.int64),
            "rt_end_day": tl.end.astype(np.int64),
            "max_response_day": tl.mr.astype(np.int64),
            "rt_start_day_source": list(tl.start_source),
            "rt_end_day_source": list(tl.start_source),
            # start + 7 x Table 1 weeks: derived, or reconstructed when the start is
            "max_response_day_source": list(tl.start_source),
        }
    )


def site_arrays(sites: pd.DataFrame) -> Arrays:
    """The sites frame as arrays (provenance columns left out), as the checks read it."""
    return {c: sites[c].to_numpy() for c in sites.columns if not c.endswith("_source")}


def frame_arrays(patients: pd.DataFrame, sites: pd.DataFrame) -> tuple[Arrays, Arrays]:
    """Patients and sites frames as arrays with the dtypes the checks expect."""
    P = {c: patients[c].to_numpy() for c in patients.columns if not c.endswith("_source")}
    for c in ("death", "assessable_for_relief", "relapse"):
        P[c] = P[c].astype(bool)
    for c in ("death_day", "relapse_day", "relief_end_day", "relief_days"):
        P[c] = P[c].astype(float)
    return P, site_arrays(sites)


def sites_as_courses(tl: Timeline) -> pd.DataFrame:
    """The courses a timeline was built from (to re-plan with other constraints)."""
    return pd.DataFrame(
        {
            "course_id": list(tl.course_ids),
            "patient_id": list(tl.course_pids),
            "course_no": tl.course_no,
            "fractions": tl.fractions,
            "weeks_to_max_response": (tl.mr - tl.start) // WEEK,
            "dose_gy": list(tl.dose),
        }
    )
