"""What an own series is, for the Data page: who recorded it where and when, how much it holds, and
its import and follow-up history (one row per change batch)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from plexrt.data.own_schema import respelled
from plexrt.data.values import NOT_AVAILABLE, is_missing, key_shown, utc_shown

if TYPE_CHECKING:
    from plexrt.data.userstore.overview import SeriesCounts
BATCH_COLUMNS = ("Change", "Kind", "By", "When (UTC)", "Values changed", "Undone by")


def _text(value: Any) -> str:
    return NOT_AVAILABLE if is_missing(value) or not str(value).strip() else str(value)


def series_facts(record: Mapping[str, Any], counted: SeriesCounts) -> pd.DataFrame:
    """Two columns (What, Value): institution, period, owner, sharing, patient codes, and the
    counts of patients, courses, assessments, deaths and relapses as stored (``UserStore.
    series_counts``, counted in SQL)."""
    codes = "series-local pseudonyms" if bool(record.get("pseudonymised")) else "study codes"
    rows = [
        ("Name", _text(record.get("name"))),
        ("Institution", _text(record.get("institution"))),
        ("Period", _text(record.get("period_text"))),
        ("Owner", _text(record.get("owner"))),
        ("Shared with", _text(record.get("sharing"))),
        ("Patient codes", codes),
        ("Patients", f"{counted.patients:,}"),
        ("Irradiated sites (courses)", f"{counted.courses:,}"),
        ("Assessments", f"{counted.assessments:,}"),
        ("Deaths recorded", f"{counted.deaths:,}"),
        ("Relapses of pain recorded (sites)", f"{counted.relapses:,}"),
        ("Created", f"{_text(record.get('created_at'))} by {_text(record.get('created_by'))}"),
        ("Last change", f"{_text(record.get('updated_at'))} by {_text(record.get('updated_by'))}"),
    ]
    return pd.DataFrame(rows, columns=["What", "Value"])


def batches(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per change batch (newest first), as the store counts them (``UserStore.
    history_batches``): its number, kind (import, follow-up, undo), who, when, how many values it
    changed, and the batch that undid it."""
    if rows.empty:
        return pd.DataFrame(columns=list(BATCH_COLUMNS))
    out = pd.DataFrame(
        {
            "Change": rows["batch_id"].to_numpy(),
            "Kind": rows["kind"].to_numpy(),
            "By": rows["actor"].to_numpy(),
            "When (UTC)": utc_shown(rows["at_utc"]),
            "Values changed": rows["values_changed"].to_numpy(),
            "Undone by": rows["undone_by_batch"].to_numpy(),
        }
    )
    return out.sort_values("Change", ascending=False).reset_index(drop=True)


def series_labels(listing: pd.DataFrame) -> dict[str, str]:
    """{series id: name} of the own series in ``listing`` (columns series_id, name, owner), the
    owner added to a name that two listed series share: names are unique per owner only, so one
    shared with a user may bear the name of that user's own series."""
    names = listing["name"].astype(str)
    repeated = names.duplicated(keep=False).to_numpy()
    owners = listing["owner"].astype(str)
    labels = [
        f"{n} (owner {o})" if r else n for n, o, r in zip(names, owners, repeated, strict=True)
    ]
    return dict(zip(listing["series_id"].astype(str), labels, strict=True))


def respelled_codes(stored: Sequence[str]) -> list[str]:
    """Patient codes of a stored series that are one code written two ways (full-width 'Ｘ１'
    beside 'X1', ``own_schema.respelled``), as "'Ｘ１' (also written 'X1')", from its codes in the
    order the series is read (all of them, or ``SeriesCounts.candidates``: every code that may be
    written two ways, with its other spellings). PlexRT refuses such a
    pair in every write now; a series stored before that rule may still hold one, and it counts
    as two patients in every figure until the series is imported again with one spelling."""
    codes = pd.Series(list(stored), dtype=object).dropna().astype(str)
    usual = respelled(codes)
    pairs = dict.fromkeys(zip(codes[usual.notna()], usual.dropna(), strict=True))
    return [f"'{key_shown(c)}' (also written '{key_shown(u)}')" for c, u in pairs]
