"""Individual event times consistent with the aggregates Sanuki et al. 2022 publish.

The paper gives no per-patient dates, only aggregates (8 deaths, mean/range of time to death and of
follow-up, mean/range of relief in 7 patients, two relapses) and a few case narratives. This module

1. reads every published figure about time from ``published_times.csv`` (:func:`load_published_times`),
2. finds, by computation, the statements that cannot all be true together (:func:`find_conflicts`)
   and decides which one each conflict drops or relaxes,
3. draws individual times satisfying every kept statement exactly (:func:`reconstruct`,
   :func:`ensemble`), and
4. recomputes every statement from the drawn times (:func:`check_reconstruction`).

Time axis
    Days from the first fraction of the patient's first course (day 0, a Monday). Fractions are given
    one a day, Monday to Friday, without breaks, so n fractions started on a Monday end on day
    ``7 * ((n - 1) // 5) + (n - 1) % 5`` (13 -> day 16, 30 -> day 39, 33 -> day 44).
    "RT completion" is the last fraction of the patient's last course.

Conventions the paper does not state (PlexRT's assumptions, each shown in the checks):
    * time to death and follow-up are counted from RT completion (the shortest follow-up, 31 days,
      equals the shortest time to death, which it must if both run from the same origin);
    * maximal response is on day ``7 * weeks`` after the start of that course (NRS recorded weekly);
      for patient 1 relief is counted from the maximal response of the first course;
    * duration of relief runs from maximal response to relapse, or to death / last contact (censored);
    * a figure in months holds if it holds with 30-day months or with 365.25/12-day months
      (the paper's "6.8 months" for a mean of 205 days only works with 30-day months);
    * "assessable for duration of relief": the relapsing patients plus non-relapsing patients followed
      at least as long after maximal response as the shortest published relief (70 days); the
      non-assessable ones were followed for less than that;
    * the second course of patient 1 starts when the right-sided pain became pronounced, about
      10 days + 2 weeks = day 24 (flagged ``reconstructed``);
    * when two statements conflict, the one from the higher-ranked section wins:
      Table 1 > Results / Abstract / Methods / front matter > case presentation > Discussion.
      A narrative written after the data cut-off is relaxed rather than dropped when that removes the
      conflict.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

# -- vocabulary of published_times.csv ---------------------------------------------------------

COLUMNS = (
    "constraint_id",
    "kind",
    "quantity",
    "value",
    "unit",
    "applies_to",
    "rounding",
    "quote",
    "location",
)
KINDS = ("count", "mean", "min", "max", "median", "fact", "order")
UNITS = ("days", "weeks", "months", "patients", "fractions", "date", "")
ROUNDINGS = (
    "exact",
    "nearest day",
    "nearest week",
    "nearest month",
    "nearest 0.1 month",
    "approximate",
    "calendar month",
    "not applicable",
)
POPULATIONS = (
    "all patients",
    "deceased patients",
    "assessable patients",
    "assessable patients without relapse",
    "all sites",
    "series",
    "population not stated",
)
QUANTITIES = {
    "deaths": "deaths by the data cut-off",
    "death_after_completion": "time from RT completion to death",
    "followup": "follow-up from RT completion",
    "assessable_for_relief": "patients assessable for duration of relief",
    "relapses": "relapses of pain",
    "no_relapse": "assessable patients without relapse",
    "relapse_after_max_response": "relapse after maximal response",
    "relapse_after_completion": "relapse after RT completion",
    "relief_duration": "duration of pain relief",
    "weeks_to_max_response": "time from RT start to maximal response",
    "accrual_start": "start of accrual",
    "accrual_end": "end of accrual",
    "data_cutoff": "data cut-off",
    "review_start": "start of peer review (latest date the text can describe)",
    "supine_after_start": "able to lie supine after RT start",
    "right_pain_after_supine": "right-sided pain pronounced after lying supine",
    "fractions_delivered": "fractions delivered",
    "pain_free_after_completion": "free of pain after RT completion",
    "max_response_after_start": "pain resolved after RT start",
    "imaging_after_completion": "imaging after RT completion",
    "imaging_after_previous_imaging": "imaging after the previous imaging",
}
DATE_QUANTITIES = ("accrual_start", "accrual_end", "data_cutoff", "review_start")

# Section rank used to decide which of two conflicting statements is dropped (higher wins).
# Table 1 is the paper's structured record; the Results summarise the whole data set at the cut-off;
# a case narrative describes one patient, sometimes at a later date; the Discussion restates
# figures approximately ("about").
SECTION_PRIORITY = {
    "Table 1": 4,
    "Results": 3,
    "Abstract": 3,
    "Materials and methods": 3,
    "Front matter": 3,
    "Case presentation": 2,
    "Discussion": 1,
}
_LOCATION_RE = re.compile(
    r"^(Table 1|Abstract|Front matter|Results para \d+|Materials and methods para \d+|"
    r"Discussion para \d+|Case presentation:? Patient \d+)$"
)
_PATIENT_RE = re.compile(r"^patient (\w+)(?: \(([^)]+)\))?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")

# Month lengths in days: a figure in months holds if it holds under either.
MONTH_LENGTHS = (30.0, 365.25 / 12)
_BIG = 10**9  # stands in for "no bound" in integer arithmetic

SOURCE_VALUES = ("table1", "results_text", "case_narrative", "derived", "reconstructed")


@dataclass(frozen=True)
class Constraint:
    """One published figure or fact about time, as transcribed in ``published_times.csv``."""

    constraint_id: str
    kind: str
    quantity: str
    value: float | str | None
    unit: str
    applies_to: str
    rounding: str
    quote: str
    location: str

    @property
    def section(self) -> str:
        """The paper section of ``location`` ('Results', 'Case presentation', ...)."""
        for name in SECTION_PRIORITY:
            if self.location.startswith(name):
                return name
        raise ValueError(f"location {self.location!r} names no known section")

    @property
    def priority(self) -> int:
        """Rank of the section (higher wins a conflict)."""
        return SECTION_PRIORITY[self.section]

    @property
    def patient_id(self) -> str | None:
        """The patient a named fact is about (``applies_to = 'patient 8 (rectal cancer)'``)."""
        m = _PATIENT_RE.match(self.applies_to)
        return m.group(1) if m else None

    def cite(self) -> str:
        """Quote and location, for conflict reports."""
        return f'"{self.quote}" ({self.location})'


@dataclass(frozen=True)
class Conflict:
    """Two (groups of) published statements that cannot all hold, and what PlexRT does about it.

    ``dropped`` says in words which statement the reconstruction drops or relaxes and why;
    ``dropped_ids`` lists those constraint ids; ``resolution`` is 'dropped' or 'relaxed';
    ``relaxed_bounds`` holds the days-after-completion window used instead, for a relaxed fact.
    """

    conflict_id: str
    description: str
    source_a: str
    source_b: str
    dropped: str
    constraint_ids: tuple[str, ...]
    dropped_ids: tuple[str, ...]
    resolution: str = "dropped"
    relaxed_bounds: tuple[int, int] | None = None


@dataclass(eq=False)
class Reconstruction:
    """One set of individual times: ``patients`` (one row per patient), ``sites`` (one row per
    course), ``checks`` (every constraint recomputed), ``conflicts`` and the ``seed`` used."""

    patients: pd.DataFrame
    sites: pd.DataFrame
    checks: pd.DataFrame
    conflicts: list[Conflict]
    seed: int
    plan: _Plan = field(repr=False, compare=False)


# -- loading -------------------------------------------------------------------------------------


def _parse_date(text: str) -> tuple[date, date]:
    """First and last day of 'YYYY-MM' (a calendar month) or the day itself for 'YYYY-MM-DD'."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        d = date(parts[0], parts[1], parts[2])
        return d, d
    first = date(parts[0], parts[1], 1)
    nxt = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def _validate_row(rec: dict[str, str]) -> list[tuple[str, str]]:
    """Problems of one row as (column, message)."""
    bad: list[tuple[str, str]] = []
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", rec["constraint_id"]):
        bad.append(("constraint_id", "must be a non-empty identifier (letters, digits, _ . -)"))
    if rec["kind"] not in KINDS:
        bad.append(("kind", f"{rec['kind']!r} is not one of: {', '.join(KINDS)}"))
    if rec["quantity"] not in QUANTITIES:
        bad.append(("quantity", f"{rec['quantity']!r} is not one of: {', '.join(QUANTITIES)}"))
    if rec["unit"] not in UNITS:
        bad.append(
            ("unit", f"{rec['unit']!r} is not one of: {', '.join(u or '(empty)' for u in UNITS)}")
        )
    if rec["rounding"] not in ROUNDINGS:
        bad.append(("rounding", f"{rec['rounding']!r} is not one of: {', '.join(ROUNDINGS)}"))
    if rec["applies_to"] not in POPULATIONS and not _PATIENT_RE.match(rec["applies_to"]):
        bad.append(
            (
                "applies_to",
                f"{rec['applies_to']!r} is neither 'patient <id>' nor one of: {', '.join(POPULATIONS)}",
            )
        )
    if not rec["quote"]:
        bad.append(("quote", "is empty; every constraint needs the verbatim sentence"))
    if not _LOCATION_RE.match(rec["location"]):
        bad.append(
            (
                "location",
                f"{rec['location']!r} is not 'Abstract', 'Table 1', 'Front matter', "
                "'Results para N', 'Materials and methods para N', 'Discussion para N' or "
                "'Case presentation: Patient N'",
            )
        )
    raw, kind, unit = rec["value"], rec["kind"], rec["unit"]
    if kind == "order":
        if raw:
            bad.append(("value", "must be empty for an order constraint"))
    elif unit == "date":
        ok = bool(_DATE_RE.match(raw))
        if ok:
            try:
                _parse_date(raw)
            except ValueError:
                ok = False
        if not ok:
            bad.append(("value", f"{raw!r} is not a date (YYYY-MM or YYYY-MM-DD)"))
    else:
        try:
            v = float(raw)
        except ValueError:
            bad.append(("value", f"{raw!r} is not a number"))
        else:
            if not math.isfinite(v) or v < 0:
                bad.append(("value", f"{raw!r} must be a finite number >= 0"))
            elif kind == "count" and (v != int(v) or unit != "patients"):
                bad.append(("value", "a count must be a whole number of patients"))
    if kind in ("mean", "min", "max", "median") and unit not in ("days", "weeks", "months"):
        bad.append(("unit", f"a {kind} needs a time unit (days, weeks, months), got {unit!r}"))
    return bad


