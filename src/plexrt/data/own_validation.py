"""``validate_own_series``: the rules an own series must meet, on the stored frames (days).

Used by the import (with a ``Locator``, so every problem names the file's line and column) and by
follow-up recording (apply the change to a copy of the frames, validate whole, then write). Every
rule is one whole-column comparison; all problems are returned at once.

Clinical rules (days count from the patient's first RT start, day 0):
- the patient's first course starts on day 0; a course ends on or after its start and lasts at most
  ``MAX_COURSE_DAYS``; the maximum response is on or after the course's start, a relapse of pain on
  or after the maximum response (or the start when no response date is known);
- death is on or after the end of every course and after every response, relapse and assessment;
  the last contact (the last day the patient was known alive) is on or after the end of every
  course, every response, relapse and assessment, and not after death;
- NRS 0-10, fractions 1-40, dose > 0 and <= 80 Gy, <= 25 Gy per fraction, age 0-120 (90 = 90+);
  coded values among those of ``plexrt.data.vocab``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from plexrt.data.csvfile import Problem
from plexrt.data.own_problems import Locator, ProblemLog, arrow_text, map_unique
from plexrt.data.own_schema import TABLES, OwnSeriesFrames, StoredColumn, row_names
from plexrt.data.own_template import (
    AGE_RANGE,
    DOSE_PER_FRACTION_GY_MAX,
    EARLIEST_ASSESSMENT_DAY,
    MAX_COURSE_DAYS,
    MAX_FOLLOW_UP_DAYS,
    MAX_TEXT_CHARS,
    TEMPLATES,
    TemplateColumn,
)
from plexrt.data.text_limits import HIDDEN, HIDDEN_MESSAGE, UNENCODABLE
from plexrt.data.vocab import known_group

_BY_STORED = {c.stored_name: c for cols in TEMPLATES.values() for c in cols}
_DAY_COLUMNS = {"last_contact_day", "death_day", "rt_start_day", "rt_end_day"}
_DAY_COLUMNS |= {"max_response_day", "relapse_day", "day"}
_DERIVED = {"dose_per_fraction_gy", "bed10_gy", "eqd2_10_gy", "bed3_gy", "eqd2_3_gy"}


def validate_own_series(frames: OwnSeriesFrames, locator: Locator | None = None) -> list[Problem]:
    """Every problem of the series, sorted; empty when it may be stored."""
    log = ProblemLog()
    for table, (columns, _key) in TABLES.items():
        _column_rules(log, table, frames.table(table), columns)
    _patient_rules(log, frames.patients)
    _course_rules(log, frames.courses, frames.patients)
    _assessment_rules(log, frames.assessments, frames.courses, frames.patients)
    if locator or not len(log):
        return log.problems(locator)
    return log.problems(keys=_keys(frames))  # row names are built only when a row needs one


def _num(frame: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _lt(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a < b where both are known."""
    with np.errstate(invalid="ignore"):
        return ~np.isnan(a) & ~np.isnan(b) & (a < b)


def _days(a: np.ndarray, b: np.ndarray, text: str):
    """The messages of the marked rows: ``text`` with {a} and {b} filled by whole days."""
    return lambda rows: [text.format(a=_d(a[i]), b=_d(b[i])) for i in rows]


def _d(x: float) -> str:
    """Whole days for a message; '?' when unknown, the value as written when not finite."""
    if np.isnan(x):
        return "?"
    return f"{int(x)}" if np.isfinite(x) else f"{x}"


# ---------------------------------------------------------------------------------------------
# Column by column: required, whole numbers, coded values, ranges, text
# ---------------------------------------------------------------------------------------------


def _column_rules(
    log: ProblemLog, table: str, frame: pd.DataFrame, columns: tuple[StoredColumn, ...]
) -> None:
    for col in columns:
        if col.name in _DERIVED:
            continue
        if col.name not in frame:
            log.fixed.append(Problem(table, None, col.name, "the column is missing"))
            continue
        values = frame[col.name]
        missing = values.isna().to_numpy()
        if col.required:
            what = f" (one of: {', '.join(col.choices)})" if col.choices else ""
            log.add(table, missing, col.name, f"is empty; a value is required{what}")
        if col.kind == "text":
            _text_rules(log, table, col, values, missing)
        elif col.kind in ("integer", "number"):
            _number_rules(log, table, col, values, missing)


def _text_rules(
    log: ProblemLog, table: str, col: StoredColumn, values: pd.Series, missing: np.ndarray
) -> None:
    tc = _BY_STORED.get(col.name)
    choices = col.choices or (tc.choices if tc else None)
    if choices:
        unknown = ~missing & ~values.isin(choices).to_numpy()
        word = col.name.replace("_", " ")
        msg = f"unknown {word}: must be one of {', '.join(choices)}"
        log.add(table, unknown, col.name, msg, values)
        return
    text, unencodable = arrow_text(values.astype(object).where(~missing, "").astype(str))
    log.add(table, unencodable, col.name, UNENCODABLE)
    length = text.str.len().to_numpy(dtype="int64", na_value=0)
    log.add(
        table, length > MAX_TEXT_CHARS, col.name, f"longer than {MAX_TEXT_CHARS} characters", values
    )
    hidden = text.str.contains(HIDDEN, regex=True).to_numpy(dtype=bool, na_value=False)
    log.add(table, hidden, col.name, HIDDEN_MESSAGE, values)


