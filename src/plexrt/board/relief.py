"""What the board says about the relief of pain of a matched site's patient.

Only published (or imported) facts are shown per patient at the board: a reconstructed duration is
a draw that fits the series' aggregates, not this patient's history, so it is not shown; what the
paper does say (e.g. that the patient relapsed) still is.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from plexrt.clinical.inputs import require_columns
from plexrt.data.values import is_missing

#: The columns of store.events the relief notes read.
EVENT_COLUMNS = ("patient_id", "assessable_for_relief", "relief_days", "relief_event")
_RELIEF_FIELDS = ("assessable_for_relief", "relief_days", "relief_event")


def _days(x: float) -> str:
    return f"{x:.0f}" if float(x) == int(x) else f"{x:.1f}"


def _reconstructed(rec: dict[str, Any], *cols: str) -> bool:
    return any(rec.get(f"{c}_source") == "reconstructed" for c in cols)


def _reconstructed_note(rec: dict[str, Any]) -> str:
    """The note when the relief times are reconstructed: what the paper says, if anything."""
    relapse, src = rec.get("relapse"), rec.get("relapse_source")
    if is_missing(src) or src == "reconstructed" or is_missing(relapse):
        return "not published per patient"
    where = f" ({str(src).replace('_', ' ')})"
    if bool(relapse):
        return f"relapsed after maximum response{where}; timing not published per patient"
    return f"no relapse reported{where}; duration not published per patient"


def relief(rec: dict[str, Any]) -> tuple[float, str]:
    """(relief_days, note) for one patient's event row; NaN days when not shown or unknown."""
    assessable = rec.get("assessable_for_relief")
    if is_missing(assessable):
        return math.nan, "relief duration unknown"
    if _reconstructed(rec, *_RELIEF_FIELDS):
        return math.nan, _reconstructed_note(rec)
    if not bool(assessable):
        return math.nan, "not assessable"
    days: Any = rec.get("relief_days")
    event: Any = rec.get("relief_event")
    if is_missing(days):
        return math.nan, "relief duration unknown"
    d = float(days)
    if is_missing(event):
        return d, f"relief {_days(d)} days, end of relief unknown"
    if int(event) == 1:
        return d, f"relapse at {_days(d)} days"
    return d, f"relief ≥ {_days(d)} days, censored"


def relief_columns(
    sites: pd.DataFrame, events: pd.DataFrame | None
) -> tuple[list[float], list[str | None]]:
    """relief_days and relief_note for each row of ``sites``, from its patient's row of ``events``
    (store.events; matched by series and patient when both frames have series_id). A patient
    without an event row, or ``events=None``, gives NaN and None (unknown)."""
    days: list[float] = [math.nan] * len(sites)
    notes: list[str | None] = [None] * len(sites)
    if events is None:
        return days, notes
    require_columns(events, "events", EVENT_COLUMNS, "store.events")
    by_series = "series_id" in events.columns and "series_id" in sites.columns
    key_cols = ["series_id", "patient_id"] if by_series else ["patient_id"]
    ev = events.assign(patient_id=events["patient_id"].astype(str))
    dup = ev.duplicated(key_cols, keep=False)
    if dup.any():
        first = ev.loc[dup, "patient_id"].iloc[0]
        raise ValueError(f"events has more than one row for patient {first}")
    lookup = {tuple(str(r[c]) for c in key_cols): r for r in ev.to_dict("records")}
    for i, rec in enumerate(sites.to_dict("records")):
        row = lookup.get(tuple(str(rec[c]) for c in key_cols))
        if row is not None:
            days[i], notes[i] = relief(row)
    return days, notes


# Notes that say nothing about the patient: unknown, or only that the paper does not publish it.
_EMPTY_NOTES = ("not published per patient", "relief duration unknown")


def states_a_fact(note: Any) -> bool:
    """True when a relief note says something about this patient (a duration, a relapse, not
    assessable); False for None, "not published per patient" and "relief duration unknown"."""
    return not is_missing(note) and str(note) not in _EMPTY_NOTES


def relief_sentence(top: pd.DataFrame, facts: list[bool]) -> str:
    """What the board says instead of a mostly empty relief column: how many of the listed
    patients have no published duration, then the facts that are published, by patient."""
    n = len(top)
    empty = [note for note, fact in zip(top["relief_note"], facts, strict=True) if not fact]
    unpublished = all(note == _EMPTY_NOTES[0] for note in empty)
    why = "not published per patient" if unpublished else "not published or not recorded"
    text = f"Duration of pain relief: {why} for {len(empty)} of the {n} patients listed"
    said = [
        f"patient {rec['patient_id']} (site {rec['course_id']}): {rec['relief_note']}"
        for rec, fact in zip(top.to_dict("records"), facts, strict=True)
        if fact
    ]
    return f"{text}; " + "; ".join(said) + "." if said else f"{text}."