def constraint_from_record(rec: dict) -> Constraint:
    """A Constraint from one validated row (text cells, as in the CSV or the store)."""
    if rec["kind"] == "order":
        value: float | str | None = None
    elif rec["unit"] == "date":
        value = rec["value"]
    else:
        value = float(rec["value"])
    fields = (
        "constraint_id",
        "kind",
        "quantity",
        "unit",
        "applies_to",
        "rounding",
        "quote",
        "location",
    )
    return Constraint(**{k: rec[k] for k in fields}, value=value)


def load_published_times(path: str | Path) -> list[Constraint]:
    """Read and validate ``published_times.csv``; one :class:`Constraint` per row.

    Raises ValueError listing every problem with file, row (data rows count from 1; the line number
    in the file is one more), constraint id and column.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path: {path} does not exist or is not a file")
    problems: list[str] = []
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name}: not UTF-8 text ({exc.reason})") from exc
    if not rows:
        raise ValueError(f"{path.name}: file is empty (no header row)")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    extra = [h for h in header if h not in COLUMNS]
    if missing or extra:
        msg = [f"{path.name}, header, column '{c}': required column is missing" for c in missing]
        msg += [f"{path.name}, header, column '{c}': unknown column" for c in extra]
        raise ValueError("\n".join(msg))
    out: list[Constraint] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(rows[1:], start=1):
        if not any(cell.strip() for cell in raw):
            continue
        where = f"{path.name}, row {i} (line {i + 1})"
        if len(raw) != len(header):
            problems.append(f"{where}: has {len(raw)} fields, header has {len(header)}")
            continue
        rec = {h: raw[k].strip() for k, h in enumerate(header)}
        cid = rec["constraint_id"]
        where += f", constraint '{cid}'"
        bad = _validate_row(rec)
        if cid in seen:
            bad.append(("constraint_id", f"duplicate id (first in row {seen[cid]})"))
        seen.setdefault(cid, i)
        problems += [f"{where}, column '{col}': {msg}" for col, msg in bad]
        if bad:
            continue
        out.append(constraint_from_record(rec))
    if problems:
        head = f"{len(problems)} problem(s) in {path}:\n" if len(problems) > 1 else ""
        raise ValueError(head + "\n".join(problems))
    return out


# -- timeline derived from Table 1 -------------------------------------------------------------


def fraction_days(start_day: int, fractions: int) -> np.ndarray:
    """Days (from the patient's day 0, a Monday) of ``fractions`` daily fractions, Monday-Friday,
    starting on ``start_day``."""
    if fractions <= 0 or fractions != int(fractions):
        raise ValueError(f"fractions must be a positive whole number, got {fractions!r}")
    if start_day < 0 or start_day != int(start_day) or start_day % 7 >= 5:
        raise ValueError(f"start_day must be a weekday (day % 7 < 5), got {start_day!r}")
    days = np.arange(int(start_day), int(start_day) + 2 * int(fractions) + 7)
    return days[days % 7 < 5][: int(fractions)]


@dataclass(frozen=True)
class _Timeline:
    """Course and patient days that follow from Table 1 and the patient 1 narrative."""

    pids: tuple[str, ...]
    course_ids: tuple[str, ...]
    course_pids: tuple[str, ...]
    course_no: np.ndarray
    fractions: np.ndarray
    start: np.ndarray
    end: np.ndarray
    mr: np.ndarray
    start_source: tuple[str, ...]
    rt_end: np.ndarray  # per patient: last fraction of the last course
    mr_first: np.ndarray  # per patient: maximal response of the first course
    dose: tuple[float, ...]

    def index(self, pid: str) -> int:
        return self.pids.index(pid)

    @property
    def offset(self) -> np.ndarray:
        """RT completion minus maximal response: relief = time after completion + offset."""
        return self.rt_end - self.mr_first


def _frame(df, name: str, required: Sequence[str]) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    miss = [c for c in required if c not in df.columns]
    if miss:
        raise ValueError(f"{name} lacks column(s): {', '.join(miss)}")
    if df.empty:
        raise ValueError(f"{name} has no rows")
    return df


def _second_course_start(cons: Sequence[Constraint], pid: str, prev_end: int) -> int:
    """Start of a later course: the patient-1 narrative ('about 10 days' + 'two weeks later') if
    present, otherwise the Monday after the previous course; never before the previous course ends."""
    days = 0.0
    found = 0
    for c in cons:
        if c.patient_id == pid and c.quantity in ("supine_after_start", "right_pain_after_supine"):
            days += float(c.value) * (7 if c.unit == "weeks" else 1)
            found += 1
    start = int(round(days)) if found == 2 else prev_end + 1
    start = max(start, prev_end + 1)
    if found != 2:
        start += (7 - start % 7) % 7  # next Monday
    while start % 7 >= 5:  # a weekend day moves to Monday
        start += 1
    return start


def _timeline(courses: pd.DataFrame, cons: Sequence[Constraint]) -> _Timeline:
    df = _frame(
        courses,
        "courses",
        ("course_id", "patient_id", "course_no", "fractions", "weeks_to_max_response"),
    ).copy()
    df["patient_id"] = df["patient_id"].astype(str)
    df["course_id"] = df["course_id"].astype(str)
    for col in ("course_no", "fractions", "weeks_to_max_response"):
        v = pd.to_numeric(df[col], errors="coerce")
        if v.isna().any() or (v < 0).any() or (v != v.round()).any():
            raise ValueError(f"courses.{col} must hold whole numbers >= 0 in every row")
        df[col] = v.astype(int)
    if (df["fractions"] <= 0).any():
        raise ValueError("courses.fractions must be positive")
    df = df.sort_values(["patient_id", "course_no"], key=lambda s: s.map(_sort_key))
    pids: list[str] = []
    start, end, mr, src = [], [], [], []
    for pid, grp in df.groupby("patient_id", sort=False):
        pids.append(pid)
        prev_end = None
        for row in grp.itertuples():
            if prev_end is None:
                s, source = 0, "derived"
            else:
                s, source = _second_course_start(cons, pid, prev_end), "reconstructed"
            days = fraction_days(s, row.fractions)
            start.append(s)
            end.append(int(days[-1]))
            mr.append(s + 7 * row.weeks_to_max_response)
            src.append(source)
            prev_end = int(days[-1])
    course_pids = tuple(df["patient_id"])
    start_a, end_a, mr_a = np.array(start), np.array(end), np.array(mr)
    rt_end = np.array([end_a[[p == q for q in course_pids]].max() for p in pids])
    mr_first = np.array([mr_a[[p == q for q in course_pids]][0] for p in pids])
    dose = tuple(float(x) for x in df["dose_gy"]) if "dose_gy" in df else (math.nan,) * len(df)
    return _Timeline(
        pids=tuple(pids),
        course_ids=tuple(df["course_id"]),
        course_pids=course_pids,
        course_no=df["course_no"].to_numpy(),
        fractions=df["fractions"].to_numpy(),
        start=start_a,
        end=end_a,
        mr=mr_a,
        start_source=tuple(src),
        rt_end=rt_end,
        mr_first=mr_first,
        dose=dose,
    )


def _sort_key(x):
    s = str(x)
    return (0, int(s)) if s.isdigit() else (1, s)


# -- rounding windows ----------------------------------------------------------------------------


def _step(c: Constraint) -> float:
    """Width of the rounding step in the constraint's unit (0 = exact)."""
    if c.rounding == "nearest 0.1 month":
        return 0.1
    if c.rounding in ("nearest day", "nearest week", "nearest month", "approximate"):
        return 1.0
    return 0.0


def _unit_days(unit: str, month_lengths: Sequence[float] = MONTH_LENGTHS) -> tuple[float, ...]:
    if unit == "months":
        return tuple(month_lengths)
    return (7.0,) if unit == "weeks" else (1.0,)


def _int_window(c: Constraint, month_lengths: Sequence[float] = MONTH_LENGTHS) -> tuple[int, int]:
    """Whole days d for which "d days" is reported as ``c.value`` under the rounding (any month
    length): half-up rounding, so v rounds from [v - step/2, v + step/2)."""
    v, step = float(c.value), _step(c)
    if c.unit == "days" and c.rounding in ("nearest day", "exact"):
        return int(round(v)), int(round(v))
    los, his = [], []
    for length in _unit_days(c.unit, month_lengths):
        if step == 0:
            los.append(math.ceil(v * length))
            his.append(math.floor(v * length))
        else:
            los.append(math.ceil((v - step / 2) * length))
            his.append(math.ceil((v + step / 2) * length) - 1)
    return min(los), max(his)


def _real_window(
    c: Constraint, month_lengths: Sequence[float] = MONTH_LENGTHS
) -> tuple[float, float, bool]:
    """Interval of a real quantity (a mean or median, in days) reported as ``c.value``:
    (low, high, high_included)."""
    v, step = float(c.value), _step(c)
    lengths = _unit_days(c.unit, month_lengths)
    if step == 0:
        return min(v * x for x in lengths), max(v * x for x in lengths), True
    return (
        min((v - step / 2) * x for x in lengths),
        max((v + step / 2) * x for x in lengths),
        False,
    )


def _in_real(x: float, w: tuple[float, float, bool]) -> bool:
    lo, hi, closed = w
    eps = 1e-9
    return lo - eps <= x <= hi + eps if closed else lo - eps <= x < hi - eps


def _sum_window(w: tuple[float, float, bool], n: int) -> tuple[int, int]:
    """Whole-number sums of n values whose mean lies in the real window w."""
    lo, hi, closed = w
    s_lo = math.ceil(n * lo - 1e-9)
    s_hi = math.floor(n * hi + 1e-9) if closed else math.ceil(n * hi - 1e-9) - 1
    return s_lo, s_hi


def _fmt_days(w: tuple[int, int]) -> str:
    return f"{w[0]} days" if w[0] == w[1] else f"{w[0]}-{w[1]} days"


def _fmt_real(w: tuple[float, float, bool], unit: str = "days") -> str:
    return f"[{w[0]:.2f}, {w[1]:.2f}{']' if w[2] else ')'} {unit}"


# -- summaries of one published group ----------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    """Published summary of n whole-day values: bounds, attained extremes, range of the sum."""

    n: int | None
    lo: int
    hi: int
    lo_attained: bool
    hi_attained: bool
    sum_lo: int
    sum_hi: int
    ids: tuple[str, ...]


def _find(cons: Iterable[Constraint], **attrs) -> list[Constraint]:
    return [c for c in cons if all(getattr(c, k) == v for k, v in attrs.items())]


def _count(cons: Sequence[Constraint], quantity: str) -> int | None:
    found = _find(cons, kind="count", quantity=quantity)
    if not found:
        return None
    best = max(found, key=lambda c: c.priority)
    return int(best.value)


def _population_size(cons: Sequence[Constraint], tl: _Timeline, population: str) -> int | None:
    if population == "all patients":
        return len(tl.pids)
    if population == "all sites":
        return len(tl.course_ids)
    if population == "deceased patients":
        return _count(cons, "deaths")
    if population == "assessable patients":
        return _count(cons, "assessable_for_relief")
    if population == "assessable patients without relapse":
        n = _count(cons, "no_relapse")
        if n is None:
            a, r = _count(cons, "assessable_for_relief"), _count(cons, "relapses")
            n = None if a is None or r is None else a - r
        return n
    return None


def _group(cons: Sequence[Constraint], tl: _Timeline, quantity: str, population: str) -> _Group:
    """Bounds and sum window of the published (kept) mean/min/max of one quantity and population."""
    n = _population_size(cons, tl, population)
    lo, hi, lo_att, hi_att, ids = 0, _BIG, False, False, []
    s_lo, s_hi = -_BIG, _BIG
    for c in cons:
        if c.quantity != quantity or c.applies_to != population:
            continue
        if c.kind == "min":
            lo, lo_att = _int_window(c)[0], True
            ids.append(c.constraint_id)
        elif c.kind == "max":
            hi, hi_att = _int_window(c)[1], True
            ids.append(c.constraint_id)
        elif c.kind == "mean" and n:
            s_lo, s_hi = _sum_window(_real_window(c), n)
            ids.append(c.constraint_id)
    return _Group(n, lo, hi, lo_att, hi_att, s_lo, s_hi, tuple(ids))


def _order_stat_range(
    g: _Group, extras: Sequence[tuple[int, int]], k: int
) -> tuple[int, int] | None:
    """Smallest and largest possible k-th smallest value (0-based) of the g.n group values (whole
    numbers in [lo, hi], lo and hi attained, sum in [sum_lo, sum_hi]) together with extra values each
    free within its own interval. None if no value is possible."""
    n = g.n or 0
    total = n + len(extras)
    if n < 2 or not 0 <= k < total:
        return None
    lows = [g.lo, *(a for a, _ in extras)]
    highs = [g.hi, *(b for _, b in extras)]

    def can_reach_at_least(m: int) -> bool:
        # at least total - k values must be >= m
        need = total - k - sum(b >= m for _, b in extras)
        if need <= 0:
            return True
        if m <= g.lo:
            return need <= n
        if g.hi < m or need > n - 1:
            return False
        return g.hi + (need - 1) * m + (n - need) * g.lo <= g.sum_hi

    def can_reach_at_most(m: int) -> bool:
        # at least k + 1 values must be <= m
        need = k + 1 - sum(a <= m for a, _ in extras)
        if need <= 0:
            return True
        if m >= g.hi:
            return need <= n
        if g.lo > m or need > n - 1:
            return False
        return g.lo + (need - 1) * m + (n - need) * g.hi >= g.sum_lo

    cands = range(min(lows), max(highs) + 1)
    ups = [m for m in cands if can_reach_at_least(m)]
    downs = [m for m in cands if can_reach_at_most(m)]
    if not ups or not downs:
        return None
    return min(downs), max(ups)


def _median_range(g: _Group, extras: Sequence[tuple[int, int]]) -> tuple[float, float] | None:
    total = (g.n or 0) + len(extras)
    if total % 2:
        return _order_stat_range(g, extras, total // 2)
    a, b = _order_stat_range(g, extras, total // 2 - 1), _order_stat_range(g, extras, total // 2)
    if a is None or b is None:
        return None
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def _mean_range(g: _Group, extras: Sequence[tuple[int, int]]) -> tuple[float, float]:
    total = (g.n or 0) + len(extras)
    s_lo = max(g.sum_lo, (g.n or 0) * g.lo)
    s_hi = min(g.sum_hi, (g.n or 0) * g.hi)
    return (
        (s_lo + sum(a for a, _ in extras)) / total,
        (s_hi + sum(b for _, b in extras)) / total,
    )


def _overlaps(r: tuple[float, float], w: tuple[float, float, bool]) -> bool:
    lo, hi, closed = w
    return r[1] >= lo - 1e-9 and (r[0] <= hi + 1e-9 if closed else r[0] < hi - 1e-9)


# -- conflict analysis -------------------------------------------------------------------------


def _resolve(a: Constraint, b: Constraint) -> Constraint:
    """The statement to drop: the one from the lower-ranked section (b on a tie)."""
    return a if a.priority < b.priority else b


def _why(drop: Constraint, keep: Constraint) -> str:
    return (
        f"{drop.constraint_id} ({drop.section}) is dropped; {keep.constraint_id} ({keep.section}) "
        f"is kept because {keep.section} outranks {drop.section} "
        "(Table 1 > Results/Abstract/Methods > case presentation > Discussion)."
    )


def _conflict(
    desc: str, a: Constraint | str, b: Constraint | str, drop: Constraint, keep: Constraint, ids
) -> Conflict:
    return Conflict(
        conflict_id="",
        description=desc,
        source_a=a.cite() if isinstance(a, Constraint) else a,
        source_b=b.cite() if isinstance(b, Constraint) else b,
        dropped=_why(drop, keep),
        constraint_ids=tuple(dict.fromkeys(ids)),
        dropped_ids=(drop.constraint_id,),
    )


def _table1_quote(tl: _Timeline, i: int) -> str:
    dose = tl.dose[i]
    dose_txt = f"{dose:g}/{tl.fractions[i]}" if math.isfinite(dose) else f"{tl.fractions[i]}"
    weeks = int((tl.mr[i] - tl.start[i]) // 7)
    return (
        f"Patient {tl.course_pids[i]}: Dose (Grey)/number of fractions {dose_txt}; "
        f"Weeks to maximum response {weeks}"
    )


def _table1_constraint(tl: _Timeline, i: int) -> Constraint:
    return Constraint(
        f"table1_{tl.course_ids[i]}", "fact", "fractions_delivered", float(tl.fractions[i]),
        "fractions", f"patient {tl.course_pids[i]}", "exact", _table1_quote(tl, i), "Table 1",
    )  # fmt: skip


def _conflicts_table1(cons: Sequence[Constraint], tl: _Timeline) -> list[Conflict]:
    """Narrative fraction counts and response times against Table 1."""
    out = []
    for c in cons:
        pid = c.patient_id
        if pid is None or c.quantity not in ("fractions_delivered", "max_response_after_start"):
            continue
        rows = [i for i, p in enumerate(tl.course_pids) if p == pid]
        if not rows:
            raise ValueError(f"constraint {c.constraint_id}: patient {pid} has no course")
        i = rows[0]
        t1 = _table1_constraint(tl, i)
        if c.quantity == "fractions_delivered":
            if int(c.value) == tl.fractions[i]:
                continue
            end_narr = int(fraction_days(int(tl.start[i]), int(c.value))[-1])
            desc = (
                f"Patient {pid}: Table 1 gives {tl.fractions[i]} fractions (RT completion on day "
                f"{tl.end[i]}); the case narrative says RT stopped after {int(c.value)} fractions "
                f"(completion on day {end_narr}). Every time 'after completion' moves by "
                f"{tl.end[i] - end_narr} days with the reading chosen."
            )
        else:
            lo, hi = _int_window(c)
            got = int(tl.mr[i] - tl.start[i])
            if lo <= got <= hi:
                continue
            desc = (
                f"Patient {pid}: Table 1 puts maximal response {got} days after RT start; the case "
                f"narrative says {_fmt_days((lo, hi))}."
            )
        drop = _resolve(t1, c)
        keep = c if drop is t1 else t1
        out.append(_conflict(desc, t1, c, drop, keep, (t1.constraint_id, c.constraint_id)))
    return out


def _conflicts_counts(cons: Sequence[Constraint]) -> list[Conflict]:
    """Counts that must agree: named relapsers vs the relapse count; 9 = relapsing + not."""
    out = []
    named = sorted(
        {
            c.patient_id
            for c in cons
            if c.kind == "fact" and c.quantity.startswith("relapse_after") and c.patient_id
        }
    )
    facts = [c for c in cons if c.kind == "fact" and c.quantity.startswith("relapse_after")]
    for c in _find(cons, kind="count", quantity="relapses"):
        if named and int(c.value) != len(named):
            other = facts[0]
            drop = _resolve(c, other)
            keep = other if drop is c else c
            desc = (
                f"{int(c.value)} relapses are reported but relapse times are given for "
                f"{len(named)} named patients ({', '.join(named)})."
            )
            out.append(
                _conflict(desc, c, other, drop, keep, (c.constraint_id, other.constraint_id))
            )
    a = _find(cons, kind="count", quantity="assessable_for_relief")
    r = _find(cons, kind="count", quantity="relapses")
    nr = _find(cons, kind="count", quantity="no_relapse")
    if a and r and nr and int(a[0].value) != int(r[0].value) + int(nr[0].value):
        drop = _resolve(a[0], nr[0])
        keep = nr[0] if drop is a[0] else a[0]
        desc = (
            f"{int(a[0].value)} assessable patients but {int(r[0].value)} relapsing + "
            f"{int(nr[0].value)} non-relapsing = {int(r[0].value) + int(nr[0].value)}."
        )
        ids = (a[0].constraint_id, r[0].constraint_id, nr[0].constraint_id)
        out.append(_conflict(desc, a[0], nr[0], drop, keep, ids))
    return out


def _conflicts_summaries(cons: Sequence[Constraint], tl: _Timeline) -> list[Conflict]:
    """Each published mean/min/max triple must be possible for its n values; Table 1 weeks must
    reproduce the published mean/range; deaths are part of follow-up."""
    out = []
    groups = {(c.quantity, c.applies_to) for c in cons if c.kind in ("mean", "min", "max")}
    for quantity, pop in sorted(groups):
        if pop == "population not stated":
            continue
        members = [
            c
            for c in cons
            if c.quantity == quantity and c.applies_to == pop and c.kind in ("mean", "min", "max")
        ]
        g = _group(cons, tl, quantity, pop)
        if quantity == "weeks_to_max_response" and pop == "all sites":
            days = tl.mr - tl.start
            for c in members:
                got = {"mean": days.mean(), "min": days.min(), "max": days.max()}[c.kind]
                ok = (
                    _in_real(got, _real_window(c))
                    if c.kind == "mean"
                    else _int_window(c)[0] <= got <= _int_window(c)[1]
                )
                if not ok:
                    t1 = Constraint(
                        "table1_weeks", "fact", quantity, got / 7, "weeks", pop, "exact",
                        "Weeks to maximum response (Table 1)", "Table 1",
                    )  # fmt: skip
                    desc = (
                        f"Table 1 gives a {c.kind} of {got / 7:.2f} weeks to maximal response; the "
                        f"text says {c.value:g} weeks."
                    )
                    drop = _resolve(t1, c)
                    keep = c if drop is t1 else t1
                    out.append(_conflict(desc, t1, c, drop, keep, (c.constraint_id,)))
            continue
        if not g.n or len(members) < 2:
            continue
        n = g.n
        possible_lo = g.lo * (n - 1) + (g.hi if g.hi_attained else g.lo)
        possible_hi = g.hi * (n - 1) + (g.lo if g.lo_attained else g.hi)
        if g.lo > g.hi or possible_lo > g.sum_hi or possible_hi < g.sum_lo:
            a, b = members[0], members[-1]
            desc = (
                f"{QUANTITIES[quantity]} ({pop}, n = {n}): a sum of {g.sum_lo}-{g.sum_hi} days is "
                f"needed for the mean but {possible_lo}-{possible_hi} days is all the range allows."
            )
            drop = _resolve(a, b)
            keep = b if drop is a else a
            out.append(_conflict(desc, a, b, drop, keep, [c.constraint_id for c in members]))
    # deaths are follow-up times too (both counted from RT completion)
    d = _group(cons, tl, "death_after_completion", "deceased patients")
    f = _group(cons, tl, "followup", "all patients")
    for kind, bad in (("min", d.lo_attained and f.lo_attained and d.lo < f.lo),
                      ("max", d.hi_attained and f.hi_attained and d.hi > f.hi)):  # fmt: skip
        if bad:
            a = _find(cons, kind=kind, quantity="death_after_completion")[0]
            b = _find(cons, kind=kind, quantity="followup")[0]
            desc = f"The {kind} time to death lies outside the range of follow-up."
            drop = _resolve(a, b)
            keep = b if drop is a else a
            out.append(_conflict(desc, a, b, drop, keep, (a.constraint_id, b.constraint_id)))
    return out


def _relapse_window(c: Constraint, tl: _Timeline) -> tuple[int, int]:
    """Days from first RT start on which a relapse fact puts the relapse."""
    i = tl.index(c.patient_id)
    lo, hi = _int_window(c)
    base = tl.mr_first[i] if c.quantity == "relapse_after_max_response" else tl.rt_end[i]
    return int(base + lo), int(base + hi)


def _order_floor(orders: Sequence[Constraint], tl: _Timeline, i: int) -> tuple[int, list[str]]:
    """Earliest relapse day allowed by the order constraints for patient index i."""
    floor, ids = 0, []
    for o in orders:
        if o.quantity == "relapse_after_max_response":
            floor = max(floor, int(tl.mr_first[i]) + 1)
            ids.append(o.constraint_id)
        elif o.quantity == "relapse_after_completion":
            floor = max(floor, int(tl.rt_end[i]) + 1)
            ids.append(o.constraint_id)
    return floor, ids


def _conflicts_relapse_timing(cons: Sequence[Constraint], tl: _Timeline) -> list[Conflict]:
    """For each named patient, every pair of relapse-time statements (and the order rules) must
    leave at least one possible day."""
    out = []
    orders = _find(cons, kind="order")
    facts = [c for c in cons if c.kind == "fact" and c.quantity.startswith("relapse_after")]
    for pid in dict.fromkeys(c.patient_id for c in facts):
        mine = [c for c in facts if c.patient_id == pid]
        i = tl.index(pid)
        floor, order_ids = _order_floor(orders, tl, i)
        for c in mine:
            lo, hi = _relapse_window(c, tl)
            if max(lo, floor) > hi:
                o = orders[0]
                desc = (
                    f"Patient {pid}: {c.constraint_id} puts the relapse on days {lo}-{hi}, but it "
                    f"must follow maximal response (day {tl.mr_first[i]}) and RT completion "
                    f"(day {tl.rt_end[i]})."
                )
                drop = _resolve(c, o)
                keep = o if drop is c else c
                out.append(_conflict(desc, c, o, drop, keep, (c.constraint_id, *order_ids)))
        for j, a in enumerate(mine):
            for b in mine[j + 1 :]:
                wa, wb = _relapse_window(a, tl), _relapse_window(b, tl)
                if max(wa[0], wb[0], floor) <= min(wa[1], wb[1]):
                    continue
                mr, end = int(tl.mr_first[i]), int(tl.rt_end[i])
                desc = (
                    f"Patient {pid}: {a.constraint_id} ({a.value:g} {a.unit} after "
                    f"{'maximal response' if a.quantity.endswith('max_response') else 'RT completion'}"
                    f") puts the relapse on days {wa[0]}-{wa[1]} after RT start; {b.constraint_id} "
                    f"({b.value:g} {b.unit} after "
                    f"{'maximal response' if b.quantity.endswith('max_response') else 'RT completion'}"
                    f") puts it on days {wb[0]}-{wb[1]}. Maximal response was on day {mr} (Table 1) "
                    f"and RT ended on day {end}, so the second reading is {wb[0] - mr}-{wb[1] - mr} "
                    f"days ({(wb[0] - mr) / 30.4375:.1f}-{(wb[1] - mr) / 30.4375:.1f} months) after "
                    "maximal response. The windows do not overlap."
                )
                # Would the other relapsing patient's figure (the 'respectively' swapped) fit?
                alts = [
                    c
                    for c in facts
                    if c.patient_id != pid and c.quote == a.quote and c.quantity == a.quantity
                ]
                for alt in alts:
                    moved = replace(alt, applies_to=f"patient {pid}")
                    wm = _relapse_window(moved, tl)
                    fits = max(wm[0], wb[0], floor) <= min(wm[1], wb[1])
                    desc += (
                        f" Swapping the figures between patients ({alt.value:g} {alt.unit} for "
                        f"patient {pid}: days {wm[0]}-{wm[1]}) "
                        f"{'would remove' if fits else 'does not remove'} the conflict."
                    )
                drop = _resolve(a, b)
                keep = b if drop is a else a
                out.append(_conflict(desc, a, b, drop, keep, (a.constraint_id, b.constraint_id)))
    return out


def _cutoff_dates(cons: Sequence[Constraint]) -> dict[str, tuple[date, date]]:
    return {c.quantity: _parse_date(str(c.value)) for c in cons if c.quantity in DATE_QUANTITIES}


def _span_days(cons: Sequence[Constraint]) -> int | None:
    """Longest possible time from a first RT to the data cut-off (latest cut-off minus earliest
    accrual)."""
    d = _cutoff_dates(cons)
    if "data_cutoff" not in d or "accrual_start" not in d:
        return None
    return (d["data_cutoff"][1] - d["accrual_start"][0]).days


def _writing_gap(cons: Sequence[Constraint]) -> int | None:
    """Longest possible time between the data cut-off and the latest date the text can describe
    (review start)."""
    d = _cutoff_dates(cons)
    if "data_cutoff" not in d or "review_start" not in d:
        return None
    return (d["review_start"][1] - d["data_cutoff"][0]).days


def _conflicts_pain_free(cons: Sequence[Constraint], tl: _Timeline) -> list[Conflict]:
    """A patient pain-free X months after completion must fit the longest relief, the longest
    follow-up and the study period. If it does not, read it as written after the cut-off (present
    tense, up to the review start) and relax it when that removes the conflict."""
    out = []
    relief = _group(cons, tl, "relief_duration", "assessable patients without relapse")
    fu = _group(cons, tl, "followup", "all patients")
    span, gap = _span_days(cons), _writing_gap(cons)
    relief_max = _find(cons, kind="max", quantity="relief_duration")
    fu_max = _find(cons, kind="max", quantity="followup")
    cutoff = [c for c in cons if c.quantity == "data_cutoff"]
    for c in _find(cons, kind="fact", quantity="pain_free_after_completion"):
        i = tl.index(c.patient_id)
        a, b = _int_window(c)
        off, end = int(tl.offset[i]), int(tl.rt_end[i])
        limits = []  # (words, largest admissible days after completion, constraint)
        if relief_max:
            limits.append((f"the longest relief among the non-relapsing patients ({relief.hi} "
                           "days of relief", relief.hi - off, relief_max[0]))  # fmt: skip
        if fu_max:
            limits.append((f"the longest follow-up ({fu.hi} days", fu.hi, fu_max[0]))
        if span is not None and cutoff:
            limits.append((f"the study period ({span} days from the start of accrual to the end "
                           "of the cut-off month", span - end, cutoff[0]))  # fmt: skip
        notes = [
            f"Patient {c.patient_id}: free of pain {_fmt_days((a, b))} after RT completion (day "
            f"{end}) means follow-up of at least {a} days and relief of at least {a + off} days "
            f"after maximal response (day {tl.mr_first[i]})."
        ]
        broken = []
        for name, limit, src in limits:
            fits = a <= limit
            notes.append(
                f"That {'fits' if fits else 'does not fit'} {name}, i.e. at most {limit} days "
                f"after completion; {src.constraint_id})."
            )
            if not fits:
                broken.append(src)
        if not broken:
            continue
        if relief_max and relief_max[0] in broken and relief.lo_attained:
            notes.append(
                "Under PlexRT's assessability rule the patient cannot be one of the non-assessable "
                f"patients either (they were followed for less than {relief.lo} days after maximal "
                "response)."
            )
        other = broken[0]
        ids = (c.constraint_id, *(x.constraint_id for x in broken))
        lo2 = None if gap is None else max(a - gap, fu.lo if fu.lo_attained else 0)
        if lo2 is not None and all(lo2 <= min(b, limit) for _, limit, _ in limits):
            hi2 = min([b, *(limit for _, limit, _ in limits)])
            out.append(
                Conflict(
                    conflict_id="",
                    description=" ".join(notes),
                    source_a=c.cite(),
                    source_b=other.cite(),
                    dropped=(
                        f"{c.constraint_id} is relaxed, not dropped: the sentence is in the present "
                        f"tense, so it describes the time of writing, which can be up to {gap} days "
                        "after the data cut-off (start of the cut-off month to the review start). "
                        "At the cut-off the patient was alive and free of relapse with "
                        f"{lo2}-{b} days of follow-up after completion (with the kept ranges: "
                        f"{lo2}-{hi2}); {', '.join(x.constraint_id for x in broken)} kept."
                    ),
                    constraint_ids=ids,
                    dropped_ids=(c.constraint_id,),
                    resolution="relaxed",
                    relaxed_bounds=(lo2, b),
                )
            )
        else:
            drop = _resolve(c, other)
            keep = other if drop is c else c
            out.append(_conflict(" ".join(notes), c, other, drop, keep, ids))
    return out


def _relapse_extras(cons: Sequence[Constraint], tl: _Timeline) -> list[tuple[int, int]]:
    """Relief of each relapsing patient (days from maximal response), one window per patient, from
    the statements relative to maximal response."""
    out = {}
    for c in _find(cons, kind="fact", quantity="relapse_after_max_response"):
        out.setdefault(c.patient_id, _int_window(c))
    return list(out.values())


def _candidate_populations(cons, tl) -> dict[str, tuple[_Group, list[tuple[int, int]]]]:
    base = _group(cons, tl, "relief_duration", "assessable patients without relapse")
    return {
        "assessable patients without relapse": (base, []),
        "assessable patients": (base, _relapse_extras(cons, tl)),
    }


def _discussion_fit(
    c: Constraint, cons: Sequence[Constraint], tl: _Timeline
) -> tuple[list[tuple[str, float]], dict[str, tuple[float, float] | None]]:
    """(population, month length) readings under which a relief figure of unstated population is
    possible, and the achievable range (days) for each population."""
    fits, ranges = [], {}
    for pop, (g, extras) in _candidate_populations(cons, tl).items():
        if not g.n:
            continue
        r = _median_range(g, extras) if c.kind == "median" else _mean_range(g, extras)
        ranges[pop] = r
        for length in MONTH_LENGTHS if c.unit == "months" else (1.0,):
            if r is not None and _overlaps(r, _real_window(c, (length,))):
                fits.append((pop, length))
    return fits, ranges


def _conflicts_discussion(cons: Sequence[Constraint], tl: _Timeline) -> list[Conflict]:
    """Relief figures whose population is not stated (Discussion) against the Results summary,
    over every plausible population and month length."""
    out = []
    base = _group(cons, tl, "relief_duration", "assessable patients without relapse")
    base_cons = [
        c
        for c in cons
        if c.quantity == "relief_duration" and c.applies_to == "assessable patients without relapse"
    ]
    if not base_cons or not base.n:
        return out
    for c in cons:
        if c.quantity != "relief_duration" or c.applies_to != "population not stated":
            continue
        if c.kind not in ("mean", "median"):
            continue
        fits, ranges = _discussion_fit(c, cons, tl)
        if fits:
            continue
        w = _real_window(c)
        parts = [
            f"A {c.kind} duration of relief of {c.value:g} {c.unit} means {w[0]:.1f}-{w[1]:.1f} days "
            f"(30- or 30.44-day months). "
        ]
        for pop, r in ranges.items():
            n = (base.n or 0) + (
                len(_relapse_extras(cons, tl)) if pop == "assessable patients" else 0
            )
            rng = "no value" if r is None else f"{r[0]:.0f}-{r[1]:.0f} days"
            parts.append(f"Over the {n} {pop}, the {c.kind} can only be {rng}")
            if pop == "assessable patients without relapse" and c.kind == "median":
                k = (base.n - 1) // 2
                parts.append(
                    f" (with mean {_find(base_cons, kind='mean')[0].value:g} days the sum is at most "
                    f"{base.sum_hi}; {k} values at the minimum {base.lo}, the median m and {k - 1} "
                    f"more at m, and the maximum {base.hi}: {k}*{base.lo} + {k}*m + {base.hi} <= "
                    f"{base.sum_hi} gives m <= {(base.sum_hi - k * base.lo - base.hi) // k})"
                )
            parts.append(". ")
        # the pair read the other way round ("median or mean ... x or y, respectively")
        twins = [
            t for t in cons if t is not c and t.quote == c.quote and t.applies_to == c.applies_to
        ]
        for t in twins:
            swapped_c = replace(c, kind=t.kind)
            swapped_t = replace(t, kind=c.kind)
            ok = bool(_discussion_fit(swapped_c, cons, tl)[0]) and bool(
                _discussion_fit(swapped_t, cons, tl)[0]
            )
            parts.append(
                f"Reading the pair the other way round ({t.kind} {c.value:g}, {c.kind} {t.value:g} "
                f"{c.unit}) {'would fit' if ok else 'does not fit either'}."
            )
        other = _find(base_cons, kind="mean")[0] if _find(base_cons, kind="mean") else base_cons[0]
        drop = _resolve(c, other)
        keep = other if drop is c else c
        ids = (c.constraint_id, *(b.constraint_id for b in base_cons))
        out.append(_conflict("".join(parts).strip(), c, other, drop, keep, ids))
    return out


def _as_constraints(constraints) -> tuple[Constraint, ...]:
    if isinstance(constraints, str | Path):
        return tuple(load_published_times(constraints))
    try:
        cons = tuple(constraints)
    except TypeError:
        raise ValueError("constraints must be a list of Constraint or a path") from None
    if not all(isinstance(c, Constraint) for c in cons):
        raise ValueError("constraints must hold Constraint objects only")
    ids = [c.constraint_id for c in cons]
    if len(set(ids)) != len(ids):
        raise ValueError("constraints: constraint ids must be unique")
    return cons


def _check_named(cons: Sequence[Constraint], tl: _Timeline, patients: pd.DataFrame | None) -> None:
    """Every named patient exists; a cancer named in brackets matches patients.primary_cancer."""
    cancers = {}
    if patients is not None:
        p = _frame(patients, "patients", ("patient_id",))
        if "primary_cancer" in p:
            cancers = dict(
                zip(p["patient_id"].astype(str), p["primary_cancer"].astype(str), strict=True)
            )
    for c in cons:
        m = _PATIENT_RE.match(c.applies_to)
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
    cons = _as_constraints(constraints)
    tl = _timeline(courses, cons)
    _check_named(cons, tl, patients)
    found = (
        _conflicts_table1(cons, tl)
        + _conflicts_counts(cons)
        + _conflicts_summaries(cons, tl)
        + _conflicts_relapse_timing(cons, tl)
        + _conflicts_pain_free(cons, tl)
        + _conflicts_discussion(cons, tl)
    )
    return [replace(k, conflict_id=f"K{i}") for i, k in enumerate(found, start=1)]


# -- the plan: kept constraints turned into bounds -------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    constraints: tuple[Constraint, ...]
    tl: _Timeline
    conflicts: tuple[Conflict, ...]
    dropped: frozenset[str]
    relaxed: dict[str, tuple[int, int]]
    readings: dict[str, tuple[str, float]]  # Discussion figure -> (population, month length)
    n_dead: int
    dead: _Group
    fu: _Group
    relief: _Group
    n_norel: int
    relapsers: tuple[int, ...]  # patient indices
    relapse_win: dict[int, tuple[int, int]]  # absolute days
    t_bounds: dict[int, tuple[int, int]]  # days after completion, from named facts
    must_alive: frozenset[int]
    span: int | None
    # kept relief figures the constructive step does not build in (medians, Discussion figures):
    # (kind, include relapsing patients?, real window in days), enforced by rejection
    relief_extra: tuple[tuple[str, bool, tuple[float, float, bool]], ...] = ()

    @property
    def kept(self) -> tuple[Constraint, ...]:
        return tuple(c for c in self.constraints if c.constraint_id not in self.dropped)


def _plan(courses, patients, constraints) -> _Plan:
    cons = _as_constraints(constraints)
    tl = _timeline(courses, cons)
    p = _frame(patients, "patients", ("patient_id",))
    if sorted(p["patient_id"].astype(str), key=_sort_key) != sorted(tl.pids, key=_sort_key):
        raise ValueError("patients and courses must list the same patient ids")
    _check_named(cons, tl, p)
    conflicts = find_conflicts(cons, courses, p)
    dropped = frozenset(
        cid for k in conflicts if k.resolution == "dropped" for cid in k.dropped_ids
    )
    relaxed = {
        cid: k.relaxed_bounds
        for k in conflicts
        if k.resolution == "relaxed"
        for cid in k.dropped_ids
    }
    kept = tuple(c for c in cons if c.constraint_id not in dropped)
    readings = {}
    for c in kept:
        if c.applies_to == "population not stated":
            fits, _ = _discussion_fit(c, kept, tl)
            readings[c.constraint_id] = fits[0]
    n_dead = _count(kept, "deaths")
    n_assess = _count(kept, "assessable_for_relief")
    if n_dead is None or n_assess is None:
        raise ValueError("constraints must include the count of deaths and of assessable patients")
    facts = [c for c in kept if c.kind == "fact"]
    orders = _find(kept, kind="order")
    relapsers = tuple(
        dict.fromkeys(
            tl.index(c.patient_id) for c in facts if c.quantity.startswith("relapse_after")
        )
    )
    n_rel = _count(kept, "relapses")
    if n_rel is not None and n_rel != len(relapsers):
        raise ValueError(
            f"the kept constraints report {n_rel} relapses but name {len(relapsers)} relapsing "
            "patients; unnamed relapsers are not supported"
        )
    relapse_win = {}
    for i in relapsers:
        lo, _ = _order_floor(orders, tl, i)
        hi = _BIG
        for c in facts:
            if c.quantity.startswith("relapse_after") and c.patient_id == tl.pids[i]:
                a, b = _relapse_window(c, tl)
                lo, hi = max(lo, a), min(hi, b)
        relapse_win[i] = (lo, hi)
    t_bounds: dict[int, tuple[int, int]] = {}
    must_alive = set()

    def tighten(i: int, lo: int, hi: int) -> None:
        a, b = t_bounds.get(i, (0, _BIG))
        t_bounds[i] = (max(a, lo), min(b, hi))

    imaging: dict[int, int] = {}
    for c in facts:
        if c.patient_id is None:
            continue
        i = tl.index(c.patient_id)
        if c.quantity == "pain_free_after_completion":
            lo, hi = relaxed.get(c.constraint_id) or _int_window(c)
            tighten(i, lo, hi)
            must_alive.add(i)
        elif c.quantity in ("imaging_after_completion", "imaging_after_previous_imaging"):
            # consecutive visits: the patient was followed at least to the sum of the intervals
            imaging[i] = imaging.get(i, 0) + _int_window(c)[0]
            tighten(i, imaging[i], _BIG)
    relief_extra = []
    for c in kept:
        if c.quantity != "relief_duration" or c.kind not in ("mean", "median"):
            continue
        pop, lengths = c.applies_to, MONTH_LENGTHS
        if c.constraint_id in readings:
            pop, length = readings[c.constraint_id]
            lengths = (length,)
        if c.kind == "median" or c.constraint_id in readings:
            relief_extra.append((c.kind, pop == "assessable patients", _real_window(c, lengths)))
    return _Plan(
        relief_extra=tuple(relief_extra),
        constraints=cons,
        tl=tl,
        conflicts=tuple(conflicts),
        dropped=dropped,
        relaxed=relaxed,
        readings=readings,
        n_dead=n_dead,
        dead=_group(kept, tl, "death_after_completion", "deceased patients"),
        fu=_group(kept, tl, "followup", "all patients"),
        relief=_group(kept, tl, "relief_duration", "assessable patients without relapse"),
        n_norel=n_assess - len(relapsers),
        relapsers=relapsers,
        relapse_win=relapse_win,
        t_bounds=t_bounds,
        must_alive=frozenset(must_alive),
        span=_span_days(kept),
    )


# -- sampling --------------------------------------------------------------------------------------


def _fixed_sum(lo: np.ndarray, hi: np.ndarray, total: int, rng: np.random.Generator) -> np.ndarray:
    """Whole numbers within [lo, hi] summing to total: uniform draws, then the difference is
    shared in proportion to each value's room to move (remainder one day at a time)."""
    x = rng.integers(lo, hi + 1)
    diff = int(total - x.sum())
    if diff == 0:
        return x
    sign = 1 if diff > 0 else -1
    room = (hi - x) if sign > 0 else (x - lo)
    need = abs(diff)
    share = (need * room) // room.sum()
    x = x + sign * share
    room = room - share
    for _ in range(need - int(share.sum())):
        i = rng.choice(np.flatnonzero(room > 0))
        x[i] += sign
        room[i] -= 1
    return x


def _pick(values: np.ndarray, rng: np.random.Generator) -> int:
    return int(values[rng.integers(len(values))])


def _cell_sums(boxes, d_win, r_win, f_win, rng) -> tuple[int, int, int, int] | None:
    """Sums of the four cells (dead & relief group, dead & not, alive & relief group, alive & not)
    with sum(dead) in d_win, sum(relief group) in r_win and sum(all) in f_win, each cell within its
    box; drawn one cell at a time among values that leave the rest feasible."""
    (l1, h1), (l2, h2), (l3, h3), (l4, h4) = boxes
    v1 = np.arange(l1, h1 + 1)
    j2lo, j2hi = np.maximum(l2, d_win[0] - v1), np.minimum(h2, d_win[1] - v1)
    j3lo, j3hi = np.maximum(l3, r_win[0] - v1), np.minimum(h3, r_win[1] - v1)
    ok = (
        (j2lo <= j2hi)
        & (j3lo <= j3hi)
        & (j2lo + j3lo + l4 <= f_win[1] - v1)
        & (j2hi + j3hi + h4 >= f_win[0] - v1)
    )
    if not ok.any():
        return None
    k = _pick(np.flatnonzero(ok), rng)
    x1 = int(v1[k])
    v2 = np.arange(j2lo[k], j2hi[k] + 1)
    ok2 = (j3lo[k] + l4 <= f_win[1] - x1 - v2) & (j3hi[k] + h4 >= f_win[0] - x1 - v2)
    x2 = _pick(v2[ok2], rng)
    v3 = np.arange(j3lo[k], j3hi[k] + 1)
    ok3 = (l4 <= f_win[1] - x1 - x2 - v3) & (h4 >= f_win[0] - x1 - x2 - v3)
    x3 = _pick(v3[ok3], rng)
    rest = x1 + x2 + x3
    x4 = _pick(np.arange(max(l4, f_win[0] - rest), min(h4, f_win[1] - rest) + 1), rng)
    return x1, x2, x3, x4


@dataclass
class _Draw:
    t: np.ndarray  # days from RT completion to death / last contact
    dead: np.ndarray
    assess: np.ndarray
    relapse_day: np.ndarray  # NaN if none


MAX_TRIES = 5000


def _sample(plan: _Plan, rng: np.random.Generator) -> _Draw:
    """One draw of roles (who died, who is assessable, who attains each published extreme) and of
    times, retried until every kept constraint can be met."""
    tl = plan.tl
    n = len(tl.pids)
    off = tl.offset.astype(np.int64)
    rt_end = tl.rt_end.astype(np.int64)
    is_rel = np.zeros(n, bool)
    is_rel[list(plan.relapsers)] = True
    n_alive = n - plan.n_dead
    optional = np.array([i for i in range(n) if i not in plan.must_alive])
    nonrel = np.flatnonzero(~is_rel)
    dead_g, fu_g, rel_g = plan.dead, plan.fu, plan.relief
    for _ in range(MAX_TRIES):
        relapse_day = np.full(n, np.nan)
        for i in plan.relapsers:
            a, b = plan.relapse_win[i]
            relapse_day[i] = rng.integers(a, b + 1)
        alive = np.zeros(n, bool)
        alive[list(plan.must_alive)] = True
        extra = n_alive - len(plan.must_alive)
        if extra < 0 or extra > len(optional):
            break
        alive[rng.choice(optional, extra, replace=False)] = True
        dead = ~alive
        n7 = np.zeros(n, bool)
        if plan.n_norel > len(nonrel):
            break
        n7[rng.choice(nonrel, plan.n_norel, replace=False)] = True
        non_assess = ~n7 & ~is_rel
        # bounds on t = days from RT completion to death / last contact
        lo = np.full(n, fu_g.lo if fu_g.lo_attained or fu_g.lo else 0, np.int64)
        hi = np.full(n, fu_g.hi, np.int64)
        lo[dead] = np.maximum(lo[dead], dead_g.lo)
        hi[dead] = np.minimum(hi[dead], dead_g.hi)
        lo = np.maximum(lo, -off)  # maximal response is observed alive
        for i in plan.relapsers:  # relapse observed before death / at last contact at the latest
            lo[i] = max(lo[i], int(relapse_day[i]) - rt_end[i] + (1 if dead[i] else 0))
        lo[n7] = np.maximum(lo[n7], rel_g.lo - off[n7])
        hi[n7] = np.minimum(hi[n7], rel_g.hi - off[n7])
        if rel_g.lo_attained:  # not assessable = followed less than the shortest published relief
            hi[non_assess] = np.minimum(hi[non_assess], rel_g.lo - 1 - off[non_assess])
        for i, (a, b) in plan.t_bounds.items():
            lo[i], hi[i] = max(lo[i], a), min(hi[i], b)
        if plan.span is not None:
            hi = np.minimum(hi, plan.span - rt_end)
        if (lo > hi).any():
            continue
        # who attains each published minimum / maximum
        fixed = np.full(n, -1, np.int64)
        everyone = np.ones(n, bool)
        extremes = []
        if fu_g.hi_attained:
            extremes.append((everyone, np.full(n, fu_g.hi)))
        if rel_g.hi_attained:
            extremes.append((n7, rel_g.hi - off))
        if dead_g.hi_attained:
            extremes.append((dead, np.full(n, dead_g.hi)))
        if rel_g.lo_attained:
            extremes.append((n7, rel_g.lo - off))
        if dead_g.lo_attained:
            extremes.append((dead, np.full(n, dead_g.lo)))
        if fu_g.lo_attained:
            extremes.append((everyone, np.full(n, fu_g.lo)))
        failed = False
        for group, val in extremes:
            if (group & (fixed == val)).any():
                continue
            cand = np.flatnonzero(group & (fixed < 0) & (lo <= val) & (val <= hi))
            if not len(cand):
                failed = True
                break
            i = _pick(cand, rng)
            fixed[i] = val[i]
        if failed:
            continue
        lo = np.where(fixed >= 0, fixed, lo)
        hi = np.where(fixed >= 0, fixed, hi)
        cells = [dead & n7, dead & ~n7, alive & n7, alive & ~n7]
        boxes = [(int(lo[c].sum()), int(hi[c].sum())) for c in cells]
        d_win = (dead_g.sum_lo, dead_g.sum_hi)
        f_win = (fu_g.sum_lo, fu_g.sum_hi)
        r_off = int(off[n7].sum())
        r_win = (rel_g.sum_lo - r_off, rel_g.sum_hi - r_off)
        sums = _cell_sums(boxes, d_win, r_win, f_win, rng)
        if sums is None:
            continue
        t = np.zeros(n, np.int64)
        for c, s in zip(cells, sums, strict=True):
            if c.any():
                t[c] = _fixed_sum(lo[c], hi[c], s, rng)
        if plan.relief_extra:
            relief = np.where(is_rel, relapse_day - tl.mr_first, t + off)
            if not all(
                _in_real(float((np.median if kind == "median" else np.mean)(relief[mask])), w)
                for kind, with_rel, w in plan.relief_extra
                for mask in [n7 | is_rel if with_rel else n7]
            ):
                continue
        return _Draw(t=t, dead=dead, assess=n7 | is_rel, relapse_day=relapse_day)
    kept = ", ".join(c.constraint_id for c in plan.kept)
    raise ValueError(
        f"no reconstruction satisfies all kept constraints after {MAX_TRIES} tries; kept: {kept}"
    )


# -- assembling the frames -----------------------------------------------------------------------


def _source_columns(plan: _Plan) -> dict[str, np.ndarray]:
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
    multi = {tl.course_pids[k] for k in range(len(tl.course_ids)) if tl.course_no[k] > 1}
    rec = "reconstructed"

    def col(values) -> np.ndarray:
        return np.array(values, dtype=object)

    return {
        "first_rt_start_day_source": col(["derived"] * n),
        "rt_end_day_source": col([rec if p in multi else "derived" for p in tl.pids]),
        "death_source": col(["case_narrative" if i in narrative else rec for i in range(n)]),
        "death_day_source": col([rec] * n),
        "last_contact_day_source": col([rec] * n),
        "followup_from_completion_days_source": col([rec] * n),
        "assessable_for_relief_source": col(
            ["results_text" if i in rel else rec for i in range(n)]
        ),
        "max_response_day_source": col(["table1"] * n),
        "relapse_source": col(
            [
                "results_text" if i in rel else ("case_narrative" if i in narrative else rec)
                for i in range(n)
            ]
        ),
        "relapse_day_source": col([rec if i in rel else "derived" for i in range(n)]),
        "relief_end_day_source": col([rec] * n),
        "relief_days_source": col([rec] * n),
        "relief_event_source": col([rec] * n),
    }


def _patient_columns(plan: _Plan, d: _Draw) -> dict[str, np.ndarray]:
    """The time columns of one draw (see :func:`reconstruct` for their meaning)."""
    tl = plan.tl
    n = len(tl.pids)
    last = tl.rt_end + d.t
    relapse = ~np.isnan(d.relapse_day)
    relief_end = np.where(relapse, d.relapse_day, last.astype(float))
    relief_end = np.where(d.assess, relief_end, np.nan)
    event = pd.array(np.where(relapse, 1, 0), dtype="Int64")
    event[~d.assess] = pd.NA
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


def _sites_frame(plan: _Plan) -> pd.DataFrame:
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
            "max_response_day_source": ["table1" if s == "derived" else s for s in tl.start_source],
        }
    )


# -- checks ----------------------------------------------------------------------------------------


def _describe(c: Constraint) -> str:
    kind = {"count": "number of", "fact": "", "order": "order:"}.get(c.kind, c.kind)
    return f"{kind} {QUANTITIES[c.quantity]} - {c.applies_to}".strip()


def _evaluate(c: Constraint, P: dict, S: dict, plan: _Plan) -> tuple[str, str, bool]:
    """(target, achieved, holds) for one published constraint, recomputed from the frames."""
    tl = plan.tl
    q, k = c.quantity, c.kind
    death, assess, relapse = P["death"], P["assessable_for_relief"], P["relapse"]
    masks = P["_masks"]
    if k == "count":
        got = {
            "deaths": death.sum(),
            "assessable_for_relief": assess.sum(),
            "relapses": (assess & relapse).sum(),
            "no_relapse": (assess & ~relapse).sum(),
        }[q]
        return f"{int(c.value)}", f"{int(got)}", int(got) == int(c.value)
    if k in ("mean", "min", "max", "median"):
        month_lengths: Sequence[float] = MONTH_LENGTHS
        pop = c.applies_to
        if pop == "population not stated":
            reading = plan.readings.get(c.constraint_id)
            pop = reading[0] if reading else "assessable patients without relapse"
            if reading:
                month_lengths = (reading[1],)
        if q == "weeks_to_max_response":
            x = (S["max_response_day"] - S["rt_start_day"]).astype(float)
        elif q == "death_after_completion":
            x = (P["death_day"] - P["rt_end_day"])[death]
        elif q == "followup":
            x = P["followup_from_completion_days"].astype(float)
        else:  # relief_duration
            x = P["relief_days"][masks[pop]]
        if len(x) == 0:
            return "values", "none", False
        got = float({"mean": np.mean, "min": np.min, "max": np.max, "median": np.median}[k](x))
        if k in ("min", "max"):
            w = _int_window(c, month_lengths)
            if c.unit == "weeks":
                return f"{w[0] / 7:g}-{w[1] / 7:g} weeks", f"{got / 7:g} weeks", w[0] <= got <= w[1]
            return _fmt_days(w), f"{got:g} days", w[0] <= got <= w[1]
        w = _real_window(c, month_lengths)
        if c.unit == "weeks":
            w7 = (w[0] / 7, w[1] / 7, w[2])
            return _fmt_real(w7, "weeks"), f"{got / 7:.2f} weeks", _in_real(got, w)
        target = _fmt_real(w)
        if c.unit == "months":
            target += f" ({c.value:g} months of {'/'.join(f'{m:g}' for m in month_lengths)} days"
            target += f", over {pop})"
        return target, f"{got:.2f} days", _in_real(got, w)
    if k == "order":
        rel = relapse
        if q == "relapse_after_max_response":
            ok = bool((P["relapse_day"][rel] > P["max_response_day"][rel]).all())
            return "relapse after maximal response", f"{int(rel.sum())} relapses checked", ok
        ok = bool((P["relapse_day"][rel] > P["rt_end_day"][rel]).all())
        return "relapse after RT completion", f"{int(rel.sum())} relapses checked", ok
    # facts
    if q in DATE_QUANTITIES:
        if plan.span is None or q == "review_start":
            return f"{c.value}", "reference date", True
        longest = int(P["last_contact_day"].max())
        return (
            f"last contact <= {plan.span} days after a first RT (accrual start to cut-off)",
            f"{longest} days",
            longest <= plan.span,
        )
    pid = c.patient_id
    i = tl.index(pid)
    if q in ("supine_after_start", "right_pain_after_supine"):
        rows = [j for j, p in enumerate(S["patient_id"]) if p == pid]
        starts = S["rt_start_day"][rows]
        later = starts[1:] if len(starts) > 1 else starts
        expected = _second_course_start(plan.constraints, pid, int(S["rt_end_day"][rows[0]]))
        return (
            f"next course starts on day {expected} (case narrative intervals added up)",
            f"day {int(later[0])}",
            int(later[0]) == expected,
        )
    if q == "fractions_delivered":
        got = int(S["fractions"][[j for j, p in enumerate(S["patient_id"]) if p == pid][0]])
        return f"{int(c.value)} fractions", f"{got} fractions", got == int(c.value)
    if q == "max_response_after_start":
        w = _int_window(c)
        got = int(P["max_response_day"][i] - P["first_rt_start_day"][i])
        return _fmt_days(w), f"{got} days", w[0] <= got <= w[1]
    if q.startswith("relapse_after"):
        if not relapse[i]:
            return "relapse", "no relapse", False
        base = P["max_response_day"][i] if q == "relapse_after_max_response" else P["rt_end_day"][i]
        got = int(P["relapse_day"][i] - base)
        w = _int_window(c)
        return (
            _fmt_days(w) + f" after {'maximal response' if 'max' in q else 'completion'}",
            (f"{got} days"),
            w[0] <= got <= w[1],
        )
    if q == "pain_free_after_completion":
        w = plan.relaxed.get(c.constraint_id) or _int_window(c)
        got = int(P["followup_from_completion_days"][i])
        label = "alive, no relapse, follow-up " + _fmt_days(w)
        if c.constraint_id in plan.relaxed:
            label += " at the cut-off (relaxed)"
        ok = (not death[i]) and (not relapse[i]) and w[0] <= got <= w[1]
        state = "dead" if death[i] else "alive"
        return label, f"{state}, {'relapse' if relapse[i] else 'no relapse'}, {got} days", ok
    if q in ("imaging_after_completion", "imaging_after_previous_imaging"):
        need = 0
        for f in plan.constraints:
            if f.patient_id == pid and f.quantity.startswith("imaging_after"):
                need += _int_window(f)[0]
                if f is c:
                    break
        got = int(P["followup_from_completion_days"][i])
        return f"followed >= {need} days after completion", f"{got} days", got >= need
    raise ValueError(f"constraint {c.constraint_id}: no check for quantity {q!r}")


def _structural(P: dict, plan: _Plan) -> list[tuple[str, str, str, str, bool]]:
    """Logical rules every reconstruction obeys (not published figures)."""
    death, rel, assess = P["death"], P["relapse"], P["assessable_for_relief"]
    last, mr, end = P["last_contact_day"], P["max_response_day"], P["rt_end_day"]
    rows = []
    dd = P["death_day"]
    rows.append(("S1", "a dead patient's last contact is the day of death", "equal",
                 "all equal" if np.all(dd[death] == last[death]) else "differ",
                 bool(np.all(dd[death] == last[death]) and np.isnan(dd[~death]).all())))  # fmt: skip
    fu_ok = bool(np.all(P["followup_from_completion_days"] == last - end))
    rows.append(("S2", "follow-up = last contact - RT completion", "equal",
                 "equal" if fu_ok else "differs", fu_ok))  # fmt: skip
    ok = bool(np.all(mr <= last))
    rows.append(("S3", "maximal response on or before death / last contact", "all", f"{ok}", ok))
    rd = P["relapse_day"]
    ok = bool(np.all(rd[rel] <= last[rel]) and np.all(rd[rel & death] < last[rel & death]))
    rows.append(("S4", "relapse before death and not after last contact", "all", f"{ok}", ok))
    ok = bool(np.isnan(rd[~rel]).all() and not np.isnan(rd[rel]).any())
    rows.append(("S5", "relapse day given exactly for relapsing patients", "all", f"{ok}", ok))
    re_ = P["relief_end_day"]
    ok = bool(
        np.all(re_[assess & rel] == rd[assess & rel])
        and np.all(re_[assess & ~rel] == last[assess & ~rel])
        and np.isnan(re_[~assess]).all()
        and np.allclose(P["relief_days"][assess], re_[assess] - mr[assess])
    )
    rows.append(("S6", "relief ends at relapse, else at death / last contact; "
                 "relief days = end - maximal response; none for non-assessable", "all",
                 f"{ok}", ok))  # fmt: skip
    ok = bool(rel[~assess].sum() == 0)
    rows.append(("S7", "relapsing patients are assessable", "all", f"{ok}", ok))
    g = plan.relief
    if g.lo_attained:
        obs = (last - mr)[~assess]
        ok = bool(np.all(obs < g.lo))
        longest = f"{int(obs.max())} days" if len(obs) else "none"
        rows.append(("S8", "non-assessable patients were followed for less than the shortest "
                     "published relief after maximal response", f"< {g.lo} days", longest, ok))  # fmt: skip
    return rows


def _checks(P: dict, S: dict, plan: _Plan) -> pd.DataFrame:
    death, assess, relapse = P["death"], P["assessable_for_relief"], P["relapse"]
    P = {
        **P,
        "_masks": {
            "all patients": np.ones(len(death), bool),
            "deceased patients": death,
            "assessable patients": assess,
            "assessable patients without relapse": assess & ~relapse,
        },
    }
    cols: dict[str, list] = {
        k: [] for k in ("constraint_id", "description", "target", "achieved", "holds", "kept")
    }
    status = []
    for c in plan.constraints:
        target, achieved, holds = _evaluate(c, P, S, plan)
        cid = c.constraint_id
        st = "dropped" if cid in plan.dropped else "relaxed" if cid in plan.relaxed else "kept"
        for key, v in zip(
            cols, (cid, _describe(c), target, achieved, bool(holds), st != "dropped"), strict=True
        ):
            cols[key].append(v)
        status.append(st)
    for row in _structural(P, plan):
        for key, v in zip(cols, (*row, True), strict=True):
            cols[key].append(v)
        status.append("rule")
    return pd.DataFrame(
        {
            **{
                k: np.array(v, dtype=bool if k in ("holds", "kept") else object)
                for k, v in cols.items()
            },
            "status": np.array(status, dtype=object),
        }
    )


def _arrays(patients: pd.DataFrame, sites: pd.DataFrame) -> tuple[dict, dict]:
    P = {c: patients[c].to_numpy() for c in patients.columns if not c.endswith("_source")}
    for c in ("death", "assessable_for_relief", "relapse"):
        P[c] = P[c].astype(bool)
    for c in ("death_day", "relapse_day", "relief_end_day", "relief_days"):
        P[c] = P[c].astype(float)
    S = {c: sites[c].to_numpy() for c in sites.columns if not c.endswith("_source")}
    return P, S


def check_reconstruction(rec: Reconstruction, constraints=None) -> pd.DataFrame:
    """Recompute every constraint (and the logical rules S1-S8) from ``rec.patients`` and
    ``rec.sites``: one row per constraint with target, achieved value, whether it holds and whether
    the reconstruction keeps it. ``constraints`` defaults to those the reconstruction was built from."""
    if not isinstance(rec, Reconstruction):
        raise ValueError(f"rec must be a Reconstruction, got {type(rec).__name__}")
    plan = rec.plan
    if constraints is not None:
        cons = _as_constraints(constraints)
        if cons != plan.constraints:
            courses = _sites_as_courses(plan.tl)
            pats = pd.DataFrame({"patient_id": list(plan.tl.pids)})
            plan = _plan(courses, pats, cons)
    P, S = _arrays(rec.patients, rec.sites)
    return _checks(P, S, plan)


def _sites_as_courses(tl: _Timeline) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "course_id": list(tl.course_ids),
            "patient_id": list(tl.course_pids),
            "course_no": tl.course_no,
            "fractions": tl.fractions,
            "weeks_to_max_response": (tl.mr - tl.start) // 7,
            "dose_gy": list(tl.dose),
        }
    )


