"""Which part of a cohort filter emptied the cohort, and the filter without it.

A filter is a conjunction of parts (involved muscle, intent, primary group, primary cancer, sex,
age, NRS before RT, dose, excluded sites). When it leaves no site, each active part is removed in
turn; the parts whose removal brings sites back are the ones that emptied the cohort, and the
filter without that part is the undo. When no single part does it, only a combination emptied
the cohort and the whole filter is the undo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from plexrt.data.filters import CohortFilter

# The parts of a filter: name (as the sidebar labels it) and the fields that hold it.
PARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "muscles": ("Involved muscle", ("muscles",)),
    "intents": ("Intent of RT", ("intents",)),
    "primary_groups": ("Primary group", ("primary_groups",)),
    "primary_cancers": ("Primary cancer", ("primary_cancers",)),
    "sexes": ("Sex", ("sexes",)),
    "age": ("Age (years)", ("age_min", "age_max")),
    "nrs": ("NRS before RT", ("nrs_min", "nrs_max")),
    "dose": ("Dose", ("dose_min", "dose_max")),
    "exclude": ("Exclude these sites", ("exclude",)),
}


@dataclass(frozen=True)
class Undo:
    """One active part of a filter: its key in PARTS, in words ('Involved muscle: piriformis'),
    the filter without it, and how many sites that filter keeps (None: not counted)."""

    part: str
    words: str
    without: CohortFilter
    n_sites: int | None = None


def _cleared(flt: CohortFilter, part: str) -> CohortFilter:
    fields = PARTS[part][1]
    empty: dict[str, Any] = {
        f: (() if isinstance(getattr(flt, f), tuple) else None) for f in fields
    }
    return replace(flt, **empty)


def active_parts(flt: CohortFilter) -> list[Undo]:
    """Every part of ``flt`` that restricts something, in sidebar order, with the filter
    without it."""
    out = []
    for part, (name, fields) in PARTS.items():
        if all(getattr(flt, f) in ((), None) for f in fields):
            continue
        alone = _cleared(CohortFilter(dose_metric=flt.dose_metric), part)
        alone = replace(alone, **{f: getattr(flt, f) for f in fields})
        out.append(Undo(part, f"{name}: {alone.describe()}", _cleared(flt, part)))
    return out


def emptying_parts(flt: CohortFilter, count: Callable[[CohortFilter], int]) -> list[Undo]:
    """The parts whose removal alone brings sites back (``count``: sites a filter keeps), each
    with that number; [] when the filter keeps sites or only a combination empties it."""
    if flt.is_empty or count(flt) > 0:
        return []
    out = []
    for undo in active_parts(flt):
        n = count(undo.without)
        if n > 0:
            out.append(replace(undo, n_sites=n))
    return out
