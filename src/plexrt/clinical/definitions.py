"""Pain-response definitions and the category of a site under each.

Three definitions of response are offered (``Definition``):

* ``paper`` -- Sanuki 2022: "improvement" = NRS fall of 2 or more; complete = NRS 0 at completion of RT.
* ``threshold`` -- what-if: improvement = NRS fall of k or more (k = 1..5); complete as in the paper.
* ``icpre`` -- International Consensus on Palliative Radiotherapy Endpoints (Chow et al. 2012), which
  needs the daily oral morphine equivalent dose (OMED) before and after RT as well as the pain score
  (rules in ``plexrt.clinical.icpre``).

Which sites count in a rate is the denominator rule of ``plexrt.clinical.pain_scores.assessable``.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from plexrt.clinical.icpre import ICPRE_CATEGORIES, icpre_category
from plexrt.clinical.pain_scores import PROGRESSION_RISE, assessable, check_nrs
from plexrt.stats.proportions import proportion

KINDS = ("paper", "threshold", "icpre")

PAIN_CATEGORIES = ("complete", "improved", "stable", "progression")
UNKNOWN = "unknown"
RESPONDER_CATEGORIES = frozenset({"complete", "improved", "partial"})
_ALL_CATEGORIES = frozenset(PAIN_CATEGORIES) | frozenset(ICPRE_CATEGORIES)


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
        """One line for a chart legend or a select box. Worded as a definition ('As in Sanuki
        2022 (...)'), never as a series' name: it is shown for every series it is applied to.
        The paper's and ICPRE's begin with their ``short_label``."""
        if self.kind == "paper":
            return (
                f"{self.short_label} (improvement = NRS fall ≥2; complete = NRS 0 at end of RT, "
                "any fall)"
            )
        if self.kind == "threshold":
            pts = "point" if self.k == 1 else "points"
            return f"What-if: improvement = NRS fall ≥{self.k} {pts}; complete = NRS 0 (any fall)"
        return f"{self.short_label}: pain score and oral morphine equivalent dose"

    @property
    def short_label(self) -> str:
        """The definition named in a few words, for an option where the whole ``label`` does
        not fit (shown with the ``label`` under it): 'As in Sanuki 2022', 'What-if: NRS fall
        ≥3', 'ICPRE 2012'."""
        if self.kind == "paper":
            return "As in Sanuki 2022"
        if self.kind == "threshold":
            return f"What-if: NRS fall ≥{self.k}"
        return "ICPRE 2012"

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
        source = "As in Sanuki 2022," if self.kind == "paper" else f"What-if threshold of {k}:"
        return (
            f"{source} improved = NRS fall of {k} or more; complete = NRS 0 at completion of RT "
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


#: The definitions a page offers, in words (URL key -> label).
DEFINITION_LABELS: dict[str, str] = {key: d.label for key, d in DEFINITIONS.items()}
#: The same in a few words each (URL key -> short label), where the whole label does not fit.
DEFINITION_SHORT_LABELS: dict[str, str] = {key: d.short_label for key, d in DEFINITIONS.items()}


def definition_from_key(key: str) -> Definition:
    """The Definition for a UI key ('paper', 'threshold1'..'threshold5', 'icpre')."""
    return Definition.from_key(key)


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
    ``icpre.category_from_band``). Needs OMED before and after (mg/day). When either is unknown, the
    category is returned only if the pain scores settle it whatever the OMED did (see
    ``icpre_possible``); otherwise "unknown". A site with pain 0 before and after and no OMED
    increase is "complete" by the literal rules; the app should consider whether such a site (no
    pain to treat) belongs in a response analysis at all.
    """
    if not isinstance(definition, Definition):
        raise ValueError(f"definition must be a Definition, got {definition!r}")
    b, a = check_nrs(before, "before"), check_nrs(after, "after")
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
    category = icpre_category(b, a, omed_before, omed_after)
    return UNKNOWN if category is None else category


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
    omed_before, omed_after). Sites that are not assessable (``pain_scores.assessable``) give None."""
    keep = assessable(df).to_numpy(dtype=bool)
    none = pd.Series(None, index=df.index, dtype=object)
    inputs = pd.DataFrame(
        {
            "b": df["nrs_before"],
            "a": df["nrs_after"],
            "o1": df.get("omed_before", none),
            "o2": df.get("omed_after", none),
        }
    )[keep]
    out = np.full(len(df), None, dtype=object)
    if len(inputs):
        # ``classify`` once per distinct (before, after), with OMED before and after for ICPRE
        # (the other definitions ignore the OMED, whose thousands of distinct doses in a
        # registry cost a call each): at most a few hundred whatever the number of sites
        by = list(inputs.columns) if getattr(definition, "kind", None) == "icpre" else ["b", "a"]
        groups = inputs.groupby(by, dropna=False, sort=False)
        first = groups.head(1)
        cats = [
            classify(b, a, definition, o1, o2)
            for b, a, o1, o2 in zip(first["b"], first["a"], first["o1"], first["o2"], strict=True)
        ]
        out[keep] = np.asarray(cats, dtype=object)[groups.ngroup().to_numpy()]
    return pd.Series(out, index=df.index, dtype=object, name="category")


# What a response rate reads when no site of the cohort has both pain scores.
NOT_ASSESSABLE = "not assessable (no site has an NRS both before and after RT)"
# ... when ICPRE cannot classify an assessable site: its opioid dose after RT is not recorded (and
# no published aggregate bounds the rate).
NOT_CLASSIFIED = (
    "not available (ICPRE needs the opioid dose after RT, which is not recorded for every "
    "assessable site)"
)


# ... when the cohort holds no site at all (a filter that keeps none).
NO_SITES = "not available (no site in the cohort)"


def unrated(n_assessable: int, n_treated: int) -> str:
    """Why the response rates of a cohort are not given (``rates_known`` is False): no site at
    all, no site with both pain scores, or some assessable site that cannot be classified (ICPRE
    without the opioid dose after RT). The words every surface states in place of the rate."""
    if n_treated == 0:
        return NO_SITES
    return NOT_ASSESSABLE if n_assessable == 0 else NOT_CLASSIFIED


def rates_known(counts: Mapping[str, Any]) -> bool:
    """Whether response rates can be given for these ``response_counts``: every assessable site
    is classified, and at least one site is assessable. Counted over all treated sites, a site
    without both pain scores is not a responder (the paper's rule); with no site assessable at
    all, '0 of n treated sites' would read as nobody responding when nobody's pain was measured
    after RT."""
    return counts["n_unknown"] == 0 and counts["n_assessable"] > 0


def response_counts(
    df: pd.DataFrame,
    definition: Definition,
    method: str = "exact",
    categories: pd.Series | None = None,
) -> dict[str, Any]:
    """Counts behind a response rate for the sites in ``df``.

    Keys: ``n_treated`` (rows), ``n_assessable`` (``pain_scores.assessable``), ``n_unknown`` (assessable but
    the category is not settled -- ICPRE without OMED after RT), ``n_classified`` (assessable and
    settled; the denominator of the rates), ``responders``, ``complete``, ``categories`` (count per
    category, plus "unknown" for ICPRE), and ``responder_rate`` / ``complete_rate`` as
    ``plexrt.stats.Proportion`` (None when nothing is classified). ``categories``: the
    ``classify_frame`` of ``df`` under ``definition`` when the caller has it already.
    """
    cats = classify_frame(df, definition) if categories is None else categories
    known = cats.dropna()
    tally = known.value_counts()  # one pass over the sites (a registry has 100,000)
    n_unknown = int(tally.get(UNKNOWN, 0))
    counts = {c: int(tally.get(c, 0)) for c in definition.categories}
    if definition.kind == "icpre":
        counts[UNKNOWN] = n_unknown
    responders = sum(int(tally.get(c, 0)) for c in RESPONDER_CATEGORIES)
    complete = counts["complete"]
    n = len(known) - n_unknown
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