def _number_rules(
    log: ProblemLog, table: str, col: StoredColumn, values: pd.Series, missing: np.ndarray
) -> None:
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    unread = ~missing & np.isnan(x)
    log.add(table, unread, col.name, "is not a number", values)
    if col.kind == "integer":
        with np.errstate(invalid="ignore"):
            frac = ~np.isnan(x) & (x % 1 != 0)
        log.add(table, frac, col.name, "must be a whole number", values)
    tc = _BY_STORED.get(col.name)
    lo, hi = _range(col, tc)
    with np.errstate(invalid="ignore"):
        out = ~np.isnan(x) & ((x < lo) | (x > hi))
        if col.name == "dose_gy":
            out |= ~np.isnan(x) & (x <= 0)
    if out.any():
        log.add(table, out, col.name, _range_text(col, tc, lo, hi), values)


def _range(col: StoredColumn, tc: TemplateColumn | None) -> tuple[float, float]:
    if col.name in _DAY_COLUMNS:
        return -np.inf, float(MAX_FOLLOW_UP_DAYS)
    if col.name in ("course_no", "assessment_no"):
        return 1.0, np.inf
    lo = tc.min if tc and tc.min is not None else -np.inf
    hi = tc.max if tc and tc.max is not None else np.inf
    return float(lo), float(hi)


def _range_text(col: StoredColumn, tc: TemplateColumn | None, lo: float, hi: float) -> str:
    if col.name in _DAY_COLUMNS:
        return "more than 20 years after the first RT start: check the year"
    label = tc.label if tc else col.name
    if col.name == "dose_gy":
        return f"{label} must be more than 0 and at most {hi:g} Gy"
    if np.isinf(hi):
        return f"{label} must be at least {lo:g}"
    return f"{label} must be {lo:g}-{hi:g}"


# ---------------------------------------------------------------------------------------------
# Rules across columns and tables (days)
# ---------------------------------------------------------------------------------------------


def _patient_rules(log: ProblemLog, p: pd.DataFrame) -> None:
    t = "patients"
    dup = p["patient_id"].duplicated(keep="first").to_numpy() & p["patient_id"].notna().to_numpy()
    log.add(t, dup, "patient_id", "the same patient code twice", p["patient_id"])
    death, last = _num(p, "death_day"), _num(p, "last_contact_day")
    zero = np.zeros(len(p))
    log.add(
        t, _lt(death, zero), "death_day", _days(death, zero, "death (day {a}) is before RT start")
    )
    msg = _days(last, zero, "last contact (day {a}) is before RT start")
    log.add(t, _lt(last, zero), "last_contact_day", msg)
    msg = _days(last, death, "last contact (day {a}) is after death (day {b})")
    log.add(t, _lt(death, last), "last_contact_day", msg)
    age = _num(p, "age")
    plus = p["age_90_plus"].fillna(False).astype(bool).to_numpy()
    log.add(t, plus & (age != 90), "age", "age 90+ must be stored as 90")
    with np.errstate(invalid="ignore"):
        log.add(
            t, ~plus & (age > 89) & (age <= AGE_RANGE[1]), "age", "ages over 89 are stored as 90+"
        )
    known = map_unique(p["primary_cancer"], known_group)
    clash = known.notna().to_numpy() & (known != p["primary_group"]).to_numpy()
    log.add(t, clash, "primary_group", "does not match the primary cancer", p["primary_group"])


def _course_rules(log: ProblemLog, c: pd.DataFrame, p: pd.DataFrame) -> None:
    t = "courses"
    once = p.drop_duplicates("patient_id")  # a code twice is reported by the patient rules
    m = c[["patient_id"]].merge(once, on="patient_id", how="left", indicator=True)
    orphan = (m["_merge"] == "left_only").to_numpy() & c["patient_id"].notna().to_numpy()
    log.add(t, orphan, "patient_id", "no patient row for this course", c["patient_id"])
    key = c[["patient_id", "course_no"]]
    dup = key.duplicated(keep="first").to_numpy() & key.notna().all(axis=1).to_numpy()
    log.add(t, dup, "course_no", "the same course number twice for this patient", c["course_no"])
    start, end = _num(c, "rt_start_day"), _num(c, "rt_end_day")
    first = c.groupby("patient_id")["rt_start_day"].transform("min")
    is_first = (c["rt_start_day"] == first).fillna(False).to_numpy()
    not_zero = is_first & ~np.isnan(start) & (start != 0)
    log.add(t, not_zero, "rt_start_day", "the patient's first course must start on day 0")
    log.add(
        t,
        _lt(end, start),
        "rt_end_day",
        _days(end, start, "the course ends (day {a}) before it starts (day {b})"),
    )
    with np.errstate(invalid="ignore"):
        long_ = (end - start) > MAX_COURSE_DAYS
    log.add(
        t,
        long_,
        "rt_end_day",
        _days(
            end - start,
            end,
            f"the course lasts {{a}} days; more than {MAX_COURSE_DAYS}: check the dates",
        ),
    )
    best, relapse = _num(c, "max_response_day"), _num(c, "relapse_day")
    log.add(
        t,
        _lt(best, start),
        "max_response_day",
        _days(best, start, "maximum response (day {a}) is before RT start (day {b})"),
    )
    log.add(
        t,
        _lt(relapse, best),
        "relapse_day",
        _days(relapse, best, "relapse of pain (day {a}) is before the maximum response (day {b})"),
    )
    before_start = _lt(relapse, start) & np.isnan(best)
    log.add(
        t,
        before_start,
        "relapse_day",
        _days(relapse, start, "relapse of pain (day {a}) is before RT start (day {b})"),
    )
    _dose_per_fraction(log, c)
    death, last = _num(m, "death_day"), _num(m, "last_contact_day")
    _against(log, t, death, "death_day", "death", start, end, best, relapse)
    _against(log, t, last, "last_contact_day", "last contact", start, end, best, relapse)


