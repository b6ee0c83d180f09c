"""ICPRE from an aggregate of analgesic changes under every defensible reading of what was changed.

Sanuki 2022 reports only that "the analgesic dose was reduced in two patients, unchanged in six
patients, and increased in four patients". ICPRE needs the change in oral morphine equivalent
(OMED), and the sentence does not say whether the doses changed were opioids. Each reading below
gives its own range of ICPRE results (``icpre_bounds``, over every allocation of the counts to the
sites and every size of change). None is more likely than the others from the text, so all are
shown, each named; when one number is needed, the least favourable (fewest responders) is quoted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from plexrt.clinical.icpre_bounds import IcpreBounds, icpre_bounds_subset

# reading key -> (scope of icpre_bounds, name, what it assumes)
READINGS: dict[str, tuple[str, str, str]] = {
    "literal": (
        "analgesic",
        "literal",
        "'analgesic dose' as written: each reduction or increase may have been of an opioid "
        "(OMED changed) or of a non-opioid (OMED unchanged)",
    ),
    "opioid": (
        "opioid",
        "changes were opioid",
        "every reduction and increase was of the opioid dose (a reduction needs an opioid at "
        "baseline; an increase from none starts one)",
    ),
    "increases_non_opioid": (
        "increases_non_opioid",
        "increases were non-opioid",
        "every increase was of a non-opioid (OMED unchanged); reductions may have been either",
    ),
}


@dataclass(frozen=True)
class IcpreReadings:
    """The ICPRE range of the counted sites under each reading (in ``READINGS`` order)."""

    by_reading: dict[str, IcpreBounds]

    @property
    def n_sites(self) -> int:
        return next(iter(self.by_reading.values())).n_sites

    @property
    def least_favourable(self) -> str:
        """The reading with the fewest responders (then the lowest best case; ties: first)."""
        return min(
            self.by_reading,
            key=lambda k: (self.by_reading[k].responders_min, self.by_reading[k].responders_max),
        )

    @property
    def responders_range(self) -> tuple[int, int]:
        """Fewest and most responders over every reading."""
        b = self.by_reading.values()
        return min(x.responders_min for x in b), max(x.responders_max for x in b)

    def category_range(self, category: str) -> tuple[int, int]:
        b = self.by_reading.values()
        return min(x.category_min[category] for x in b), max(x.category_max[category] for x in b)

    def headline(self) -> str:
        """'8 of 12 sites (least favourable reading: changes were opioid)'."""
        key = self.least_favourable
        b = self.by_reading[key]
        return (
            f"{b.responders_min} of {b.n_sites} sites (least favourable reading: "
            f"{READINGS[key][1]})"
        )

    def range_text(self) -> str:
        """'8–12 of 12 sites over 3 readings'."""
        lo, hi = self.responders_range
        rng = f"{lo}" if lo == hi else f"{lo}–{hi}"
        return f"{rng} of {self.n_sites} sites over {len(self.by_reading)} readings"

    def table(self) -> pd.DataFrame:
        """One row per reading: its name, what it assumes, responders and complete ranges, and
        how many allocations of the counts it allows."""
        rows = []
        for key, b in self.by_reading.items():
            _, name, assumes = READINGS[key]
            rows.append(
                {
                    "Reading": name
                    + (" (least favourable)" if key == self.least_favourable else ""),
                    "What it assumes": assumes,
                    "Responders": _span(b.responders_min, b.responders_max, b.n_sites),
                    "Complete": _span(
                        b.category_min["complete"], b.category_max["complete"], b.n_sites
                    ),
                    "Allocations": b.n_allocations,
                }
            )
        return pd.DataFrame(rows)


def _span(lo: int, hi: int, n: int) -> str:
    return f"{lo} of {n}" if lo == hi else f"{lo}–{hi} of {n}"


def icpre_readings(
    all_sites: pd.DataFrame,
    subset_ids: Iterable[Any],
    n_reduced: int,
    n_unchanged: int,
    n_increased: int,
) -> IcpreReadings:
    """``icpre_bounds_subset`` under every reading of ``READINGS``: the counts describe
    ``all_sites`` (the whole series), the ranges count the sites in ``subset_ids``."""
    ids = list(subset_ids)
    return IcpreReadings(
        {
            key: icpre_bounds_subset(
                all_sites, ids, n_reduced, n_unchanged, n_increased, scope=scope
            )
            for key, (scope, _, _) in READINGS.items()
        }
    )
