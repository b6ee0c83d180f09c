"""A SYNTHETIC registry in the bundled data-folder format, for measuring the store build and the
pages at registry scale (``plexrt synth --format bundled``).

The patients and courses are those of ``plexrt.ingest.synth`` (same seeded distributions, no
patient is real), written as one series folder per centre with the files ``plexrt build-db``
reads: series, patients, courses, analgesics (baseline and after RT), provenance rules, and real
per-patient times (``events.csv``, ``course_times.csv``; days from the first RT start), so no
series needs the reconstruction. A share of every optional value is left empty (not known). The
factor table and the literature table are copied from the project's data folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from plexrt.data.manifest import MANIFEST_FILE, write_manifest
from plexrt.data.paths import DEFAULT_DATA_DIR
from plexrt.data.specs import (
    ANALGESICS,
    COURSE_TIMES_FILE,
    COURSES,
    EVENTS_FILE,
    PATIENTS,
    PROVENANCE_RULES,
    SERIES,
    TRACED_TABLES,
)
from plexrt.data.vocab import OTHER_GROUP, known_group
from plexrt.ingest import synth

DEFAULT_SERIES = 4
_NON_OPIOIDS = [("paracetamol", 1000, 4000), ("loxoprofen", 60, 180), ("pregabalin", 50, 300)]
_SERIES_FIELDS = ("n_patients_reported", "n_sites_reported")

Folder = dict[str, pd.DataFrame]


def _bool_text(x: np.ndarray) -> np.ndarray:
    return np.where(x, "true", "false")


def _blank(values: np.ndarray, gone: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[gone] = ""
    return out


def _series_ids(patients: pd.DataFrame) -> np.ndarray:
    centre = patients["patient_id"].str.extract(r"^C(\d+)-")[0].astype(int).to_numpy()
    return np.asarray([f"synth_c{c}" for c in range(centre.max() + 1)], dtype=object)[centre]


def _patients_table(p: pd.DataFrame, series: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    n = len(p)
    group = [known_group(c) or OTHER_GROUP for c in p["primary_cancer"]]
    return pd.DataFrame(
        {
            "series_id": series,
            "patient_id": p["patient_id"],
            "age": synth._text(p["age"].to_numpy(), rng.random(n) < 0.02),
            "sex": _blank(p["sex"].to_numpy(), rng.random(n) < 0.01),
            "primary_cancer": p["primary_cancer"],
            "primary_group": group,
        },
        columns=list(PATIENTS.names),
    )


def _courses_table(
    c: pd.DataFrame, p: pd.DataFrame, series: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    n, pi = len(c), c["pi"].to_numpy()
    course_no = pd.Series(pi).groupby(pi).cumcount().to_numpy() + 1
    pid = p["patient_id"].to_numpy()[pi]
    weeks = np.round((c["best"].to_numpy() - c["start"].to_numpy()) / 7)
    return pd.DataFrame(
        {
            "series_id": series[pi],
            "course_id": [f"{a}.{k}" for a, k in zip(pid, course_no, strict=True)],
            "patient_id": pid,
            "course_no": course_no.astype(str),
            "pain_at_presentation": "",
            "involved_muscle": c["involved_muscle"],
            "plexus_level": _blank(c["plexus_level"].to_numpy(), rng.random(n) < 0.1),
            "laterality": _blank(c["laterality"].to_numpy(), rng.random(n) < 0.05),
            "intent": c["intent"],
            "dose_gy": synth._text(c["dose_gy"].to_numpy()),
            "fractions": synth._text(c["fractions"].to_numpy()),
            "nrs_before": synth._text(c["nrs_before"].to_numpy(), rng.random(n) < 0.05),
            "nrs_after": synth._text(c["nrs_after"].to_numpy(), rng.random(n) < 0.15),
            "weeks_to_max_response": synth._text(weeks, rng.random(n) < 0.1),
        },
        columns=list(COURSES.names),
    )


def _analgesics_table(
    courses: pd.DataFrame, c: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """An opioid for about 7 courses in 10 (its dose always known: OMED needs it) and a
    non-opioid for about half (dose sometimes not stated), at baseline and after RT."""
    n = len(courses)
    parts = []
    opioids = [o for o in synth._OPIOIDS if o[1] == "oral"]
    for kind, share in (("opioid", 0.7), ("other", 0.5)):
        on = rng.random(n) < share
        table = opioids if kind == "opioid" else _NON_OPIOIDS
        which = rng.integers(0, len(table), n)
        lo = np.asarray([t[-2] for t in table], dtype=float)[which]
        hi = np.asarray([t[-1] for t in table], dtype=float)[which]
        base = lo + rng.random(n) * (hi - lo)
        after = base * synth._pick(rng, [0.5, 1.0, 1.5], [0.3, 0.5, 0.2], n)
        drug = np.asarray([t[0] for t in table], dtype=object)[which]
        for timepoint, mg in (("baseline", base), ("after", after)):
            mg = np.where(hi > 10, np.round(mg / 5) * 5, np.round(mg, 1))
            gone = np.zeros(n, bool) if kind == "opioid" else rng.random(n) < 0.05
            route = "oral" if kind == "opioid" else ""
            parts.append(
                pd.DataFrame(
                    {
                        "series_id": courses["series_id"].to_numpy()[on],
                        "course_id": courses["course_id"].to_numpy()[on],
                        "timepoint": timepoint,
                        "drug": drug[on],
                        "mg_per_day": synth._text(mg, gone)[on],
                        "route": np.where(rng.random(n) < 0.2, "", route)[on],
                        "is_opioid": "true" if kind == "opioid" else "false",
                    }
                )
            )
    out = pd.concat(parts, ignore_index=True)
    return out[list(ANALGESICS.names)]


def _times_tables(
    c: pd.DataFrame, p: pd.DataFrame, courses: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """events.csv (per patient) and course_times.csv (per course), days from the first RT start."""
    horizon = synth._horizons(p, c)
    best = c.groupby("pi")["best"].min().reindex(range(len(p))).to_numpy()
    relapse = c.groupby("pi")["relapse"].min().reindex(range(len(p))).to_numpy()
    events = pd.DataFrame(
        {
            "patient_id": p["patient_id"],
            "death": _bool_text(p["dead"].to_numpy()),
            "last_contact_day": synth._text(horizon),
            "assessable_for_relief": _bool_text(~np.isnan(best)),
            "relapse": _bool_text(~np.isnan(relapse)),
            "relapse_day": synth._text(relapse),
        },
        columns=list(EVENTS_FILE.names),
    )
    times = pd.DataFrame(
        {
            "course_id": courses["course_id"],
            "rt_start_day": synth._text(c["start"].to_numpy()),
            "rt_end_day": synth._text(c["end"].to_numpy()),
            "max_response_day": synth._text(c["best"].to_numpy()),
        },
        columns=list(COURSE_TIMES_FILE.names),
    )
    return events, times


def _series_row(series_id: str, n_patients: int, n_courses: int, seed: int) -> pd.DataFrame:
    row = {name: "" for name in SERIES.names}
    centre = series_id.removeprefix("synth_c")
    row.update(
        series_id=series_id,
        short_name=f"SYNTHETIC centre {centre}",
        citation=f"SYNTHETIC registry (not real patients), plexrt synth seed {seed}",
        design="synthetic registry",
        pain_scale="NRS 0-10",
        n_patients_reported=str(n_patients),
        n_sites_reported=str(n_courses),
    )
    return pd.DataFrame([row], columns=list(SERIES.names))


def _provenance_rules() -> pd.DataFrame:
    rows = [
        {
            "table_name": table,
            "column_name": "*",
            "row_key": "*",
            "source": "imported",
            "location": "SYNTHETIC registry",
            "note": "Drawn by plexrt synth (not a real patient)",
        }
        for table in TRACED_TABLES
    ]
    return pd.DataFrame(rows, columns=list(PROVENANCE_RULES.names))


def synth_bundled(
    n_courses: int, seed: int = synth.DEFAULT_SEED, series: int = DEFAULT_SERIES
) -> dict[str, Folder]:
    """``n_courses`` synthetic courses in ``series`` series folders: folder -> filename -> rows."""
    if n_courses < 1 or series < 1:
        raise ValueError(f"need at least 1 course and 1 series, got {n_courses} and {series}")
    rng = np.random.default_rng(seed)
    per = rng.choice([1, 2, 3], size=n_courses, p=[0.8, 0.17, 0.03])
    per = per[: int(np.searchsorted(np.cumsum(per), n_courses)) + 1]
    per[-1] -= int(per.sum()) - n_courses
    p = synth._patients(rng, len(per), series, "C{centre}-{n:05d}")
    c = synth._courses(rng, p, per)
    sid = _series_ids(p)
    patients = _patients_table(p, sid, rng)
    courses = _courses_table(c, p, sid, rng)
    analgesics = _analgesics_table(courses, c, rng)
    events, times = _times_tables(c, p, courses)
    out: dict[str, Folder] = {}
    for name in sorted(set(sid)):
        mine_p, mine_c = sid == name, courses["series_id"].to_numpy() == name
        out[name] = {
            "series.csv": _series_row(name, int(mine_p.sum()), int(mine_c.sum()), seed),
            "patients.csv": patients[mine_p],
            "courses.csv": courses[mine_c],
            "analgesics.csv": analgesics[analgesics["series_id"].to_numpy() == name],
            "provenance.csv": _provenance_rules(),
            "events.csv": events[mine_p],
            "course_times.csv": times[mine_c],
        }
    return out


def write_bundled(
    out: Path, n_courses: int, seed: int = synth.DEFAULT_SEED, series: int = DEFAULT_SERIES
) -> list[Path]:
    """A data folder ``out`` that ``plexrt build-db --data out`` reads: the series folders, the
    project's opioid_factors.csv and literature.csv, and the manifest of those files."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("opioid_factors.csv", "literature.csv"):
        written.append(Path(shutil.copyfile(DEFAULT_DATA_DIR / name, out / name)))
    for folder, files in synth_bundled(n_courses, seed, series).items():
        (out / folder).mkdir(exist_ok=True)
        for filename, frame in files.items():
            frame.to_csv(out / folder / filename, index=False)
            written.append(out / folder / filename)
    write_manifest(out)  # the build checks every file against it
    written.append(out / MANIFEST_FILE)
    return written
