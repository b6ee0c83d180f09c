"""The range of ICPRE results when analgesic changes after RT are known only as counts.

The Sanuki series reports analgesic changes only in aggregate (dose reduced at 2, unchanged at 6,
increased at 4 of 12 sites), so ICPRE categories cannot be assigned site by site; ``icpre_bounds``
gives the range of ICPRE results consistent with that aggregate instead of a single, invented
answer, by enumerating every allocation of the counts to the sites.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical.definitions import RESPONDER_CATEGORIES
from plexrt.clinical.icpre import ICPRE_CATEGORIES, bands_possible, category_from_band, check_omed
from plexrt.clinical.inputs import check_count, require_columns
from plexrt.clinical.pain_scores import check_nrs

LABELS = ("reduced", "unchanged", "increased")
SCOPES = ("analgesic", "opioid", "increases_non_opioid")
# The columns the bounds read from each site (omed_before: baseline oral morphine equivalent).
SITE_COLUMNS = ("course_id", "nrs_before", "nrs_after", "omed_before")

# Which OMED bands each aggregate label allows, for a site with / without opioid at baseline.
# scope "analgesic": the paper says "analgesic dose", which includes non-opioids, so a reduction
#   or increase may have been in a non-opioid alone (OMED unchanged).
# scope "opioid": the labels are read as changes of the opioid dose itself.
# In both, "unchanged" means OMED unchanged and magnitudes are unknown: a reduction may or may not
# reach 25%, an increase may or may not reach 25%; every possibility is kept.
_LABEL_BANDS: dict[str, dict[str, dict[bool, tuple[str, ...]]]] = {
    "analgesic": {
        "reduced": {True: ("same", "down", "down25"), False: ("same",)},
        "unchanged": {True: ("same",), False: ("same",)},
        "increased": {True: ("same", "up", "up25"), False: ("same", "up25")},
    },
    "opioid": {
        "reduced": {True: ("down", "down25"), False: ()},  # cannot reduce an opioid not taken
        "unchanged": {True: ("same",), False: ("same",)},
        "increased": {True: ("up", "up25"), False: ("up25",)},  # from 0: an opioid started
    },
    # scope "increases_non_opioid": the increases were of non-opioids only (OMED unchanged);
    #   reductions as in "analgesic" (opioid or not).
    "increases_non_opioid": {
        "reduced": {True: ("same", "down", "down25"), False: ("same",)},
        "unchanged": {True: ("same",), False: ("same",)},
        "increased": {True: ("same",), False: ("same",)},
    },
}
# What each scope reads the published labels as, for footnotes.
SCOPE_TEXT = {
    "analgesic": "a change in any analgesic (a non-opioid change leaves OMED unchanged)",
    "opioid": "a change in the opioid dose itself",
    "increases_non_opioid": "for increases, a change in non-opioids only (OMED unchanged); for "
    "reductions, a change in any analgesic",
}

_BIT = {c: 1 << i for i, c in enumerate(ICPRE_CATEGORIES)}
_RESP_BITS = _BIT["complete"] | _BIT["partial"]
_ALL_BITS = sum(_BIT.values())
MAX_ALLOCATIONS = 1_000_000


@dataclass(frozen=True)
class IcpreScenario:
    """One concrete case consistent with the aggregate: label per site (all sites of the series),
    assumed OMED band and resulting ICPRE category per counted site, number of responders."""

    responders: int
    labels: dict[Any, str]
    omed_change: dict[Any, str]
    categories: dict[Any, str]


@dataclass(frozen=True)
class IcpreBounds:
    """Range of ICPRE results over every allocation of the aggregate labels and OMED magnitude.

    ``category_min`` / ``category_max``: fewest / most counted sites in each category; each bound
    is attained by some allocation, but not necessarily all bounds by the same one.
    ``responders_min`` / ``responders_max`` with ``worst_case`` / ``best_case`` examples.
    ``possible``: categories reachable per site from the pain score alone (any OMED change);
    ``settled``: the sites whose category the pain score alone fixes.
    """

    n_sites: int
    n_allocations: int
    scope: str
    category_min: dict[str, int]
    category_max: dict[str, int]
    responders_min: int
    responders_max: int
    best_case: IcpreScenario
    worst_case: IcpreScenario
    possible: dict[Any, frozenset[str]] = field(default_factory=dict)

    @property
    def settled(self) -> dict[Any, str]:
        return {cid: next(iter(s)) for cid, s in self.possible.items() if len(s) == 1}

    def text(self) -> str:
        """'ICPRE responders: 8–12 of 12 sites' (a single number when the range is a point)."""
        lo, hi = self.responders_min, self.responders_max
        rng = f"{lo}" if lo == hi else f"{lo}–{hi}"
        return f"ICPRE responders: {rng} of {self.n_sites} sites"

    @property
    def footnote(self) -> str:
        what = SCOPE_TEXT[self.scope]
        return (
            "Analgesic changes after RT are published only in aggregate, so ICPRE categories are "
            f"shown as ranges over all {self.n_allocations} ways of assigning them to sites. Each "
            f"reported reduction or increase is read as {what}; its size is unknown, so both "
            "'<25%' and '≥25%' are allowed; 'unchanged' means OMED unchanged."
        )


def _allocations(counts: tuple[int, ...]) -> np.ndarray:
    """Every assignment of label indices 0..len(counts)-1 to sum(counts) sites with those counts,
    as an int8 array of shape (multinomial coefficient, n)."""
    n = sum(counts)
    if len(counts) == 1:
        return np.zeros((1, n), dtype=np.int8)
    rest = _allocations(counts[1:]) + 1
    combos = list(combinations(range(n), counts[0]))
    m = len(rest)
    out = np.empty((len(combos) * m, n), dtype=np.int8)
    for j, chosen in enumerate(combos):
        keep = np.ones(n, dtype=bool)
        keep[list(chosen)] = False
        block = out[j * m : (j + 1) * m]
        block[:, ~keep] = 0
        block[:, keep] = rest
    return out


def _check_counts(n_reduced: Any, n_unchanged: Any, n_increased: Any) -> tuple[int, int, int]:
    return (
        check_count(n_reduced, "n_reduced"),
        check_count(n_unchanged, "n_unchanged"),
        check_count(n_increased, "n_increased"),
    )


def _check_sites(sites: Any, name: str) -> pd.DataFrame:
    require_columns(sites, name, SITE_COLUMNS)
    if sites["course_id"].duplicated().any():
        dup = sites.loc[sites["course_id"].duplicated(), "course_id"].tolist()
        raise ValueError(f"{name} has duplicate course_id {dup}")
    for cid, ob in zip(sites["course_id"], sites["omed_before"], strict=True):
        if check_omed(ob, f"omed_before of course {cid}") is None:
            raise ValueError(f"omed_before of course {cid} is missing; it is needed for the bounds")
    return sites


@dataclass(frozen=True)
class _Sites:
    """The sites of the series with validated pain scores and what each label allows there:
    ``options[i][l]`` = (band, category) pairs site i can reach under label l; ``masks`` hold
    the same categories as bits (0 = label impossible at that site); ``possible[i]``: the
    categories reachable from the pain scores alone (any OMED change)."""

    ids: list[Any]
    options: list[list[list[tuple[str, str]]]]
    masks: np.ndarray
    possible: list[frozenset[str]]


def _read_sites(sites: pd.DataFrame, scope: str) -> _Sites:
    ids = list(sites["course_id"])
    before = [
        check_nrs(v, f"nrs_before of course {c}")
        for c, v in zip(ids, sites["nrs_before"], strict=True)
    ]
    after = [
        check_nrs(v, f"nrs_after of course {c}")
        for c, v in zip(ids, sites["nrs_after"], strict=True)
    ]
    omed = [float(v) for v in sites["omed_before"]]
    options: list[list[list[tuple[str, str]]]] = []
    masks = np.zeros((len(ids), len(LABELS)), dtype=np.uint8)
    for i in range(len(ids)):
        per_label = []
        for li, lab in enumerate(LABELS):
            bands = _LABEL_BANDS[scope][lab][omed[i] > 0]
            opts = [(bd, category_from_band(before[i], after[i], bd)) for bd in bands]
            per_label.append(opts)
            for _, cat in opts:
                masks[i, li] |= _BIT[cat]
        options.append(per_label)
    possible = [
        frozenset(category_from_band(before[i], after[i], bd) for bd in bands_possible(omed[i]))
        for i in range(len(ids))
    ]
    return _Sites(ids, options, masks, possible)


def _scenario(
    s: _Sites, counted_idx: np.ndarray, row: np.ndarray, responder: bool
) -> IcpreScenario:
    """The allocation ``row`` with, per counted site, the OMED band most (``responder``) or least
    favourable to response."""
    labels = {s.ids[i]: LABELS[row[i]] for i in range(len(s.ids))}
    bands, cats = {}, {}
    for i in counted_idx:
        opts = s.options[i][row[i]]
        pick = next((o for o in opts if (o[1] in RESPONDER_CATEGORIES) == responder), opts[0])
        bands[s.ids[i]], cats[s.ids[i]] = pick
    n_resp = sum(c in RESPONDER_CATEGORIES for c in cats.values())
    return IcpreScenario(n_resp, labels, bands, cats)


def _n_allocations(counts: tuple[int, int, int], n: int) -> int:
    n_alloc = math.factorial(n) // math.prod(math.factorial(c) for c in counts)
    if n_alloc > MAX_ALLOCATIONS:
        raise ValueError(
            f"{n_alloc} allocations of the counts {counts} to {n} sites are too many to enumerate "
            f"(limit {MAX_ALLOCATIONS})"
        )
    return n_alloc


def _bounds(
    sites: pd.DataFrame,
    counted: np.ndarray,
    counts: tuple[int, int, int],
    scope: str,
) -> IcpreBounds:
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    _n_allocations(counts, len(sites))
    s = _read_sites(sites, scope)
    alloc = _allocations(counts)
    site_masks = s.masks[np.arange(len(s.ids)), alloc]  # (allocations, sites)
    valid = (site_masks != 0).all(axis=1)
    if not valid.any():
        raise ValueError(
            f"no allocation of reduced={counts[0]}, unchanged={counts[1]}, increased={counts[2]} "
            f"fits these sites under scope {scope!r} (e.g. more reductions than sites on opioids)"
        )
    alloc, site_masks = alloc[valid], site_masks[valid][:, counted]

    # For a single category (or responders) the OMED bands of different sites can be chosen
    # independently, so per allocation: max = sites where it is reachable, min = sites where it
    # is the only reachable category.
    cat_min, cat_max = {}, {}
    for cat, bit in _BIT.items():
        cat_max[cat] = int(((site_masks & bit) != 0).sum(axis=1).max())
        cat_min[cat] = int((site_masks == bit).sum(axis=1).min())
    resp_hi = ((site_masks & _RESP_BITS) != 0).sum(axis=1)
    resp_lo = ((site_masks & (_ALL_BITS ^ _RESP_BITS)) == 0).sum(axis=1)
    counted_idx = np.flatnonzero(counted)
    return IcpreBounds(
        n_sites=len(counted_idx),
        n_allocations=int(valid.sum()),
        scope=scope,
        category_min=cat_min,
        category_max=cat_max,
        responders_min=int(resp_lo.min()),
        responders_max=int(resp_hi.max()),
        best_case=_scenario(s, counted_idx, alloc[int(resp_hi.argmax())], True),
        worst_case=_scenario(s, counted_idx, alloc[int(resp_lo.argmin())], False),
        possible={s.ids[i]: s.possible[i] for i in counted_idx},
    )


def icpre_bounds(
    sites: pd.DataFrame,
    n_reduced: int,
    n_unchanged: int,
    n_increased: int,
    scope: str = "analgesic",
) -> IcpreBounds:
    """Range of ICPRE categories when analgesic changes are known only as counts.

    ``sites``: one row per site with course_id, nrs_before, nrs_after, omed_before (mg/day).
    Every allocation of the labels "reduced" / "unchanged" / "increased" to the sites with the
    given counts is enumerated. Rules for what a label allows (``scope``):

    * "unchanged" = OMED unchanged.
    * Magnitude is unknown: a reduction may be < 25% or >= 25% (incl. stopping the opioid), an
      increase may be < 25% or >= 25%. Note that ICPRE counts *any* OMED increase against a
      response, so an increase below 25% is not a best case; the best case for a responder is an
      OMED that did not rise at all.
    * scope "analgesic" (default): the paper says "analgesic dose", which includes non-opioids,
      so a reduction or increase may have left the OMED unchanged; at a site without opioid the
      OMED can only stay 0 or (increase) an opioid be started, counted as >= 25%.
    * scope "opioid": the labels describe the opioid dose itself: "reduced" needs an opioid at
      baseline (allocations putting it elsewhere are discarded), "increased" always raises OMED.
    * scope "increases_non_opioid": as "analgesic", but every increase was of a non-opioid, so
      OMED did not rise at an "increased" site.

    The best case picks, per allocation, the OMED band most favourable to response at every site,
    the worst case the least favourable. ValueError if the counts do not add up to ``len(sites)``
    -- for a filtered cohort use ``icpre_bounds_subset`` with the full series.
    """
    _check_sites(sites, "sites")
    counts = _check_counts(n_reduced, n_unchanged, n_increased)
    total = sum(counts)
    if total != len(sites):
        raise ValueError(
            f"n_reduced + n_unchanged + n_increased = {total} but sites has {len(sites)} rows; "
            "if the counts describe the full series, use icpre_bounds_subset(all_sites, subset_ids, ...)"
        )
    counted = np.ones(len(sites), dtype=bool)
    return _bounds(sites.reset_index(drop=True), counted, counts, scope)


def icpre_bounds_subset(
    all_sites: pd.DataFrame,
    subset_ids: Iterable[Any],
    n_reduced: int,
    n_unchanged: int,
    n_increased: int,
    scope: str = "analgesic",
) -> IcpreBounds:
    """As ``icpre_bounds`` for a filtered cohort: the counts apply to ``all_sites`` (the full
    series) and the ranges count only the sites in ``subset_ids``. Example labels in the
    scenarios cover all sites (that is what makes them consistent with the aggregate); their
    categories cover the subset only."""
    _check_sites(all_sites, "all_sites")
    wanted = list(subset_ids)
    known = set(all_sites["course_id"])
    missing = [c for c in wanted if c not in known]
    if missing:
        raise ValueError(f"subset_ids not in all_sites: {missing}")
    counts = _check_counts(n_reduced, n_unchanged, n_increased)
    total = sum(counts)
    if total != len(all_sites):
        raise ValueError(
            f"n_reduced + n_unchanged + n_increased = {total} but all_sites has {len(all_sites)} rows"
        )
    sites = all_sites.reset_index(drop=True)
    counted = sites["course_id"].isin(set(wanted)).to_numpy()
    return _bounds(sites, counted, counts, scope)
