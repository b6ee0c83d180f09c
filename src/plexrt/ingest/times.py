"""Per-patient event times of a series: real ones when its folder has them (``events.csv`` +
``course_times.csv``), otherwise the seeded default reconstruction from ``published_times.csv``,
otherwise none."""

from __future__ import annotations

import numpy as np
import pandas as pd

from plexrt import reconstruct
from plexrt.data.csvfile import DataError, Problem
from plexrt.data.sources import SeriesData, read_times

# The stored default reconstruction of unpublished times is drawn with this seed (deterministic).
DEFAULT_SEED = 0

Times = dict[str, pd.DataFrame]


def event_times(sd: SeriesData) -> Times | None:
    """The event tables to store for a series (table name -> rows), or None without any times."""
    if sd.has("events.csv"):
        return imported_times(sd)
    if sd.has("published_times.csv"):
        return reconstructed_times(sd)
    return None


def _value_text(v: float | str) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def reconstructed_times(sd: SeriesData) -> Times:
    """The seeded default reconstruction, with the published constraints, every constraint
    recomputed (checks) and the conflicts found between published statements."""
    path = sd.folder / "published_times.csv"
    try:
        cons = reconstruct.load_published_times(path)
    except ValueError as exc:
        raise DataError(
            [Problem(f"{sd.folder.name}/published_times.csv", None, None, str(exc))]
        ) from None
    courses = sd.tables["courses"].drop(columns="_line")
    patients = sd.tables["patients"].drop(columns="_line")
    rec = reconstruct.reconstruct(courses, patients, cons, seed=DEFAULT_SEED)
    published = pd.DataFrame(
        [{**c.__dict__, "value": None if c.value is None else _value_text(c.value)} for c in cons]
    )
    conflicts = pd.DataFrame(
        [
            {
                "conflict_id": k.conflict_id,
                "description": k.description,
                "source_a": k.source_a,
                "source_b": k.source_b,
                "dropped": k.dropped,
            }
            for k in rec.conflicts
        ],
        columns=["conflict_id", "description", "source_a", "source_b", "dropped"],
    )
    checks = rec.checks[
        ["constraint_id", "description", "target", "achieved", "holds", "kept", "status"]
    ]
    site_columns = ["course_id", "patient_id", "rt_start_day", "rt_end_day", "max_response_day"]
    site_columns += [f"{c}_source" for c in ("rt_start_day", "rt_end_day", "max_response_day")]
    return {
        "published_times": published,
        "events": rec.patients.drop(
            columns=["first_rt_start_day", "first_rt_start_day_source"], errors="ignore"
        ).assign(seed=rec.seed),
        "course_events": rec.sites[site_columns],
        "reconstruction_checks": checks.astype({"target": str, "achieved": str}),
        "reconstruction_conflicts": conflicts,
    }


def _patient_events(
    ev: pd.DataFrame, end: pd.Series, first_max_response: pd.Series
) -> pd.DataFrame:
    """Every patient's stored event row from the imported times (days from first RT start);
    ``end`` and ``first_max_response`` are per patient (the last course's end, the first maximum
    response day, NaN when none is known)."""
    last = ev["last_contact_day"].to_numpy(dtype="float64")
    mr = ev["patient_id"].map(first_max_response).to_numpy(dtype="float64")
    death = ev["death"].eq(True).to_numpy()
    relapse = ev["relapse"].eq(True).to_numpy()  # blank: no relapse recorded
    relapse_day = np.where(relapse, ev["relapse_day"].to_numpy(dtype="float64"), np.nan)
    relief_end = np.where(relapse, relapse_day, last)
    # Relief is assessable when the file says so and a maximum response day is known.
    assessable = ev["assessable_for_relief"].eq(True).to_numpy() & ~np.isnan(mr)
    rt_end = ev["patient_id"].map(end).to_numpy(dtype="int64")
    return pd.DataFrame(
        {
            "patient_id": ev["patient_id"].to_numpy(),
            "rt_end_day": rt_end,
            "death": death,
            "death_day": np.where(death, last, np.nan),
            "last_contact_day": last.astype("int64"),
            "followup_from_completion_days": last.astype("int64") - rt_end,
            "assessable_for_relief": assessable,
            "max_response_day": mr,
            "relapse": relapse,
            "relapse_day": relapse_day,
            "relief_end_day": np.where(assessable, relief_end, np.nan),
            "relief_days": np.where(assessable, relief_end - mr, np.nan),
            "relief_event": np.where(assessable, relapse.astype("float64"), np.nan),
        }
    )


def imported_times(sd: SeriesData) -> Times:
    """Real per-patient times as given (validated by ``plexrt.data.sources.read_times``), with the
    derived event columns; every value flagged 'imported'."""
    ev, ct = read_times(sd)
    patient_of = sd.tables["courses"].set_index("course_id")["patient_id"]
    ct = ct.assign(patient_id=ct["course_id"].map(patient_of))
    last_end = ct.groupby("patient_id")["rt_end_day"].max()
    first_mr = ct.groupby("patient_id")["max_response_day"].min()
    events = _patient_events(ev, last_end, first_mr)
    for col in list(events.columns):
        if col != "patient_id":
            events[f"{col}_source"] = "imported"
    course_events = ct.drop(columns="_line").assign(
        rt_start_day_source="imported",
        rt_end_day_source="imported",
        max_response_day_source="imported",
    )
    return {"events": events, "course_events": course_events}
