"""A SYNTHETIC registry in the own-series template, for trying the import and measuring scale.

Every value is drawn from a seeded random generator; no patient is real. Whole-column numpy work
(no per-row Python), so 100,000 courses take seconds. The distributions are chosen to be clinically
plausible for RT of malignant lumbosacral plexopathy, not fitted to any data:
- primary cancers mostly gynecological, gastrointestinal and urological, some others;
- psoas about 3 in 4 sites; about 1 patient in 6 has a second site, a few a third;
- palliative regimens 30 Gy/10, 20 Gy/5, 8 Gy/1, 39 Gy/13, 36 Gy/12, 45 Gy/15, 25 Gy/5; local control
  50 Gy/25, 54 Gy/30, 59.4 Gy/33, 60 Gy/30, 45 Gy/25; fractions Monday to Friday;
- NRS before 3-10 (mostly 6-9); survival from the first RT start log-normal with a median of about
  four months; follow-up of survivors 1-30 months; relapse of pain in about 1 responder in 4;
- assessments at RT start, at RT end, about 1 and 3 months later (while followed), with opioids
  (morphine, oxycodone, hydromorphone oral; fentanyl transdermal) in about 7 patients in 10;
- a share of every optional value is left empty (not known).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from plexrt.data.own_template import ASSESSMENT_TEMPLATE, COURSE_TEMPLATE

DEFAULT_SEED = 20240601
_CANCERS = {
    "Cervical cancer": 0.18,
    "Ovarian cancer": 0.10,
    "Endometrial cancer": 0.08,
    "Rectal cancer": 0.18,
    "Colorectal cancer": 0.08,
    "Anal cancer": 0.03,
    "Bladder cancer": 0.08,
    "Prostate cancer": 0.08,
    "Ureteral cancer": 0.02,
    "Urachal cancer": 0.01,
    "Sarcoma": 0.05,
    "Lung cancer": 0.04,
    "Melanoma": 0.02,
    "Unknown primary": 0.05,
}
_FEMALE_ONLY = {"Cervical cancer", "Ovarian cancer", "Endometrial cancer"}
_PALLIATIVE = [(30, 10, 0.35), (20, 5, 0.20), (8, 1, 0.15), (39, 13, 0.15), (36, 12, 0.05)]
_PALLIATIVE += [(45, 15, 0.05), (25, 5, 0.05)]
_LOCAL = [(50, 25, 0.4), (54, 30, 0.2), (59.4, 33, 0.15), (60, 30, 0.15), (45, 25, 0.1)]
_OPIOIDS: list[tuple[str, str, float, float]] = [
    ("morphine", "oral", 30, 180),
    ("oxycodone", "oral", 20, 120),
]
_OPIOIDS += [("hydromorphone", "oral", 4, 24), ("fentanyl", "transdermal", 0.3, 2.4)]
_FIRST_DAY = np.datetime64("2015-01-05")  # a Monday
_SPAN_DAYS = 9 * 365


@dataclass(frozen=True)
class Registry:
    courses: pd.DataFrame  # the courses template, text cells
    assessments: pd.DataFrame  # the assessments template, text cells


def synth_registry(
    n_courses: int, seed: int = DEFAULT_SEED, centres: int = 8, code: str = "C{centre}-{n:05d}"
) -> Registry:
    """``n_courses`` synthetic courses (and their assessments) from ``centres`` centres."""
    if n_courses < 1:
        raise ValueError(f"n_courses must be at least 1, got {n_courses}")
    rng = np.random.default_rng(seed)
    per = rng.choice([1, 2, 3], size=n_courses, p=[0.8, 0.17, 0.03])
    per = per[: int(np.searchsorted(np.cumsum(per), n_courses)) + 1]
    per[-1] -= int(per.sum()) - n_courses
    patients = _patients(rng, len(per), centres, code)
    courses = _courses(rng, patients, per)
    assessments = _assessments(rng, courses, patients)
    return Registry(_course_table(courses, patients, rng), assessments)


def _pick(rng: np.random.Generator, options: list, weights: list[float], n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return np.asarray(options)[rng.choice(len(options), size=n, p=w / w.sum())]


def _patients(rng: np.random.Generator, n: int, centres: int, code: str) -> pd.DataFrame:
    cancer = _pick(rng, list(_CANCERS), list(_CANCERS.values()), n)
    female = np.isin(cancer, list(_FEMALE_ONLY)) | (rng.random(n) < 0.5)
    female &= cancer != "Prostate cancer"
    centre = rng.integers(1, centres + 1, n)
    number = pd.Series(centre).groupby(centre).cumcount().to_numpy() + 1
    ids = [code.format(centre=c, n=k) for c, k in zip(centre, number, strict=True)]
    start = _FIRST_DAY + rng.integers(0, _SPAN_DAYS, n).astype("timedelta64[D]")
    start -= ((start - _FIRST_DAY).astype(int) % 7 >= 5) * np.timedelta64(2, "D")  # weekdays
    survival = np.round(rng.lognormal(np.log(125), 0.9, n))
    follow = rng.integers(30, 900, n)
    dead = survival <= follow
    horizon = np.where(dead, survival, follow).clip(21)
    return pd.DataFrame(
        {
            "patient_id": ids,
            "age": rng.normal(66, 11, n).round().clip(28, 96),
            "sex": np.where(female, "F", "M"),
            "primary_cancer": cancer,
            "start": start,
            "dead": dead,
            "horizon": horizon,
        }
    )


def _courses(rng: np.random.Generator, patients: pd.DataFrame, per: np.ndarray) -> pd.DataFrame:
    n = int(per.sum())
    pi = np.repeat(np.arange(len(per)), per)
    k = pd.Series(pi).groupby(pi).cumcount().to_numpy() + 1
    muscle = np.where(rng.random(n) < 0.75, "psoas", "piriformis")
    upper = np.where(muscle == "psoas", rng.random(n) < 0.8, rng.random(n) < 0.1)
    local = rng.random(n) < 0.15
    pal = np.asarray(_PALLIATIVE)[rng.choice(len(_PALLIATIVE), n, p=[w for *_, w in _PALLIATIVE])]
    loc = np.asarray(_LOCAL)[rng.choice(len(_LOCAL), n, p=[w for *_, w in _LOCAL])]
    regimen = np.where(local[:, None], loc[:, :2], pal[:, :2])
    fx = regimen[:, 1].astype(int)
    length = ((fx - 1) // 5) * 7 + (fx - 1) % 5
    horizon = patients["horizon"].to_numpy()[pi]
    gap = np.where(k == 1, 0, 14 + rng.random(n) * np.maximum(0, horizon * 0.5))
    offset = np.zeros(n)
    for step in (2, 3):  # a later course starts after the previous one ends
        later = k == step
        offset[later] = offset[np.flatnonzero(later) - 1] + length[np.flatnonzero(later) - 1]
        offset[later] += gap[later]
    start = np.round(offset)
    end = start + length
    mostly = rng.random(n) < 0.7
    before = np.where(mostly, rng.integers(6, 10, n), rng.integers(3, 11, n)).astype(float)
    after = np.clip(before - rng.binomial(8, 0.55, n), 0, 10)
    best = start + 7 * rng.integers(1, 8, n)
    # Only what happens before death or the end of follow-up is recorded.
    responded = (after < before) & (rng.random(n) < 0.85) & (best <= horizon)
    relapse = best + np.round(rng.exponential(90, n)) + 7
    relapsed = responded & (rng.random(n) < 0.4) & (relapse <= horizon)
    last_day = np.maximum(end, np.where(responded, best, 0))
    last_day = np.maximum(last_day, np.where(relapsed, relapse, 0))
    return pd.DataFrame(
        {
            "pi": pi,
            "involved_muscle": muscle,
            "plexus_level": np.where(upper, "upper", "lower"),
            "laterality": _pick(rng, ["left", "right", "bilateral"], [0.45, 0.45, 0.1], n),
            "intent": np.where(local, "local_control", "palliative"),
            "dose_gy": regimen[:, 0].astype(float),
            "fractions": fx,
            "nrs_before": before,
            "nrs_after": after,
            "start": start,
            "end": end,
            "best": np.where(responded, best, np.nan),
            "relapse": np.where(relapsed, relapse, np.nan),
            "last_day": last_day,
        }
    )


def _horizons(patients: pd.DataFrame, courses: pd.DataFrame) -> np.ndarray:
    """Days from the first RT start to death or last contact, after everything recorded."""
    latest = courses.groupby("pi")["last_day"].max().to_numpy()
    return np.maximum(patients["horizon"].to_numpy(), latest + 1)


def _text(x: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Numbers as the text a spreadsheet would show (39, 59.4); '' for not known."""
    s = pd.Series(x, dtype="float64")
    out = s.map("{:g}".format).to_numpy(dtype=object)
    gone = s.isna().to_numpy() if missing is None else (s.isna().to_numpy() | missing)
    out[gone] = ""
    return out


