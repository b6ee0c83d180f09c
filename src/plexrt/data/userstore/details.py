"""An own series' details -- its name, institution and treatment period -- changed in place.

The rules are the import's (``checks.details_problems``), applied to the details the series will
have: a detail kept from a series stored before a text check existed (a date, an identifier, a
hidden or direction-override character in its name) is refused too, saying it is the stored one and
must be changed, so the series is never left with a name no import could give it. A name is unique
per owner. The change runs in the caller's write transaction (``UserStore``): checked whole, every
problem reported at once, the record and one audit entry written together or not at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa

from plexrt.data import access
from plexrt.data.access import Principal
from plexrt.data.userstore import audit, sharing
from plexrt.data.userstore.checks import details_problems
from plexrt.data.userstore.errors import SeriesInvalid
from plexrt.data.values import key_shown

COLUMNS = {"name": "name", "institution": "institution", "period": "period_text"}


def _text(value: Any) -> Any:
    """A stored or typed detail as compared and written: stripped, '' and unknown as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value.strip() or None
    return value  # not text: refused by the checks, never written


@dataclass(frozen=True)
class SeriesDetails:
    """A series' name, institution and treatment period (None: not given)."""

    name: Any
    institution: Any = None
    period: Any = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> SeriesDetails:
        """The details of a stored record (``sharing.SERIES_COLUMNS``, or a listing row)."""
        return cls(*(_text(row[column]) for column in COLUMNS.values()))

    def cleaned(self) -> SeriesDetails:
        return SeriesDetails(*(_text(getattr(self, f.name)) for f in fields(self)))

    def problems(self) -> dict[str, str]:
        """{field: why it cannot be stored}, by the import's rules."""
        return details_problems(self.name, self.institution, self.period)


STORED_NOTE = "the {field} as stored, accepted before this check; change it"


def stored_problems(stored: SeriesDetails) -> list[str]:
    """Why the stored details could not be given today (a series stored before the present text
    checks): each detail's problem, noted as the stored one; [] when all pass."""
    return [f"{p} ({STORED_NOTE.format(field=f)})" for f, p in stored.problems().items()]


def _taken(conn: sa.Connection, row: Mapping[str, Any], p: Principal, name: str) -> str | None:
    """Why ``name`` cannot be the series' (None when it can): its owner has another of that name.
    The words say no more than ``p`` may see: the other series is named as such only when ``p``
    may read it; otherwise the name is only said to be unavailable (a refusal cannot be avoided,
    for names are unique per owner, but it names no series, owner or id ``p`` could not see)."""
    same = sharing.same_name(conn, name, row["series_id"], access.normalise_id(str(row["owner"])))
    if not same:
        return None
    seen = any(sharing.readable(conn, p, r) for r in same)
    if not seen:
        return (
            f"name: '{key_shown(name)}' is not available for this series (a name is unique "
            "among all series of the series' owner); give another name"
        )
    whose = (
        "you already have"
        if access.is_person(p, row["owner"])
        else f"its owner {key_shown(row['owner'])} already has"
    )
    return f"name: {whose} another series called '{key_shown(name)}'; give another name"


def _stale(previous: SeriesDetails) -> SeriesInvalid:
    return SeriesInvalid(
        [
            f"series: the details of '{key_shown(previous.name)}' were changed in another session "
            "since this edit was begun; nothing was written: look at the details stored now and "
            "edit them again"
        ]
    )


def _audited(stored: SeriesDetails, new: SeriesDetails, changed: list[str]) -> dict[str, Any]:
    """Old -> new of each changed detail. An old value that fails today's checks is not copied
    into the trail (which keeps every entry for good): its problem is named instead."""
    refused = stored.problems()
    out: dict[str, Any] = {}
    for field in changed:
        entry = {"now": getattr(new, field)}
        if field in refused:
            entry["was_not_copied"] = refused[field].split(": ", 1)[1]
        else:
            entry["was"] = getattr(stored, field)
        out[field] = entry
    return out


def edit(
    conn: sa.Connection,
    p: Principal,
    series_id: str,
    details: SeriesDetails,
    previous: SeriesDetails | None,
) -> list[str]:
    """Give the series ``details`` (inside the write transaction); the fields changed, in order
    ([] when the details are those stored: nothing is written). Refused (``SeriesInvalid``, every
    problem at once) when a detail fails the import's rules, the name is another series' of the
    same owner, or ``previous`` (the details the edit was begun from) are no longer those stored;
    ``PermissionDenied`` when ``p`` may not change the series."""
    row = sharing.checked(conn, p, series_id, "edit")
    stored = SeriesDetails.of(row)
    if previous is not None and previous.cleaned() != stored:
        raise _stale(previous)
    new = details.cleaned()
    found = new.problems()
    problems = [
        problem
        if getattr(new, field) != getattr(stored, field)
        else f"{problem} ({STORED_NOTE.format(field=field)})"
        for field, problem in found.items()
    ]
    if "name" not in found:  # a name that is not valid text never reaches a query
        problems += [t for t in [_taken(conn, row, p, new.name)] if t]
    if problems:
        raise SeriesInvalid(problems)
    changed = [f for f in COLUMNS if getattr(new, f) != getattr(stored, f)]
    if not changed:
        return []
    sharing.touch(conn, p, series_id, **{COLUMNS[f]: getattr(new, f) for f in changed})
    audit.append(
        conn,
        actor=p.user_id,
        action="edit",
        series_id=series_id,
        detail={"series_details": _audited(stored, new, changed)},
    )
    return changed
