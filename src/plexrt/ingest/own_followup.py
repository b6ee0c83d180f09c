"""A follow-up entry for one patient of an own series, as the app's form gives it, turned into the
user store's changes; and the change history as the app shows it.

Times are whole days from the patient's first RT start (day 0), as stored. A calendar date may be
entered only together with the patient's first RT start date: both are used here to count the days
and are then dropped (neither is stored, as at import; ``plexrt.data.deidentify.days_from``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from plexrt.data.deidentify import days_from
from plexrt.data.own_schema import OwnSeriesFrames, plain_code
from plexrt.data.userstore import Change
from plexrt.data.values import counted, is_missing, key_shown, natural_sorted, utc_shown

# What can be recorded, and the stored column each one sets.
KINDS = {
    "assessment": "Assessment (NRS, opioid)",
    "max_response": "Maximum response",
    "relapse": "Relapse of pain",
    "death": "Death",
    "last_contact": "Last contact",
}
_COURSE_DAY = {"max_response": "max_response_day", "relapse": "relapse_day"}
_PATIENT_DAY = {"death": "death_day", "last_contact": "last_contact_day"}
COURSE_KINDS = ("assessment", *_COURSE_DAY)  # entries that belong to one course


@dataclass(frozen=True)
class Entry:
    """One follow-up entry: what (a key of ``KINDS``), for which patient and course, on which day;
    for an assessment the NRS and the opioid (drug, mg/day, route), each possibly unknown."""

    kind: str
    patient_id: str
    day: int | None
    course_no: int | None = None
    nrs: int | None = None
    opioid_drug: str | None = None
    opioid_mg_per_day: float | None = None
    opioid_route: str | None = None


# A series with fewer patients lists every code in one choice; a larger one is searched by code
# (a list of 81,000 codes sent to the browser on every rerun took 800 KB).
PICK_LIST_LIMIT = 1000
MATCHES_SHOWN = 50  # codes listed for what is typed in a larger series


@dataclass(frozen=True)
class PatientCodes:
    """The patient codes of a series in natural order ('P9' before 'P10'), with each code's plain
    form (``plain_code``: case and full-width folded) to match what is typed."""

    codes: tuple[str, ...]
    plain: tuple[str, ...]

    @classmethod
    def of(cls, codes: Iterable[str]) -> PatientCodes:
        ordered = tuple(natural_sorted(str(c) for c in codes))
        return cls(ordered, tuple(plain_code(c) for c in ordered))

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(frozen=True)
class Found:
    """What a typed code finds: the code itself when the series holds it as typed (``exact``),
    else the codes that start with it, case and width aside (the first ``shown``, of ``total``)."""

    typed: str
    exact: str | None
    shown: tuple[str, ...]
    total: int


def find_patient(codes: PatientCodes, typed: str, limit: int = MATCHES_SHOWN) -> Found:
    """The patient a typed study code names (surrounding spaces ignored: a stored code has
    none), or the first ``limit`` codes, in natural order, that start with it."""
    text = typed.strip()
    if not text:
        return Found(text, None, (), 0)
    if text in codes.codes:
        return Found(text, text, (text,), 1)
    start = plain_code(text)
    hits = [c for c, p in zip(codes.codes, codes.plain, strict=True) if p.startswith(start)]
    return Found(text, None, tuple(hits[:limit]), len(hits))


def found_words(found: Found) -> str:
    """'3 matches', 'first 50 of 1,234 matches', or that no code starts with what is typed (as
    ``key_shown`` quotes it: cut short, and an invisible or control character, which no stored
    code holds, written out, so that the text does not read as a code the series holds)."""
    if found.total == 0:
        return f"No patient code of this series starts with '{key_shown(found.typed)}'."
    if found.total > len(found.shown):
        return f"first {len(found.shown):,} of {counted(found.total, 'match', 'matches')}"
    return counted(found.total, "match", "matches")


def day_between(event: dt.date | None, first_rt_start: dt.date | None) -> int | None:
    """Whole days from the patient's first RT start to ``event`` (None when either is missing)."""
    if event is None or first_rt_start is None:
        return None
    day = days_from(pd.Series([pd.Timestamp(event)]), pd.Series([pd.Timestamp(first_rt_start)]))
    return int(day.iloc[0])