def _dates(start: np.ndarray, days: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    d = np.asarray(days, dtype="float64")
    gone = np.isnan(d) if missing is None else (np.isnan(d) | missing)
    when = start + np.where(gone, 0, d).astype("int64").astype("timedelta64[D]")
    out = np.datetime_as_string(when, unit="D").astype(object)
    out[gone] = ""
    return out


def _course_table(c: pd.DataFrame, p: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n, pi = len(c), c["pi"].to_numpy()
    horizon = _horizons(p, c)
    dead = p["dead"].to_numpy()
    start = p["start"].to_numpy()[pi]
    contact_gone = dead & (rng.random(len(p)) < 0.3)  # dead: last contact often not recorded
    out = {
        "patient_id": p["patient_id"].to_numpy()[pi],
        "age": _text(p["age"].to_numpy(), rng.random(len(p)) < 0.02)[pi],
        "sex": np.where(rng.random(len(p)) < 0.01, "", p["sex"].to_numpy())[pi],
        "primary_cancer": p["primary_cancer"].to_numpy()[pi],
        "involved_muscle": c["involved_muscle"].to_numpy(),
        "plexus_level": np.where(rng.random(n) < 0.1, "", c["plexus_level"].to_numpy()),
        "laterality": np.where(rng.random(n) < 0.05, "", c["laterality"].to_numpy()),
        "intent": c["intent"].to_numpy(),
        "dose_gy": _text(c["dose_gy"].to_numpy()),
        "fractions": _text(c["fractions"].to_numpy()),
        "nrs_before": _text(c["nrs_before"].to_numpy(), rng.random(n) < 0.05),
        "nrs_after": _text(c["nrs_after"].to_numpy(), rng.random(n) < 0.15),
        "rt_start_date": _dates(start, c["start"].to_numpy()),
        "rt_end_date": _dates(start, c["end"].to_numpy()),
        "max_response_date": _dates(start, c["best"].to_numpy(), rng.random(n) < 0.1),
        "relapse_date": _dates(start, c["relapse"].to_numpy()),
        "last_contact_date": _dates(p["start"].to_numpy(), horizon, contact_gone)[pi],
        "death_date": _dates(p["start"].to_numpy(), np.where(dead, horizon, np.nan))[pi],
    }
    return pd.DataFrame(out, columns=[col.name for col in COURSE_TEMPLATE])


def _assessments(rng: np.random.Generator, c: pd.DataFrame, p: pd.DataFrame) -> pd.DataFrame:
    """Up to four assessments per course: RT start, RT end, about 1 and 3 months after."""
    pi = c["pi"].to_numpy()
    horizon = _horizons(p, c)[pi]
    course_no = pd.Series(pi).groupby(pi).cumcount().to_numpy() + 1
    end = c["end"].to_numpy()
    days = np.stack([c["start"].to_numpy(), end, end + 30, end + 90], axis=1)
    keep = (days <= horizon[:, None]) & (rng.random(days.shape) < 0.9)
    keep[:, 0] = True
    keep[:, 1] &= end != c["start"].to_numpy()  # one fraction: start and end are one visit
    row, slot = np.nonzero(keep)
    before, after = c["nrs_before"].to_numpy()[row], c["nrs_after"].to_numpy()[row]
    relapse = c["relapse"].to_numpy()[row]
    day = days[row, slot]
    nrs = np.where(slot == 0, before, after + rng.integers(-1, 2, len(row)))
    nrs = np.where(~np.isnan(relapse) & (day >= relapse), before, nrs).clip(0, 10)
    on = (rng.random(len(p)) < 0.7)[pi][row]
    which = rng.integers(0, len(_OPIOIDS), len(p))[pi][row]
    drug = np.asarray([o[0] for o in _OPIOIDS], dtype=object)[which]
    route = np.asarray([o[1] for o in _OPIOIDS], dtype=object)[which]
    lo, hi = (
        np.asarray([o[2] for o in _OPIOIDS])[which],
        np.asarray([o[3] for o in _OPIOIDS])[which],
    )
    base = lo + rng.random(len(p))[pi][row] * (hi - lo)
    change = np.where(slot == 0, 1.0, _pick(rng, [0.5, 1.0, 1.5], [0.3, 0.5, 0.2], len(row)))
    mg = np.where(hi > 10, np.round(base * change / 5) * 5, np.round(base * change, 1))
    start = p["start"].to_numpy()[pi][row]
    out = {
        "patient_id": p["patient_id"].to_numpy()[pi][row],
        "course_no": course_no[row].astype(str),
        "assessment_date": _dates(start, day),
        "nrs": _text(nrs, rng.random(len(row)) < 0.1),
        "opioid_drug": np.where(on, drug, ""),
        "opioid_mg_per_day": np.where(on, _text(mg), ""),
        "opioid_route": np.where(on, route, ""),
    }
    return pd.DataFrame(out, columns=[col.name for col in ASSESSMENT_TEMPLATE])


def write_registry(out: Path, n_courses: int, seed: int = DEFAULT_SEED) -> tuple[Path, Path]:
    """DIR/courses.csv and DIR/assessments.csv of a synthetic registry (UTF-8, ISO dates)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    reg = synth_registry(n_courses, seed)
    paths = (out / "courses.csv", out / "assessments.csv")
    reg.courses.to_csv(paths[0], index=False)
    reg.assessments.to_csv(paths[1], index=False)
    return paths


EXAMPLE_SEED = 12
EXAMPLE_STEM = "SYNTHETIC_example"
EXAMPLE_NAME = "SYNTHETIC example series (not real patients)"


def example_series() -> Registry:
    """The bundled example: about 40 synthetic patients of one department, codes SYN-001..."""
    return synth_registry(52, EXAMPLE_SEED, centres=1, code="SYN-{n:03d}")


def write_example(out: Path) -> list[Path]:
    """data/examples/SYNTHETIC_example_courses.csv, ..._assessments.csv and ....xlsx."""
    from plexrt.data.own_template_files import template_xlsx

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    reg = example_series()
    courses = out / f"{EXAMPLE_STEM}_courses.csv"
    assessments = out / f"{EXAMPLE_STEM}_assessments.csv"
    workbook = out / f"{EXAMPLE_STEM}.xlsx"
    reg.courses.to_csv(courses, index=False)
    reg.assessments.to_csv(assessments, index=False)
    workbook.write_bytes(template_xlsx({"courses": reg.courses, "assessments": reg.assessments}))
    return [courses, assessments, workbook]