# -- public entry points -------------------------------------------------------------------------


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    return int(seed)


def _statics(plan: _Plan) -> tuple[pd.DataFrame, dict, dict]:
    """What every draw of one plan shares: the sites frame, the provenance columns, site arrays."""
    sites = _sites_frame(plan)
    S = {c: sites[c].to_numpy() for c in sites.columns if not c.endswith("_source")}
    return sites, _source_columns(plan), S


def _build(plan: _Plan, seed: int, statics: tuple | None = None) -> Reconstruction:
    sites, sources, S = statics or _statics(plan)
    draw = _sample(plan, np.random.default_rng(seed))
    cols = _patient_columns(plan, draw)
    patients = pd.DataFrame({**cols, **sources})
    sites = sites.copy()
    # the checks read the very arrays the frames were built from (check_reconstruction reads the
    # frames themselves)
    P = {**cols, "relief_event": cols["relief_event"].to_numpy(dtype=float, na_value=np.nan)}
    checks = _checks(P, S, plan)
    holds, kept = checks["holds"].to_numpy(), checks["kept"].to_numpy()
    if not holds[kept].all():
        bad = ", ".join(checks["constraint_id"].to_numpy()[kept & ~holds])
        raise RuntimeError(f"internal error: seed {seed} breaks kept constraint(s) {bad}")
    return Reconstruction(patients, sites, checks, list(plan.conflicts), seed, plan)