def _against(
    log: ProblemLog,
    t: str,
    limit: np.ndarray,
    column: str,
    word: str,
    start: np.ndarray,
    end: np.ndarray,
    best: np.ndarray,
    relapse: np.ndarray,
) -> None:
    """Death / last contact against the course's days: nothing of the course may come after it."""
    before_start = _lt(limit, start)
    log.add(
        t,
        before_start,
        column,
        _days(limit, start, word + " (day {a}) is before the start of this course (day {b})"),
    )
    before_end = _lt(limit, end) & ~before_start
    log.add(
        t,
        before_end,
        column,
        _days(limit, end, word + " (day {a}) is before the end of this course (day {b})"),
    )
    log.add(
        t,
        _lt(limit, best),
        "max_response_day",
        _days(best, limit, "maximum response (day {a}) is after " + word + " (day {b})"),
    )
    log.add(
        t,
        _lt(limit, relapse),
        "relapse_day",
        _days(relapse, limit, "relapse of pain (day {a}) is after " + word + " (day {b})"),
    )


def _dose_per_fraction(log: ProblemLog, c: pd.DataFrame) -> None:
    dose, fx = _num(c, "dose_gy"), _num(c, "fractions")
    with np.errstate(invalid="ignore", divide="ignore"):
        dpf = dose / fx
        high = (fx >= 1) & (dose > 0) & (dpf > DOSE_PER_FRACTION_GY_MAX)
    text = "{a} Gy per fraction is more than " + f"{DOSE_PER_FRACTION_GY_MAX:g} Gy"
    log.add("courses", high, "dose_gy", lambda rows: [text.format(a=f"{dpf[i]:.3g}") for i in rows])


def _assessment_rules(log: ProblemLog, a: pd.DataFrame, c: pd.DataFrame, p: pd.DataFrame) -> None:
    t = "assessments"
    m = a[["patient_id", "course_no"]].merge(
        c[["patient_id", "course_no"]].drop_duplicates(), how="left", indicator=True
    )
    known = a[["patient_id", "course_no"]].notna().all(axis=1).to_numpy()
    orphan = (m["_merge"] == "left_only").to_numpy() & known
    log.add(t, orphan, "course_no", "this patient has no course with this number", a["course_no"])
    key = a[["patient_id", "course_no", "assessment_no"]]
    dup = key.duplicated(keep="first").to_numpy() & key.notna().all(axis=1).to_numpy()
    log.add(t, dup, "assessment_no", "the same assessment number twice")
    day = _num(a, "day")
    early = _lt(day, np.full(len(a), float(EARLIEST_ASSESSMENT_DAY)))
    log.add(
        t,
        early,
        "day",
        _days(day, day, "the assessment (day {a}) is more than a year before RT start"),
    )
    pm = a[["patient_id"]].merge(
        p[["patient_id", "death_day", "last_contact_day"]].drop_duplicates("patient_id"), how="left"
    )
    death, last = _num(pm, "death_day"), _num(pm, "last_contact_day")
    log.add(
        t,
        _lt(death, day),
        "day",
        _days(day, death, "the assessment (day {a}) is after death (day {b})"),
    )
    log.add(
        t,
        _lt(last, day) & ~_lt(death, day),
        "day",
        _days(day, last, "the assessment (day {a}) is after the last contact (day {b})"),
    )
    drug = a["opioid_drug"].notna().to_numpy()
    for col in ("opioid_mg_per_day", "opioid_route"):
        log.add(
            t,
            a[col].notna().to_numpy() & ~drug,
            col,
            "an opioid dose or route without the opioid's name",
        )


def _keys(frames: OwnSeriesFrames) -> dict[str, np.ndarray]:
    """'patient P003, course 2' for each row: how a problem names its row without a file."""
    return {t: np.asarray(row_names(frames.table(t), t), dtype=object) for t in TABLES}
