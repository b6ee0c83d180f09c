"""Synthetic own series for the user-store tests and the bench: valid by construction, derived dose
columns from ``plexrt.clinical.dose`` (the one formula), sizes from a handful to 100,000 courses."""

from __future__ import annotations

import numpy as np
import pandas as pd

from plexrt.clinical import dose
from plexrt.data.own_schema import OwnSeriesFrames

REGIMENS = ((30.0, 10), (20.0, 5), (8.0, 1), (39.0, 13), (50.0, 25), (36.0, 12))


def _derived(total: float, fractions: int) -> dict[str, float]:
    return {
        "dose_per_fraction_gy": dose.dose_per_fraction(total, fractions),
        "bed10_gy": dose.bed(total, fractions, 10.0),
        "eqd2_10_gy": dose.eqd2(total, fractions, 10.0),
        "bed3_gy": dose.bed(total, fractions, 3.0),
        "eqd2_3_gy": dose.eqd2(total, fractions, 3.0),
    }


def make_frames(n_patients: int = 6, seed: int = 0, prefix: str = "S") -> OwnSeriesFrames:
    """``n_patients`` patients with one or two courses (about 1.5 courses each) and up to three
    assessments per course."""
    rng = np.random.default_rng(seed)
    pid = np.array([f"{prefix}{i:06d}" for i in range(n_patients)], dtype=object)
    n_courses = rng.integers(1, 3, n_patients)
    c_pid = np.repeat(pid, n_courses)
    c_no = np.concatenate([np.arange(1, k + 1) for k in n_courses]) if n_patients else np.array([])
    reg = rng.integers(0, len(REGIMENS), len(c_pid))
    total = np.array([REGIMENS[r][0] for r in reg])
    fx = np.array([REGIMENS[r][1] for r in reg])
    start = np.where(c_no == 1, 0, rng.integers(30, 200, len(c_pid)))
    end = start + np.ceil(fx * 1.4).astype(int)
    responded = rng.random(len(c_pid)) < 0.7
    max_resp = np.where(responded, end + rng.integers(5, 60, len(c_pid)), -1)
    relapsed = responded & (rng.random(len(c_pid)) < 0.4)
    relapse = np.where(relapsed, max_resp + rng.integers(10, 200, len(c_pid)), -1)
    derived = pd.DataFrame([_derived(*REGIMENS[r]) for r in range(len(REGIMENS))]).iloc[reg]
    courses = pd.DataFrame(
        {
            "patient_id": c_pid,
            "course_no": c_no,
            "involved_muscle": rng.choice(["psoas", "piriformis"], len(c_pid)),
            "plexus_level": rng.choice(["upper", "lower", None], len(c_pid)),
            "laterality": rng.choice(["left", "right", "bilateral"], len(c_pid)),
            "intent": rng.choice(["palliative", "local_control"], len(c_pid)),
            "dose_gy": total,
            "fractions": fx,
            "nrs_before": rng.integers(4, 11, len(c_pid)),
            "nrs_after": rng.integers(0, 9, len(c_pid)),
            "rt_start_day": start,
            "rt_end_day": end,
            "max_response_day": pd.array(np.where(max_resp < 0, None, max_resp), dtype="Int64"),
            "relapse_day": pd.array(np.where(relapse < 0, None, relapse), dtype="Int64"),
            **{c: derived[c].to_numpy() for c in derived.columns},
        }
    )
    last_end = courses.groupby("patient_id", sort=False)["rt_end_day"].max().reindex(pid).to_numpy()
    last_contact = last_end + rng.integers(30, 700, n_patients)
    died = rng.random(n_patients) < 0.6
    age = rng.integers(35, 96, n_patients)
    patients = pd.DataFrame(
        {
            "patient_id": pid,
            "age": np.minimum(age, 90),
            "age_90_plus": age >= 90,
            "sex": rng.choice(["F", "M"], n_patients),
            "primary_cancer": rng.choice(
                ["Cervical cancer", "Rectal cancer", "Bladder cancer"], n_patients
            ),
            "primary_group": rng.choice(
                ["gynecological", "gastrointestinal", "urological"], n_patients
            ),
            "last_contact_day": last_contact,
            "death_day": pd.array(np.where(died, last_contact, None), dtype="Int64"),
        }
    )
    n_assess = rng.integers(0, 4, len(courses))
    a_rows = courses.loc[courses.index.repeat(n_assess), ["patient_id", "course_no", "rt_end_day"]]
    a_no = np.concatenate([np.arange(1, k + 1) for k in n_assess]) if len(courses) else np.array([])
    assessments = pd.DataFrame(
        {
            "patient_id": a_rows["patient_id"].to_numpy(),
            "course_no": a_rows["course_no"].to_numpy(),
            "assessment_no": a_no,
            "day": a_rows["rt_end_day"].to_numpy() + 14 * a_no,
            "nrs": rng.integers(0, 11, len(a_rows)),
            "opioid_drug": rng.choice(["morphine", "oxycodone", None], len(a_rows)),
            "opioid_mg_per_day": rng.choice([10.0, 20.0, 30.0, 60.0], len(a_rows)),
            "opioid_route": rng.choice(["oral", "transdermal"], len(a_rows)),
        }
    )
    return OwnSeriesFrames(patients, courses, assessments).conformed()


def import_described(store, who, details: dict, n_patients: int = 2):
    """``store.apply_import`` of ``make_frames(n_patients)`` under the series details ``details``
    (name, institution, period)."""
    return store.apply_import(
        who,
        details["name"],
        make_frames(n_patients),
        pseudonymised=False,
        institution=details.get("institution"),
        period=details.get("period"),
    )