def next_assessment_no(frames: OwnSeriesFrames, patient_id: str, course_no: int) -> int:
    """1 + the highest assessment number of the course (1 for its first)."""
    a = frames.assessments
    mine = a[(a["patient_id"] == patient_id) & (a["course_no"] == course_no)]["assessment_no"]
    return 1 if mine.dropna().empty else int(mine.max()) + 1


def entry_problems(entry: Entry) -> list[str]:
    """What is missing from the form itself (the values are checked by the store's rules)."""
    out = []
    if entry.kind not in KINDS:
        out.append(f"unknown entry {entry.kind!r}")
    if entry.day is None:
        out.append("the day (or the date together with the first RT start date) is required")
    if entry.kind in COURSE_KINDS and entry.course_no is None:
        out.append("choose the course (irradiated site) the entry belongs to")
    if entry.kind == "assessment" and entry.nrs is None and not entry.opioid_drug:
        out.append("an assessment needs an NRS score or an opioid")
    return out


def already_stored(frames: OwnSeriesFrames, entry: Entry) -> list[str]:
    """An assessment the course already holds with the same day, NRS and opioid: saved twice by
    mistake (the import refuses the same assessment twice in a file, too)."""
    if entry.kind != "assessment" or entry.course_no is None:
        return []
    a = frames.assessments
    same_day = a[
        (a["patient_id"] == entry.patient_id)
        & (a["course_no"] == entry.course_no)
        & (a["day"] == entry.day)
    ]
    wanted = _assessment_values(entry)
    for row in same_day.itertuples(index=False):
        if all(_same(getattr(row, col), value) for col, value in wanted.items()):
            return [
                f"patient {entry.patient_id}, course {entry.course_no}, day {entry.day}: the same "
                f"assessment is already stored (assessment {int(row.assessment_no)})"
            ]
    return []


def _assessment_values(entry: Entry) -> dict[str, object]:
    """An assessment's values as stored: an empty drug or route is unknown (None)."""
    return {
        "nrs": entry.nrs,
        "opioid_drug": (entry.opioid_drug or "").strip() or None,
        "opioid_mg_per_day": entry.opioid_mg_per_day,
        "opioid_route": entry.opioid_route or None,
    }


def _same(stored: object, entered: object) -> bool:
    """Equal, or both unknown."""
    if is_missing(stored) or is_missing(entered):
        return is_missing(stored) and is_missing(entered)
    return bool(stored == entered)


def described(entry: Entry) -> str:
    """The entry in words, as the confirmation repeats it: what, for whom, which day and, for an
    assessment, every value it stores (an unknown value is said, not left out)."""
    where = [KINDS[entry.kind].split(" (")[0].lower(), f"patient {entry.patient_id}"]
    if entry.kind in COURSE_KINDS and entry.course_no is not None:
        where.append(f"course {entry.course_no}")
    where.append(f"day {entry.day}")
    if entry.kind != "assessment":
        return ", ".join(where)
    nrs = "NRS not recorded" if entry.nrs is None else f"NRS {entry.nrs}"
    drug = (entry.opioid_drug or "").strip()
    if not drug:
        opioid = "no opioid"
    else:
        dose = (
            "dose not recorded"
            if entry.opioid_mg_per_day is None
            else (f"{_value(entry.opioid_mg_per_day)} mg/day")
        )
        opioid = " ".join([drug, dose, *([entry.opioid_route] if entry.opioid_route else [])])
    return f"{', '.join(where)}: {nrs}, {opioid}"


