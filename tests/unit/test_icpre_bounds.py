"""ICPRE bounds over every allocation of aggregate analgesic changes (plexrt.clinical.icpre_bounds).

Expected values are derived by hand in the comments, and checked against a brute-force enumeration
that calls ``classify`` with concrete OMED values (independent of the module's band tables).
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from plexrt.clinical.definitions import Definition, classify, is_responder
from plexrt.clinical.icpre_bounds import icpre_bounds, icpre_bounds_subset
from tests.unit.sanuki_table1 import SANUKI

ICPRE = Definition("icpre")

# --------------------------------------------------------------------------------------------
# ICPRE bounds: 4-site hand example
# --------------------------------------------------------------------------------------------

# Sites (before -> after, baseline OMED):
#   A 6 -> 0, 30 mg   B 5 -> 4, 0 mg   C 3 -> 5, 20 mg   D 4 -> 4, 10 mg
# Counts: 1 reduced, 2 unchanged, 1 increased -> 4!/(1! 2! 1!) = 12 allocations.
# Reachable categories per label, scope "analgesic" (a change may be in a non-opioid only):
#   A: reduced/unchanged {complete}; increased {complete (non-opioid), indeterminate (OMED up)}
#   B: fall 1, no opioid: OMED 0 -> indeterminate, opioid started -> indeterminate (pain fell):
#      {indeterminate} under every label
#   C: rise 2: unchanged OMED -> progression; any OMED change -> indeterminate:
#      reduced {ind, prog}, unchanged {prog}, increased {prog, ind}
#   D: pain unchanged: -25% -> partial; +25% -> progression; else indeterminate:
#      reduced {partial, ind}, unchanged {ind}, increased {ind, prog}
# complete: only A; A increased can be indeterminate -> min 0, max 1
# partial: only D reduced -> min 0, max 1
# progression: C unchanged is forced; C & D increased... max = C unchanged + D increased = 2;
#   min 0 (C reduced, D unchanged)
# indeterminate: B always forced; D forced only when unchanged; min 1 (D reduced); max 4
#   (A increased, C reduced, B and D unchanged)
# responders: max 2 (A not increased, D reduced); min 0 (A increased)
# Scope "opioid": B (no opioid) cannot be "reduced" -> 3 x 3 = 9 allocations;
#   A increased -> indeterminate only; C reduced/increased -> indeterminate only; D as before
#   minus the "non-opioid" options (reduced {partial, ind}, increased {ind, prog}).
#   complete 0..1, partial 0..1, progression 0..2 (R=A, I=D, B & C unchanged),
#   indeterminate min 1 (D reduced, B increased, A & C unchanged) max 4, responders 0..2.
SMALL = pd.DataFrame(
    [("A", 6, 0, 30.0), ("B", 5, 4, 0.0), ("C", 3, 5, 20.0), ("D", 4, 4, 10.0)],
    columns=["course_id", "nrs_before", "nrs_after", "omed_before"],
)
SMALL_EXPECTED = {
    "analgesic": dict(
        n=12,
        cmin={"complete": 0, "partial": 0, "indeterminate": 1, "progression": 0},
        cmax={"complete": 1, "partial": 1, "indeterminate": 4, "progression": 2},
        resp=(0, 2),
    ),
    "opioid": dict(
        n=9,
        cmin={"complete": 0, "partial": 0, "indeterminate": 1, "progression": 0},
        cmax={"complete": 1, "partial": 1, "indeterminate": 4, "progression": 2},
        resp=(0, 2),
    ),
}

# Concrete OMED after RT for each label (test side, independent of the module's band tables):
# the values realise every band the label allows.
_CONCRETE = {
    "analgesic": {
        "reduced": lambda ob: [ob, 0.9 * ob, 0.5 * ob] if ob > 0 else [0.0],
        "unchanged": lambda ob: [ob],
        "increased": lambda ob: [ob, 1.1 * ob, 1.5 * ob] if ob > 0 else [0.0, 10.0],
    },
    "opioid": {
        "reduced": lambda ob: [0.9 * ob, 0.5 * ob] if ob > 0 else [],
        "unchanged": lambda ob: [ob],
        "increased": lambda ob: [1.1 * ob, 1.5 * ob] if ob > 0 else [10.0],
    },
}
_BAND_VALUE = {
    "same": lambda ob: ob,
    "down": lambda ob: 0.9 * ob,
    "down25": lambda ob: 0.5 * ob,
    "up": lambda ob: 1.1 * ob,
    "up25": lambda ob: 1.5 * ob if ob > 0 else 10.0,
}


def _brute_force(sites, counts, scope):
    """Enumerate label permutations and concrete OMED values, classifying with ``classify``."""
    labels = ["reduced"] * counts[0] + ["unchanged"] * counts[1] + ["increased"] * counts[2]
    cats = ("complete", "partial", "indeterminate", "progression")
    lo = dict.fromkeys(cats, math.inf)
    hi = dict.fromkeys(cats, -math.inf)
    rlo, rhi, n_alloc = math.inf, -math.inf, 0
    rows = list(sites.itertuples(index=False))
    for perm in sorted(set(itertools.permutations(labels))):
        choices = [_CONCRETE[scope][lab](r.omed_before) for lab, r in zip(perm, rows, strict=True)]
        if any(not c for c in choices):
            continue
        n_alloc += 1
        for oa in itertools.product(*choices):
            got = [
                classify(r.nrs_before, r.nrs_after, ICPRE, r.omed_before, o)
                for r, o in zip(rows, oa, strict=True)
            ]
            for c in cats:
                lo[c], hi[c] = min(lo[c], got.count(c)), max(hi[c], got.count(c))
            resp = sum(is_responder(g) for g in got)
            rlo, rhi = min(rlo, resp), max(rhi, resp)
    return n_alloc, lo, hi, (rlo, rhi)


def _check_scenario(sc, sites, counts, scope, responders):
    """Example allocation has the published counts, each category follows from classify with an
    OMED value the label allows, and the responder count is the bound."""
    assert list(sc.labels.values()).count("reduced") == counts[0]
    assert list(sc.labels.values()).count("unchanged") == counts[1]
    assert list(sc.labels.values()).count("increased") == counts[2]
    by_id = sites.set_index("course_id")
    for cid, cat in sc.categories.items():
        r = by_id.loc[cid]
        oa = _BAND_VALUE[sc.omed_change[cid]](r.omed_before)
        allowed = _CONCRETE[scope][sc.labels[cid]](r.omed_before)
        assert any(math.isclose(oa, v) for v in allowed), (cid, sc.omed_change[cid])
        assert classify(int(r.nrs_before), int(r.nrs_after), ICPRE, r.omed_before, oa) == cat
    assert sc.responders == responders == sum(is_responder(c) for c in sc.categories.values())


@pytest.mark.parametrize("scope", ["analgesic", "opioid"])
def test_icpre_bounds_small_hand_example(scope):
    exp = SMALL_EXPECTED[scope]
    b = icpre_bounds(SMALL, 1, 2, 1, scope=scope)
    assert b.n_sites == 4 and b.n_allocations == exp["n"]
    assert b.category_min == exp["cmin"]
    assert b.category_max == exp["cmax"]
    assert (b.responders_min, b.responders_max) == exp["resp"]
    # independent check: brute force over permutations and concrete OMED values via classify
    n_alloc, lo, hi, resp = _brute_force(SMALL, (1, 2, 1), scope)
    assert n_alloc == b.n_allocations
    assert lo == b.category_min and hi == b.category_max and resp == exp["resp"]
    _check_scenario(b.best_case, SMALL, (1, 2, 1), scope, exp["resp"][1])
    _check_scenario(b.worst_case, SMALL, (1, 2, 1), scope, exp["resp"][0])


# One label for every site, so the scope rules show directly (no allocation choice):
# two sites 6 -> 0 on 30 mg, both "increased":
#   analgesic: a non-opioid increase leaves OMED unchanged -> complete; an OMED rise ->
#   indeterminate; so responders 0..2. opioid: OMED rises at both -> 0 responders, 2 indeterminate.
# one site 3 -> 5 on 20 mg, "reduced":
#   analgesic: non-opioid reduction (OMED unchanged) -> progression, OMED down -> indeterminate;
#   opioid: OMED down (pain rose, so never partial) -> indeterminate only.
@pytest.mark.parametrize(
    "rows, counts, scope, resp, ind, prog",
    [
        ([("a", 6, 0, 30.0), ("b", 6, 0, 30.0)], (0, 0, 2), "analgesic", (0, 2), (0, 2), (0, 0)),
        ([("a", 6, 0, 30.0), ("b", 6, 0, 30.0)], (0, 0, 2), "opioid", (0, 0), (2, 2), (0, 0)),
        ([("c", 3, 5, 20.0)], (1, 0, 0), "analgesic", (0, 0), (0, 1), (0, 1)),
        ([("c", 3, 5, 20.0)], (1, 0, 0), "opioid", (0, 0), (1, 1), (0, 0)),
    ],
)
def test_icpre_bounds_scope_rules(rows, counts, scope, resp, ind, prog):
    sites = pd.DataFrame(rows, columns=["course_id", "nrs_before", "nrs_after", "omed_before"])
    b = icpre_bounds(sites, *counts, scope=scope)
    assert b.n_allocations == 1
    assert (b.responders_min, b.responders_max) == resp
    assert (b.category_min["indeterminate"], b.category_max["indeterminate"]) == ind
    assert (b.category_min["progression"], b.category_max["progression"]) == prog


def test_icpre_bounds_small_settled_by_pain():
    b = icpre_bounds(SMALL, 1, 2, 1)
    # only B (fall 1 from 0 mg) is settled; see icpre_possible cases above
    assert b.settled == {"B": "indeterminate"}
    assert b.possible["D"] == {"partial", "indeterminate", "progression"}


# --------------------------------------------------------------------------------------------
# ICPRE bounds: Sanuki 2022 (reduced 2, unchanged 6, increased 4 of 12)
# --------------------------------------------------------------------------------------------

# Every site's pain fell by >= 2 (smallest: site 6, 5 -> 3), so progression is unreachable
# (it needs a rise of 2, or pain unchanged/+1). Nine sites end at 0 (1.1 1.2 2 3 5 7 8 10 11),
# three do not (4, 6, 9).
# Scope "analgesic": reduced/unchanged keep OMED from rising -> complete (pain 0) or partial
# (pain left). "increased" may be a non-opioid (OMED same -> still a responder) or an OMED rise
# (-> indeterminate: no complete/partial with an increase; not progression as pain fell).
#   responders 12 (all increases non-opioid) down to 12 - 4 = 8;
#   complete max 9; min 9 - 4 = 5 (all four increases at pain-0 sites);
#   partial max 3; min 0 (increases at 4, 6, 9); indeterminate 0..4; progression 0..0.
#   allocations 12!/(2! 6! 4!) = 66 x 210 = 13860.
# Scope "opioid": every increase raises OMED -> exactly 4 indeterminate, 8 responders;
#   reductions need an opioid (8 sites: 1.1 1.2 5 6 7 8 9 10) -> C(8,2) x C(10,4) = 28 x 210 = 5880;
#   complete max: only 3 non-zero sites can absorb increases -> 9 - 1 = 8 (partial then 0);
#   complete min 9 - 4 = 5 (partial then 3).
SANUKI_EXPECTED = {
    "analgesic": dict(
        n=13860,
        cmin={"complete": 5, "partial": 0, "indeterminate": 0, "progression": 0},
        cmax={"complete": 9, "partial": 3, "indeterminate": 4, "progression": 0},
        resp=(8, 12),
    ),
    "opioid": dict(
        n=5880,
        cmin={"complete": 5, "partial": 0, "indeterminate": 4, "progression": 0},
        cmax={"complete": 8, "partial": 3, "indeterminate": 4, "progression": 0},
        resp=(8, 8),
    ),
}


@pytest.mark.parametrize("scope", ["analgesic", "opioid"])
def test_icpre_bounds_sanuki(scope):
    exp = SANUKI_EXPECTED[scope]
    sites = SANUKI[["course_id", "nrs_before", "nrs_after", "omed_before"]]
    b = icpre_bounds(sites, 2, 6, 4, scope=scope)
    assert b.n_sites == 12 and b.n_allocations == exp["n"]
    assert b.category_min == exp["cmin"]
    assert b.category_max == exp["cmax"]
    assert (b.responders_min, b.responders_max) == exp["resp"]
    assert b.settled == {}  # each site can be a responder or indeterminate
    assert b.possible["4"] == {"partial", "indeterminate"}
    assert b.possible["1.1"] == {"complete", "indeterminate"}
    _check_scenario(b.best_case, sites, (2, 6, 4), scope, exp["resp"][1])
    _check_scenario(b.worst_case, sites, (2, 6, 4), scope, exp["resp"][0])
    assert b.text() == (
        "ICPRE responders: 8–12 of 12 sites"
        if scope == "analgesic"
        else "ICPRE responders: 8 of 12 sites"
    )
    assert str(exp["n"]) in b.footnote


def test_icpre_bounds_subset_psoas():
    # Psoas sites: 1.1 1.2 3 4 5 7 9 10 (8 sites); six end at 0 (1.1 1.2 3 5 7 10), two not (4, 9).
    # All four increases can fall on psoas sites or all on the four piriformis sites.
    # analgesic scope: responders 8 - 4 = 4 .. 8; complete 6 - 4 = 2 .. 6; partial 0 .. 2;
    # indeterminate 0 .. 4. opioid scope: every increase is indeterminate -> responders 4 .. 8.
    psoas = SANUKI.loc[SANUKI["involved_muscle"] == "psoas", "course_id"]
    b = icpre_bounds_subset(SANUKI, psoas, 2, 6, 4)
    assert b.n_sites == 8 and b.n_allocations == 13860
    assert (b.responders_min, b.responders_max) == (4, 8)
    assert b.category_min == {"complete": 2, "partial": 0, "indeterminate": 0, "progression": 0}
    assert b.category_max == {"complete": 6, "partial": 2, "indeterminate": 4, "progression": 0}
    assert set(b.best_case.categories) == set(psoas)
    assert len(b.best_case.labels) == 12  # labels cover the full series
    sites = SANUKI[["course_id", "nrs_before", "nrs_after", "omed_before"]]
    _check_scenario(b.worst_case, sites, (2, 6, 4), "analgesic", 4)
    o = icpre_bounds_subset(SANUKI, psoas, 2, 6, 4, scope="opioid")
    assert (o.responders_min, o.responders_max) == (4, 8)


def test_icpre_bounds_subset_requires_full_series_counts():
    psoas = SANUKI[SANUKI["involved_muscle"] == "psoas"]
    with pytest.raises(ValueError, match="icpre_bounds_subset"):
        icpre_bounds(psoas, 2, 6, 4)  # counts are for 12 sites, not 8
    with pytest.raises(ValueError, match="subset_ids"):
        icpre_bounds_subset(SANUKI, ["1.1", "99"], 2, 6, 4)
    with pytest.raises(ValueError, match="all_sites"):
        icpre_bounds_subset(SANUKI, ["1.1"], 2, 6, 3)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_reduced=-1, n_unchanged=3, n_increased=2), "n_reduced"),
        (dict(n_reduced=True, n_unchanged=2, n_increased=1), "n_reduced"),
        (dict(n_reduced=1, n_unchanged=2.0, n_increased=1), "n_unchanged"),
        (dict(n_reduced=1, n_unchanged=2, n_increased=1, scope="opioids"), "scope"),
        # opioid scope: only A, C, D take an opioid, so 4 reductions cannot be placed
        (dict(n_reduced=4, n_unchanged=0, n_increased=0, scope="opioid"), "no allocation"),
    ],
)
def test_icpre_bounds_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        icpre_bounds(SMALL, **kwargs)


def test_icpre_bounds_site_errors():
    with pytest.raises(ValueError, match="omed_before"):
        icpre_bounds(SMALL.drop(columns="omed_before"), 1, 2, 1)
    dup = SMALL.assign(course_id=["A", "A", "C", "D"])
    with pytest.raises(ValueError, match="duplicate"):
        icpre_bounds(dup, 1, 2, 1)
    missing = SMALL.assign(omed_before=[30.0, None, 20.0, 10.0])
    with pytest.raises(ValueError, match="omed_before of course B"):
        icpre_bounds(missing, 1, 2, 1)
    bad_nrs = SMALL.assign(nrs_after=[0, 4, 5, 11])
    with pytest.raises(ValueError, match="nrs_after of course D"):
        icpre_bounds(bad_nrs, 1, 2, 1)


def test_icpre_bounds_too_many_allocations():
    # 20 sites split 5/10/5: 20!/(5! 10! 5!) = 46,558,512 allocations, above the limit
    assert math.factorial(20) // (120 * math.factorial(10) * 120) == 46_558_512
    many = pd.DataFrame(
        {
            "course_id": range(20),
            "nrs_before": [5] * 20,
            "nrs_after": [0] * 20,
            "omed_before": [10.0] * 20,
        }
    )
    with pytest.raises(ValueError, match="too many"):
        icpre_bounds(many, 5, 10, 5)
