"""Pain response: NRS change, response definitions, oral morphine equivalents, ICPRE bounds.

Three definitions of response are offered (``Definition``):

* ``paper`` -- Sanuki 2022: "improvement" = NRS fall of 2 or more; complete = NRS 0 at completion of RT.
* ``threshold`` -- what-if: improvement = NRS fall of k or more (k = 1..5); complete as in the paper.
* ``icpre`` -- International Consensus on Palliative Radiotherapy Endpoints (Chow et al. 2012), which
  needs the daily oral morphine equivalent dose (OMED) before and after RT as well as the pain score.

The Sanuki series reports analgesic changes only in aggregate (dose reduced at 2, unchanged at 6,
increased at 4 of 12 sites), so ICPRE categories cannot be assigned site by site; ``icpre_bounds``
gives the range of ICPRE results consistent with that aggregate instead of a single, invented answer.

OMED conversion factors are population estimates (CDC 2022 or Von Korff 2008 / CDC 2016); every
display of OMED should say so.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from plexrt.stats.proportions import proportion

NRS_MIN, NRS_MAX = 0, 10

# Relative tolerance when comparing OMED values: OMED = factor x dose is a float (1.5 x 0.1 ...),
# so a change smaller than this is floating-point noise, not a dose change.
_OMED_EPS = 1e-9

# ---------------------------------------------------------------------------------------------
# NRS change
# ---------------------------------------------------------------------------------------------


def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float | np.floating) and math.isnan(v)


def _check_nrs(v: Any, name: str) -> int:
    """A pain score as int; ValueError unless a whole number 0..10 (9.0 from pandas is accepted)."""
    if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real) or _is_missing(v):
        raise ValueError(f"{name} must be a whole number from 0 to 10 (NRS), got {v!r}")
    if v != int(v) or not NRS_MIN <= v <= NRS_MAX:
        raise ValueError(f"{name} must be a whole number from 0 to 10 (NRS), got {v!r}")
    return int(v)


def _check_nrs_series(s: pd.Series, name: str) -> pd.Series:
    """Validate the known values of a Series of pain scores; return it as nullable Int64."""
    for v in s:
        if not _is_missing(v):
            _check_nrs(v, name)
    return s.astype("Int64")


def nrs_change(before: Any, after: Any) -> Any:
    """Change in pain score, ``after - before`` (negative = less pain).

    Scalars give an ``int``. If either argument is a pandas Series the result is a nullable
    ``Int64`` Series, ``<NA>`` where either score is missing. Scores must be whole numbers 0..10,
    otherwise ValueError naming the argument.
    """
    if isinstance(before, pd.Series) or isinstance(after, pd.Series):
        b = _check_nrs_series(_as_series(before, after), "before")
        a = _check_nrs_series(_as_series(after, before), "after")
        return a - b
    return _check_nrs(after, "after") - _check_nrs(before, "before")


def percent_change(before: Any, after: Any) -> Any:
    """Percentage change in pain score, ``100 * (after - before) / before``.

    Undefined when ``before == 0`` (there is no baseline pain to change): a scalar call then
    returns ``None``, never a made-up value. With pandas Series the result is a float Series with
    NaN (pandas' missing value) where the change is undefined or a score is missing.
    """
    if isinstance(before, pd.Series) or isinstance(after, pd.Series):
        b = _check_nrs_series(_as_series(before, after), "before").astype("float64")
        a = _check_nrs_series(_as_series(after, before), "after").astype("float64")
        b = b.mask(b == 0)  # no baseline pain: change undefined -> NaN
        return 100 * (a - b) / b
    b, a = _check_nrs(before, "before"), _check_nrs(after, "after")
    if b == 0:
        return None
    return 100.0 * (a - b) / b


def _as_series(x: Any, other: Any) -> pd.Series:
    if isinstance(x, pd.Series):
        return x
    return pd.Series(x, index=other.index, dtype=object)


# ---------------------------------------------------------------------------------------------
# Response definitions
# ---------------------------------------------------------------------------------------------

KINDS = ("paper", "threshold", "icpre")

PAIN_CATEGORIES = ("complete", "improved", "stable", "progression")
ICPRE_CATEGORIES = ("complete", "partial", "indeterminate", "progression")
UNKNOWN = "unknown"
RESPONDER_CATEGORIES = frozenset({"complete", "improved", "partial"})
_ALL_CATEGORIES = frozenset(PAIN_CATEGORIES) | frozenset(ICPRE_CATEGORIES)

# A rise of this many points counts as pain progression in every definition (ICPRE's rule; the
# paper itself defines no progression, so the same 2 points are used for "paper" and "threshold").
PROGRESSION_RISE = 2


@dataclass(frozen=True)
class Definition:
    """A pain-response definition: ``kind`` is "paper", "threshold" or "icpre".

    ``k`` is the NRS fall that counts as improvement. It must be 2 for "paper" (Sanuki 2022) and
    "icpre" (fixed by the consensus) and 1..5 for "threshold".
    """

    kind: str
    k: int = 2

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if isinstance(self.k, bool) or not isinstance(self.k, numbers.Integral):
            raise ValueError(f"k must be a whole number of NRS points, got {self.k!r}")
        if self.kind == "threshold" and not 1 <= self.k <= 5:
            raise ValueError(f"k must be 1 to 5 for a threshold definition, got {self.k}")
        if self.kind in ("paper", "icpre") and self.k != 2:
            raise ValueError(
                f"k is fixed at 2 for the {self.kind!r} definition, got {self.k}; "
                "use kind='threshold' for other cut-offs"
            )

    @property
    def key(self) -> str:
        """Short stable key for the UI / URL: 'paper', 'threshold3', 'icpre'."""
        return f"threshold{self.k}" if self.kind == "threshold" else self.kind

    @classmethod
    def from_key(cls, key: str) -> Definition:
        """Inverse of ``key``; ValueError for an unknown key."""
        if key not in DEFINITIONS:
            raise ValueError(
                f"unknown definition key {key!r}; choose one of {', '.join(DEFINITIONS)}"
            )
        return DEFINITIONS[key]

    @property
    def categories(self) -> tuple[str, ...]:
        """Categories in display order (best to worst)."""
        return ICPRE_CATEGORIES if self.kind == "icpre" else PAIN_CATEGORIES

    @property
    def label(self) -> str:
        """One line for a chart legend or a select box."""
        if self.kind == "paper":
            return (
                "Sanuki 2022: improvement = NRS fall ≥2; complete = NRS 0 at end of RT (any fall)"
            )
        if self.kind == "threshold":
            pts = "point" if self.k == 1 else "points"
            return f"What-if: improvement = NRS fall ≥{self.k} {pts}; complete = NRS 0 (any fall)"
        return "ICPRE 2012: pain score and oral morphine equivalent dose"

    @property
    def footnote(self) -> str:
        """Plain-English statement of the rules, for a chart footnote."""
        if self.kind == "icpre":
            return (
                "ICPRE 2012 (Chow et al.): complete = pain 0 with no increase in daily oral "
                "morphine equivalent dose (OMED); partial = pain down ≥2 without an OMED increase, "
                "or OMED down ≥25% without more pain; progression = pain up ≥2 with unchanged OMED, "
                "or OMED up ≥25% with pain unchanged or up 1; anything else indeterminate. "
                "Responders = complete + partial. By the literal wording, pain up ≥2 together with "
                "OMED up ≥25% is indeterminate. ICPRE assesses response 1–3 months after RT; "
                "Sanuki 2022 scored pain at RT completion. OMED factors are population estimates."
            )
        k = self.k
        source = "Sanuki 2022" if self.kind == "paper" else f"What-if threshold of {k}"
        return (
            f"{source}: improved = NRS fall of {k} or more; complete = NRS 0 at completion of RT "
            f"(any fall); progression = rise of {PROGRESSION_RISE} or more; "
            "otherwise stable. Responders = complete + improved. A site with no pain at baseline "
            "cannot improve and counts as stable (or progression)."
        )


DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        Definition("paper"),
        *(Definition("threshold", k) for k in range(1, 6)),
        Definition("icpre"),
    )
}


def definition_from_key(key: str) -> Definition:
    """The Definition for a UI key ('paper', 'threshold1'..'threshold5', 'icpre')."""
    return Definition.from_key(key)


# ---------------------------------------------------------------------------------------------
# ICPRE
# ---------------------------------------------------------------------------------------------

# The ICPRE rules only ask in which of these bands the relative OMED change falls.
OMED_CHANGES = ("same", "down", "down25", "up", "up25")
OMED_CHANGE_TEXT = {
    "same": "OMED unchanged",
    "down": "OMED down by less than 25%",
    "down25": "OMED down by 25% or more (incl. opioid stopped)",
    "up": "OMED up by less than 25%",
    "up25": "OMED up by 25% or more (incl. opioid started)",
}


def _check_omed(v: Any, name: str) -> float | None:
    if _is_missing(v):
        return None
    if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real) or math.isinf(v):
        raise ValueError(f"{name} must be a number of mg oral morphine per day, got {v!r}")
    if v < 0:
        raise ValueError(f"{name} must not be negative, got {v!r}")
    return float(v)


def _omed_band(before: float, after: float) -> str:
    """Band of the relative OMED change. Boundaries: exactly 25% counts as '25% or more'.

    From a baseline of 0 the relative change is undefined; starting an opioid is treated as an
    increase of 25% or more (it is an unbounded relative increase).
    """
    if before == 0:
        return "same" if after <= _OMED_EPS else "up25"
    r = (after - before) / before
    if abs(r) <= _OMED_EPS:
        return "same"
    if r <= -0.25 + _OMED_EPS:
        return "down25"
    if r < 0:
        return "down"
    if r >= 0.25 - _OMED_EPS:
        return "up25"
    return "up"


def _icpre_from_band(before: int, after: int, band: str) -> str:
    """ICPRE 2012 category from the pain scores and the band of the OMED change.

    Rules (literature.md), applied in this order:
    complete -- pain 0 with no increase in OMED;
    partial -- pain down >= 2 with no OMED increase, or OMED down >= 25% with no increase in pain;
    progression -- pain up >= 2 with stable OMED, or OMED up >= 25% with pain stable or up by 1;
    indeterminate -- anything else.
    "Stable OMED" is read literally as unchanged, so pain up >= 2 with a small OMED change either
    way is indeterminate; "pain stable" is read as an unchanged score, so OMED up >= 25% with pain
    down 1 (or up 2 or more) is indeterminate as well.
    """
    d = after - before
    increased = band in ("up", "up25")
    if after == 0 and not increased:
        return "complete"
    if (d <= -2 and not increased) or (band == "down25" and d <= 0):
        return "partial"
    if (d >= PROGRESSION_RISE and band == "same") or (band == "up25" and d in (0, 1)):
        return "progression"
    return "indeterminate"


def _bands_possible(omed_before: float | None) -> tuple[str, ...]:
    # From 0 mg the dose cannot fall; it stays 0 or an opioid is started (>= 25% by convention).
    if omed_before is not None and omed_before == 0:
        return ("same", "up25")
    return OMED_CHANGES


def icpre_possible(before: Any, after: Any, omed_before: Any = None) -> set[str]:
    """Every ICPRE category reachable for these pain scores over all possible OMED changes.

    ``omed_before`` (mg/day) matters only through whether it is 0: from 0 the OMED can only stay 0
    or rise (an opioid started); ``None`` means unknown, so every change is possible.

    Because any OMED increase rules out complete and partial response, and a 25% OMED fall can
    make a site a partial responder, pain alone almost never settles a category: e.g. pain 6 -> 0
    may be complete (OMED not increased) or indeterminate (OMED increased). The one case it does
    settle is a 1-point fall with no opioid at baseline (always indeterminate).
    """
    b, a = _check_nrs(before, "before"), _check_nrs(after, "after")
    ob = _check_omed(omed_before, "omed_before")
    return {_icpre_from_band(b, a, band) for band in _bands_possible(ob)}


def classify(
    before: Any,
    after: Any,
    definition: Definition,
    omed_before: Any = None,
    omed_after: Any = None,
) -> str:
    """Response category of one site.

    paper / threshold (k = 2 for paper): "complete" if NRS after == 0 from a painful baseline
    (pain resolved; the same for every k); "improved" if the fall is k or more and pain remains;
    "progression" if pain rose by 2 or more; otherwise "stable". With no pain at baseline
    (before == 0) nothing can fall, so the site is "stable" (0 -> 0 or 1) or "progression" (a
    rise of 2 or more), never complete. OMED arguments are ignored.

    icpre: complete / partial / indeterminate / progression by the ICPRE 2012 rules (see
    ``_icpre_from_band``). Needs OMED before and after (mg/day). When either is unknown, the
    category is returned only if the pain scores settle it whatever the OMED did (see
    ``icpre_possible``); otherwise "unknown". A site with pain 0 before and after and no OMED
    increase is "complete" by the literal rules; the app should consider whether such a site (no
    pain to treat) belongs in a response analysis at all.
    """
    if not isinstance(definition, Definition):
        raise ValueError(f"definition must be a Definition, got {definition!r}")
    b, a = _check_nrs(before, "before"), _check_nrs(after, "after")
    if definition.kind != "icpre":
        fall = b - a
        # Complete = pain resolved (NRS 0 at completion, from a painful baseline) whatever k is:
        # the what-if threshold moves only the bar for "improved" (issue: "complete unchanged").
        if a == 0 and b > 0:
            return "complete"
        if fall >= definition.k:
            return "improved"
        if -fall >= PROGRESSION_RISE:
            return "progression"
        return "stable"
    ob = _check_omed(omed_before, "omed_before")
    oa = _check_omed(omed_after, "omed_after")
    if ob is None or oa is None:
        possible = icpre_possible(b, a, ob)
        return possible.pop() if len(possible) == 1 else UNKNOWN
    return _icpre_from_band(b, a, _omed_band(ob, oa))


def is_responder(category: str) -> bool | None:
    """True for complete / improved / partial, False for stable / indeterminate / progression,
    None for "unknown" (not settled); ValueError for anything else."""
    if category == UNKNOWN:
        return None
    if category not in _ALL_CATEGORIES:
        raise ValueError(
            f"category must be one of {', '.join(sorted(_ALL_CATEGORIES))}, got {category!r}"
        )
    return category in RESPONDER_CATEGORIES


def classify_frame(df: pd.DataFrame, definition: Definition) -> pd.Series:
    """``classify`` for every row of ``df`` (columns nrs_before, nrs_after; for ICPRE optionally
    omed_before, omed_after). Rows with a missing pain score give None (not assessable)."""
    _require_columns(df, ("nrs_before", "nrs_after"), "df")
    ob = df["omed_before"] if "omed_before" in df else pd.Series(None, index=df.index)
    oa = df["omed_after"] if "omed_after" in df else pd.Series(None, index=df.index)
    out = []
    for b, a, o1, o2 in zip(df["nrs_before"], df["nrs_after"], ob, oa, strict=True):
        if _is_missing(b) or _is_missing(a):
            out.append(None)
        else:
            out.append(classify(b, a, definition, o1, o2))
    return pd.Series(out, index=df.index, dtype=object, name="category")


def response_counts(df: pd.DataFrame, definition: Definition, method: str = "exact") -> dict:
    """Counts behind a response rate for the sites in ``df``.

    Keys: ``n_treated`` (rows), ``n_assessable`` (both NRS known), ``n_unknown`` (assessable but
    the category is not settled -- ICPRE without OMED after RT), ``n_classified`` (assessable and
    settled; the denominator of the rates), ``responders``, ``complete``, ``categories`` (count per
    category, plus "unknown" for ICPRE), and ``responder_rate`` / ``complete_rate`` as
    ``plexrt.stats.Proportion`` (None when nothing is classified).
    """
    cats = classify_frame(df, definition)
    known = cats.dropna()
    n_unknown = int((known == UNKNOWN).sum())
    settled = known[known != UNKNOWN]
    counts = {c: int((settled == c).sum()) for c in definition.categories}
    if definition.kind == "icpre":
        counts[UNKNOWN] = n_unknown
    responders = int(settled.isin(RESPONDER_CATEGORIES).sum())
    complete = counts["complete"]
    n = len(settled)
    return {
        "definition": definition.key,
        "n_treated": len(df),
        "n_assessable": len(known),
        "n_unknown": n_unknown,
        "n_classified": n,
        "responders": responders,
        "complete": complete,
        "categories": counts,
        "responder_rate": proportion(responders, n, method) if n else None,
        "complete_rate": proportion(complete, n, method) if n else None,
    }


# ---------------------------------------------------------------------------------------------
# Oral morphine equivalents
# ---------------------------------------------------------------------------------------------

# Multiply the oral daily dose (mg) by the factor (literature.md). Population estimates.
OPIOID_FACTORS: dict[str, dict[str, float]] = {
    "cdc2022": {"morphine": 1.0, "oxycodone": 1.5, "hydromorphone": 5.0},
    "vonkorff2008": {"morphine": 1.0, "oxycodone": 1.5, "hydromorphone": 4.0},
}
OPIOID_FACTOR_SOURCES = {
    "cdc2022": "CDC 2022",
    "vonkorff2008": "Von Korff 2008 / CDC 2016",
}


def _truthy(v: Any, name: str) -> bool:
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, numbers.Integral) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return v.strip().lower() == "true"
    raise ValueError(f"{name} must be true or false, got {v!r}")


def _rows(rows: Any) -> list[Mapping]:
    if isinstance(rows, pd.DataFrame):
        return rows.to_dict("records")
    if isinstance(rows, Mapping | pd.Series):
        return [rows]
    if isinstance(rows, Iterable) and not isinstance(rows, str):
        return list(rows)
    raise ValueError(f"rows must be a DataFrame or an iterable of dict-like rows, got {rows!r}")


def omed_mg(rows: Any, table: str = "cdc2022") -> float:
    """Daily oral morphine equivalent dose (mg) of one course's analgesic rows.

    ``rows``: a DataFrame or dict-like rows with ``drug`` (lowercase name), ``mg_per_day`` and
    ``is_opioid``; an optional ``route`` that is missing/blank is taken as oral (Table 1 of the
    paper gives daily doses without a route; the factors are for oral dosing), any other route
    raises. Non-opioids contribute 0. An opioid without a factor in ``table``, an opioid with an
    unknown dose, or a drug of the table marked as a non-opioid raises ValueError -- never a
    silent 0.
    """
    if table not in OPIOID_FACTORS:
        raise ValueError(f"table must be one of {', '.join(OPIOID_FACTORS)}, got {table!r}")
    factors = OPIOID_FACTORS[table]
    total = 0.0
    for row in _rows(rows):
        for col in ("drug", "mg_per_day", "is_opioid"):
            if col not in row:
                raise ValueError(f"analgesic row lacks column {col!r}: {dict(row)!r}")
        drug = row["drug"]
        if not isinstance(drug, str) or not drug.strip():
            raise ValueError(f"drug must be a drug name, got {drug!r}")
        drug = drug.strip().lower()
        if not _truthy(row["is_opioid"], f"is_opioid of {drug}"):
            if drug in factors:
                raise ValueError(f"drug {drug!r} is an opioid but is marked is_opioid = false")
            continue
        if drug not in factors:
            raise ValueError(
                f"no oral morphine equivalent factor for opioid {drug!r} in table {table!r}"
            )
        route = row.get("route")
        if not _is_missing(route) and str(route).strip().lower() not in ("", "oral", "po"):
            raise ValueError(f"route {route!r} of {drug!r}: only oral factors are available")
        mg = row["mg_per_day"]
        if isinstance(mg, bool | np.bool_) or not isinstance(mg, numbers.Real) or _is_missing(mg):
            raise ValueError(f"mg_per_day of opioid {drug!r} must be a number, got {mg!r}")
        if mg < 0 or math.isinf(mg):
            raise ValueError(f"mg_per_day of opioid {drug!r} must be 0 or more, got {mg!r}")
        total += factors[drug] * float(mg)
    return total


def omed_by_course(
    analgesics_df: pd.DataFrame, table: str = "cdc2022", timepoint: str | None = None
) -> pd.Series:
    """OMED (mg/day) per course, a float Series indexed by ``course_id``.

    Courses that appear with no opioid rows get 0.0; courses with no analgesic rows at all are
    absent (unknown, not 0). If ``analgesics_df`` has a ``timepoint`` column with more than one
    value, ``timepoint`` ("baseline" / "after") must say which to use.
    """
    _require_columns(
        analgesics_df, ("course_id", "drug", "mg_per_day", "is_opioid"), "analgesics_df"
    )
    df = analgesics_df
    if timepoint is not None:
        if "timepoint" not in df:
            raise ValueError("timepoint given but analgesics_df has no 'timepoint' column")
        df = df[df["timepoint"] == timepoint]
    elif "timepoint" in df and df["timepoint"].nunique(dropna=False) > 1:
        raise ValueError(
            "analgesics_df mixes timepoints "
            f"{sorted(map(str, df['timepoint'].unique()))}; pass timepoint="
        )
    ids = pd.unique(df["course_id"])
    values = [omed_mg(df[df["course_id"] == cid], table) for cid in ids]
    return pd.Series(values, index=pd.Index(ids, name="course_id"), dtype="float64", name="omed_mg")


def _require_columns(df: Any, cols: Iterable[str], name: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}")


# ---------------------------------------------------------------------------------------------
# ICPRE bounds from aggregate analgesic changes
# ---------------------------------------------------------------------------------------------

LABELS = ("reduced", "unchanged", "increased")
SCOPES = ("analgesic", "opioid")

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
        what = (
            "a change in any analgesic (a non-opioid change leaves OMED unchanged)"
            if self.scope == "analgesic"
            else "a change in the opioid dose itself"
        )
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


def _check_count(v: Any, name: str) -> int:
    if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Integral) or v < 0:
        raise ValueError(f"{name} must be a whole number 0 or more, got {v!r}")
    return int(v)


def _check_sites(sites: Any, name: str) -> pd.DataFrame:
    _require_columns(sites, ("course_id", "nrs_before", "nrs_after", "omed_before"), name)
    if sites["course_id"].duplicated().any():
        dup = sites.loc[sites["course_id"].duplicated(), "course_id"].tolist()
        raise ValueError(f"{name} has duplicate course_id {dup}")
    for cid, ob in zip(sites["course_id"], sites["omed_before"], strict=True):
        if _check_omed(ob, f"omed_before of course {cid}") is None:
            raise ValueError(f"omed_before of course {cid} is missing; it is needed for the bounds")
    return sites


def _bounds(
    sites: pd.DataFrame,
    counted: np.ndarray,
    n_reduced: int,
    n_unchanged: int,
    n_increased: int,
    scope: str,
) -> IcpreBounds:
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    counts = (
        _check_count(n_reduced, "n_reduced"),
        _check_count(n_unchanged, "n_unchanged"),
        _check_count(n_increased, "n_increased"),
    )
    n = len(sites)
    n_alloc = math.factorial(n) // math.prod(math.factorial(c) for c in counts)
    if n_alloc > MAX_ALLOCATIONS:
        raise ValueError(
            f"{n_alloc} allocations of the counts {counts} to {n} sites are too many to enumerate "
            f"(limit {MAX_ALLOCATIONS})"
        )
    ids = list(sites["course_id"])
    before = [
        _check_nrs(v, f"nrs_before of course {c}")
        for c, v in zip(ids, sites["nrs_before"], strict=True)
    ]
    after = [
        _check_nrs(v, f"nrs_after of course {c}")
        for c, v in zip(ids, sites["nrs_after"], strict=True)
    ]
    on_opioid = [float(v) > 0 for v in sites["omed_before"]]

    # options[i][l]: (band, category) pairs site i can reach under label l; masks hold the
    # categories as bits (0 = label impossible at that site).
    options: list[list[list[tuple[str, str]]]] = []
    masks = np.zeros((n, len(LABELS)), dtype=np.uint8)
    for i in range(n):
        per_label = []
        for li, lab in enumerate(LABELS):
            bands = _LABEL_BANDS[scope][lab][on_opioid[i]]
            opts = [(bd, _icpre_from_band(before[i], after[i], bd)) for bd in bands]
            per_label.append(opts)
            for _, cat in opts:
                masks[i, li] |= _BIT[cat]
        options.append(per_label)

    alloc = _allocations(counts)
    site_masks = masks[np.arange(n), alloc]  # (allocations, sites)
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
    best_i, worst_i = int(resp_hi.argmax()), int(resp_lo.argmin())

    counted_idx = np.flatnonzero(counted)

    def scenario(row: np.ndarray, want_responder: bool) -> IcpreScenario:
        labels = {ids[i]: LABELS[row[i]] for i in range(n)}
        bands, cats = {}, {}
        for i in counted_idx:
            opts = options[i][row[i]]
            pick = next((o for o in opts if is_responder(o[1]) == want_responder), opts[0])
            bands[ids[i]], cats[ids[i]] = pick
        return IcpreScenario(sum(is_responder(c) for c in cats.values()), labels, bands, cats)

    possible = {
        ids[i]: frozenset(
            _icpre_from_band(before[i], after[i], bd)
            for bd in _bands_possible(float(sites["omed_before"].iloc[i]))
        )
        for i in counted_idx
    }
    return IcpreBounds(
        n_sites=len(counted_idx),
        n_allocations=int(valid.sum()),
        scope=scope,
        category_min=cat_min,
        category_max=cat_max,
        responders_min=int(resp_lo.min()),
        responders_max=int(resp_hi.max()),
        best_case=scenario(alloc[best_i], True),
        worst_case=scenario(alloc[worst_i], False),
        possible=possible,
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

    The best case picks, per allocation, the OMED band most favourable to response at every site,
    the worst case the least favourable. ValueError if the counts do not add up to ``len(sites)``
    -- for a filtered cohort use ``icpre_bounds_subset`` with the full series.
    """
    _check_sites(sites, "sites")
    total = sum(
        _check_count(v, nm)
        for v, nm in (
            (n_reduced, "n_reduced"),
            (n_unchanged, "n_unchanged"),
            (n_increased, "n_increased"),
        )
    )
    if total != len(sites):
        raise ValueError(
            f"n_reduced + n_unchanged + n_increased = {total} but sites has {len(sites)} rows; "
            "if the counts describe the full series, use icpre_bounds_subset(all_sites, subset_ids, ...)"
        )
    counted = np.ones(len(sites), dtype=bool)
    return _bounds(
        sites.reset_index(drop=True), counted, n_reduced, n_unchanged, n_increased, scope
    )


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
    total = sum(
        _check_count(v, nm)
        for v, nm in (
            (n_reduced, "n_reduced"),
            (n_unchanged, "n_unchanged"),
            (n_increased, "n_increased"),
        )
    )
    if total != len(all_sites):
        raise ValueError(
            f"n_reduced + n_unchanged + n_increased = {total} but all_sites has {len(all_sites)} rows"
        )
    sites = all_sites.reset_index(drop=True)
    counted = sites["course_id"].isin(set(wanted)).to_numpy()
    return _bounds(sites, counted, n_reduced, n_unchanged, n_increased, scope)