def changes_for(frames: OwnSeriesFrames, entry: Entry) -> list[Change]:
    """The store's changes that record ``entry`` (``frames``: the patient's stored rows)."""
    pid = entry.patient_id
    if entry.kind == "assessment":
        assert entry.course_no is not None
        no = next_assessment_no(frames, pid, entry.course_no)
        values = {"day": entry.day, **_assessment_values(entry)}
        return [Change.add("assessments", (pid, entry.course_no, no), **values)]
    if entry.kind in _COURSE_DAY:
        return [
            Change.update("courses", (pid, entry.course_no), **{_COURSE_DAY[entry.kind]: entry.day})
        ]
    return [Change.update("patients", (pid,), **{_PATIENT_DAY[entry.kind]: entry.day})]


# -- history ------------------------------------------------------------------------------------

_BATCH_KIND = {"import": "import", "follow_up": "follow-up", "undo": "undo"}
HISTORY_COLUMNS = ["entry", "kind", "by", "when (UTC)", "row", "column", "old -> new", "undone"]


HISTORY_PAGE = 100  # lines of the history read and shown at a time


def history_pages(total: int, page: int = HISTORY_PAGE) -> int:
    """How many pages of ``page`` lines the history holds (1 for an empty one)."""
    return max(1, -(-int(total) // page))


def history_words(first: int, shown: int, total: int, patient: str | None) -> str:
    """What the history table shows: 'Lines 101 to 200 of 12,345, newest first: every change of
    the series.' (``first`` lines skipped); for one patient, their changes only, or none yet."""
    whose = (
        "every change of the series"
        if patient is None
        else f"patient {key_shown(patient)}'s changes"
    )
    if total == 0 or shown == 0:
        return f"No line to show ({whose}: {counted(total, 'line')})."
    return f"Lines {first + 1:,} to {first + shown:,} of {total:,}, newest first: {whose}."


def _value(v: object) -> str:
    if v is None or (not isinstance(v, (str, dict, list)) and pd.isna(v)):
        return "(empty)"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dict):  # a whole row added or removed
        return json.dumps(v, sort_keys=True, default=str)
    return str(v)


def _row(r: pd.Series) -> str:
    if pd.isna(r["patient_id"]):
        return ""
    parts = [f"patient {r['patient_id']}"]
    if not pd.isna(r["course_no"]):
        parts.append(f"course {int(r['course_no'])}")
    if not pd.isna(r["assessment_no"]):
        parts.append(f"assessment {int(r['assessment_no'])}")
    return ", ".join(parts)


def _change(r: pd.Series) -> str:
    kind = r["change_kind"]
    if pd.isna(kind):  # a batch without rows of its own (the first import)
        return ""
    if kind == "changed":
        return f"{_value(r['old_value'])} -> {_value(r['new_value'])}"
    return f"row {kind}"


def history_table(history: pd.DataFrame, limit: int = HISTORY_PAGE) -> pd.DataFrame:
    """The store's history (newest first) as shown: one line per changed value with who, when
    (UTC), which row and column, old -> new, and which later entry undid it; at most ``limit``
    lines (the newest)."""
    h = history.head(limit)
    undone = [
        "" if pd.isna(u) else f"by entry {int(u)}" for u in h.get("undone_by_batch", pd.Series())
    ]
    out = pd.DataFrame(
        {
            "entry": h["batch_id"].astype("Int64").to_numpy(),
            "kind": [_BATCH_KIND.get(str(k), str(k)) for k in h["kind"]],
            "by": h["actor"].astype(str).to_numpy(),
            "when (UTC)": utc_shown(h["at_utc"]),
            "row": [_row(r) for _, r in h.iterrows()],
            "column": h["column_name"].fillna("").astype(str).to_numpy(),
            "old -> new": [_change(r) for _, r in h.iterrows()],
            "undone": undone,
        }
    )
    return out[HISTORY_COLUMNS]