def reconstruct(
    courses: pd.DataFrame,
    patients: pd.DataFrame,
    constraints: Sequence[Constraint] | str | Path,
    seed: int = 0,
) -> Reconstruction:
    """Individual times for every patient and course satisfying every kept constraint exactly.

    Roles (who died, which non-relapsing patients are assessable, who attains each published
    minimum/maximum) are drawn at random among admissible patients, then times are drawn uniformly
    within their bounds and shifted to hit each published sum exactly. Same seed, same result.

    ``.patients``: one row per patient, days from the start of the first course: rt_end_day, death,
    death_day (NaN if alive), last_contact_day, followup_from_completion_days,
    assessable_for_relief, max_response_day, relapse, relapse_day, relief_end_day, relief_days,
    relief_event (1 relapse, 0 censored; NA with the relief columns for non-assessable patients),
    and ``<column>_source`` provenance flags. ``.sites``: one row per course. ``.checks``: every
    published constraint and logical rule recomputed (see :func:`check_reconstruction`).
    Raises ValueError if the kept constraints admit no reconstruction.
    """
    seed = _check_seed(seed)
    return _build(_plan(courses, patients, constraints), seed)


def ensemble(
    courses: pd.DataFrame,
    patients: pd.DataFrame,
    constraints: Sequence[Constraint] | str | Path,
    n: int = 200,
    seed: int = 0,
) -> list[Reconstruction]:
    """``n`` reconstructions with seeds ``seed, seed + 1, ...`` (draw k equals
    ``reconstruct(..., seed=seed + k)``); the constraint analysis is done once."""
    seed = _check_seed(seed)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    plan = _plan(courses, patients, constraints)
    statics = _statics(plan)
    return [_build(plan, seed + k, statics) for k in range(int(n))]


def ensemble_frame(recs: Sequence[Reconstruction]) -> pd.DataFrame:
    """The patients of several reconstructions stacked, with ``draw`` (position) and ``seed``."""
    if not recs:
        raise ValueError("recs must hold at least one Reconstruction")
    frames = [r.patients.assign(draw=k, seed=r.seed) for k, r in enumerate(recs)]
    return pd.concat(frames, ignore_index=True)
