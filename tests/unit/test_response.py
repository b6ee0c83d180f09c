"""Tests for plexrt.response.

Every expected value is worked out by hand in the comment next to it (NRS arithmetic, OMED factors
from literature.md, ICPRE rules from literature.md) or computed independently (scipy, a brute-force
enumeration that calls ``classify`` with concrete OMED values).
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import pandas as pd
import pytest
from scipy import stats

from plexrt.clinical.response import (
    DEFINITIONS,
    OPIOID_FACTORS,
    Definition,
    classify,
    classify_frame,
    definition_from_key,
    icpre_bounds,
    icpre_bounds_subset,
    icpre_possible,
    is_responder,
    nrs_change,
    omed_by_course,
    omed_mg,
    percent_change,
    response_counts,
)

PAPER = Definition("paper")
ICPRE = Definition("icpre")

# Sanuki 2022 Table 1: course id, NRS before, NRS at completion, involved muscle, baseline opioid.
# Baseline OMED (CDC 2022) by hand: hydromorphone x5, oxycodone x1.5, morphine x1:
# 1.1/1.2 hydromorphone 6 -> 30; 5 hydromorphone 2 -> 10; 6 oxycodone 40 -> 60; 7 oxycodone 30 -> 45;
# 8 and 10 oxycodone 20 -> 30; 9 morphine 20 -> 20; 2, 3, 4, 11 no opioid -> 0.
SANUKI = pd.DataFrame(
    [
        ("1.1", 9, 0, "psoas", 30.0),
        ("1.2", 8, 0, "psoas", 30.0),
        ("2", 4, 0, "piriformis", 0.0),
        ("3", 3, 0, "psoas", 0.0),
        ("4", 8, 3, "psoas", 0.0),
        ("5", 4, 0, "psoas", 10.0),
        ("6", 5, 3, "piriformis", 60.0),
        ("7", 4, 0, "psoas", 45.0),
        ("8", 3, 0, "piriformis", 30.0),
        ("9", 4, 1, "psoas", 20.0),
        ("10", 8, 0, "psoas", 30.0),
        ("11", 8, 0, "piriformis", 0.0),
    ],
    columns=["course_id", "nrs_before", "nrs_after", "involved_muscle", "omed_before"],
)


# --------------------------------------------------------------------------------------------
# NRS change
# --------------------------------------------------------------------------------------------


def test_nrs_change_scalars():
    assert nrs_change(9, 0) == -9  # 0 - 9
    assert nrs_change(3, 5) == 2
    assert nrs_change(4, 4) == 0
    assert nrs_change(8.0, 3.0) == -5  # whole-number floats from pandas are accepted


def test_nrs_change_series_keeps_missing():
    out = nrs_change(pd.Series([9, None, 3]), pd.Series([0, 2, None]))
    assert out.iloc[0] == -9
    assert out.isna().tolist() == [False, True, True]


def test_percent_change():
    assert percent_change(5, 3) == pytest.approx(-40.0)  # 100 * (3 - 5) / 5
    assert percent_change(4, 1) == pytest.approx(-75.0)  # 100 * (1 - 4) / 4
    assert percent_change(2, 3) == pytest.approx(50.0)
    assert percent_change(0, 3) is None  # no baseline pain: undefined
    assert percent_change(0, 0) is None


def test_percent_change_series_undefined_is_nan():
    out = percent_change(pd.Series([9, 0, 3]), pd.Series([0, 2, None]))
    assert out.iloc[0] == pytest.approx(-100.0)
    assert math.isnan(out.iloc[1]) and math.isnan(out.iloc[2])


@pytest.mark.parametrize("bad", [11, -1, 2.5, "3", True, None, float("nan")])
def test_nrs_out_of_range_or_not_integer_raises(bad):
    with pytest.raises(ValueError, match="before"):
        nrs_change(bad, 0)
    with pytest.raises(ValueError, match="after"):
        percent_change(5, bad)
    with pytest.raises(ValueError, match="after"):
        classify(5, bad, PAPER)


def test_nrs_series_out_of_range_raises():
    with pytest.raises(ValueError, match="after"):
        nrs_change(pd.Series([5, 5]), pd.Series([3, 12]))


# --------------------------------------------------------------------------------------------
# Definitions
# --------------------------------------------------------------------------------------------


def test_definition_keys_and_round_trip():
    assert list(DEFINITIONS) == [
        "paper",
        "threshold1",
        "threshold2",
        "threshold3",
        "threshold4",
        "threshold5",
        "icpre",
    ]
    for key, d in DEFINITIONS.items():
        assert d.key == key
        assert definition_from_key(key) == d
    assert Definition.from_key("threshold3") == Definition("threshold", 3)


def test_definition_labels():
    assert "≥3 points" in Definition("threshold", 3).label
    assert "≥1 point;" in Definition("threshold", 1).label
    assert "Sanuki" in PAPER.label and "≥2" in PAPER.label
    assert "ICPRE" in ICPRE.label
    assert "25%" in ICPRE.footnote and "population estimates" in ICPRE.footnote
    assert "fall of 4 or more" in Definition("threshold", 4).footnote
    assert ICPRE.categories == ("complete", "partial", "indeterminate", "progression")
    assert PAPER.categories == ("complete", "improved", "stable", "progression")


def test_definition_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PAPER.k = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "kind, k, arg",
    [
        ("foo", 2, "kind"),
        ("threshold", 0, "k"),
        ("threshold", 6, "k"),
        ("threshold", 2.5, "k"),
        ("threshold", True, "k"),
        ("paper", 3, "k"),
        ("icpre", 1, "k"),
    ],
)
def test_definition_invalid(kind, k, arg):
    with pytest.raises(ValueError, match=arg):
        Definition(kind, k)


def test_definition_unknown_key():
    with pytest.raises(ValueError, match="key"):
        definition_from_key("threshold7")


# --------------------------------------------------------------------------------------------
# classify: paper / threshold
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, after, expected",
    [
        (9, 0, "complete"),  # fall 9 >= 2, pain 0
        (2, 0, "complete"),  # fall exactly 2
        (8, 3, "improved"),  # fall 5, pain left
        (5, 3, "improved"),  # fall exactly 2
        (4, 3, "stable"),  # fall 1
        (1, 0, "complete"),  # pain resolved: complete whatever the size of the fall
        (0, 0, "stable"),  # no pain at baseline: cannot improve
        (0, 1, "stable"),  # rise 1
        (0, 2, "progression"),  # rise exactly 2
        (3, 5, "progression"),
        (3, 4, "stable"),
    ],
)
def test_classify_paper(before, after, expected):
    assert classify(before, after, PAPER) == expected


def test_classify_threshold_k():
    t3 = Definition("threshold", 3)
    assert classify(5, 3, t3) == "stable"  # fall 2 < 3
    assert classify(5, 2, t3) == "improved"  # fall 3
    assert classify(3, 0, t3) == "complete"  # fall 3
    assert classify(2, 0, t3) == "complete"  # pain resolved; complete does not depend on k
    t1 = Definition("threshold", 1)
    assert classify(1, 0, t1) == "complete"
    assert classify(4, 3, t1) == "improved"
    assert classify(3, 5, t1) == "progression"  # progression stays a rise of 2


def test_classify_rejects_non_definition():
    with pytest.raises(ValueError, match="definition"):
        classify(5, 3, "paper")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# classify: ICPRE, every branch (rules from literature.md)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, after, ob, oa, expected",
    [
        # complete: pain 0 with no OMED increase (unchanged or lower)
        (6, 0, 30, 30, "complete"),
        (6, 0, 30, 15, "complete"),
        (6, 0, 0, 0, "complete"),
        # any OMED increase blocks complete AND the pain route to partial -> indeterminate
        (6, 0, 30, 31, "indeterminate"),
        # partial via pain: fall >= 2 without OMED increase; boundary fall exactly 2
        (6, 4, 30, 30, "partial"),
        (6, 4, 30, 20, "partial"),
        (6, 5, 30, 30, "indeterminate"),  # fall 1 only
        (6, 4, 30, 36, "indeterminate"),  # fall 2 but OMED up 20%
        # partial via OMED: down >= 25% with pain not increased; 40 -> 30 is exactly -25%
        (5, 5, 40, 30, "partial"),
        (5, 4, 40, 30, "partial"),  # pain down 1, OMED -25%
        (5, 5, 40, 30.4, "indeterminate"),  # -24%
        (5, 6, 40, 20, "indeterminate"),  # OMED -50% but pain up 1
        (4, 4, 20, 0, "partial"),  # opioid stopped = -100%
        # progression via pain: rise >= 2 with stable (unchanged) OMED; boundary rise exactly 2
        (3, 5, 30, 30, "progression"),
        (3, 4, 30, 30, "indeterminate"),  # rise 1
        (3, 5, 30, 33, "indeterminate"),  # OMED +10% is not stable
        (3, 5, 30, 20, "indeterminate"),  # OMED -33% is not stable; pain rose so not partial
        # progression via OMED: up >= 25% with pain stable or +1; 40 -> 50 is exactly +25%
        (4, 4, 40, 50, "progression"),
        (4, 5, 40, 50, "progression"),
        (4, 4, 40, 49, "indeterminate"),  # +22.5%
        (4, 3, 40, 50, "indeterminate"),  # pain down 1 is not "stable or +1"
        (4, 6, 40, 50, "indeterminate"),  # +2 with OMED not stable: neither progression branch
        (4, 4, 0, 10, "progression"),  # opioid started from 0 counts as >= 25%
        # indeterminate: nothing moved
        (5, 5, 30, 30, "indeterminate"),
        (4, 4, 0, 0, "indeterminate"),
    ],
)
def test_classify_icpre(before, after, ob, oa, expected):
    assert classify(before, after, ICPRE, ob, oa) == expected


def test_classify_icpre_float_noise_at_25_percent():
    # 45 mg (oxycodone 30 x 1.5) to 33.75 mg is exactly -25%; 0.1 * 3 style noise must not matter
    assert classify(4, 4, ICPRE, 45.0, 33.75) == "partial"
    assert classify(4, 4, ICPRE, 0.3, 0.1 * 3) == "indeterminate"  # unchanged, not a change


# icpre_possible: bands of OMED change are <=-25%, (-25%, 0), 0, (0, 25%), >=25%; from 0 mg only
# "unchanged" or "opioid started (>=25%)".
@pytest.mark.parametrize(
    "before, after, ob, expected",
    [
        # pain 6 -> 0: not increased -> complete; increased -> indeterminate (fall, not progression)
        (6, 0, 30, {"complete", "indeterminate"}),
        (6, 0, 0, {"complete", "indeterminate"}),
        # 6 -> 4: not increased -> partial; increased -> indeterminate
        (6, 4, 30, {"partial", "indeterminate"}),
        # 4 -> 3 (fall 1): -25% -> partial; otherwise indeterminate (up >=25% needs pain 0/+1)
        (4, 3, 30, {"partial", "indeterminate"}),
        (4, 3, None, {"partial", "indeterminate"}),
        # 4 -> 3 from 0 mg: unchanged -> indeterminate; opioid started -> indeterminate
        (4, 3, 0, {"indeterminate"}),
        # 4 -> 4: -25% -> partial; +25% -> progression; else indeterminate
        (4, 4, 30, {"partial", "indeterminate", "progression"}),
        (4, 4, 0, {"indeterminate", "progression"}),
        # 3 -> 5: unchanged -> progression; any change -> indeterminate
        (3, 5, 30, {"progression", "indeterminate"}),
    ],
)
def test_icpre_possible(before, after, ob, expected):
    assert icpre_possible(before, after, ob) == expected


def test_classify_icpre_without_omed_after():
    # settled by pain alone only when icpre_possible has one element
    assert classify(4, 3, ICPRE, 0, None) == "indeterminate"
    assert classify(6, 0, ICPRE, 30, None) == "unknown"
    assert classify(3, 5, ICPRE, 30, None) == "unknown"
    assert classify(4, 3, ICPRE, None, None) == "unknown"
    assert classify(4, 3, ICPRE, float("nan"), float("nan")) == "unknown"


@pytest.mark.parametrize("bad", [-1, "30", float("inf"), True])
def test_classify_icpre_bad_omed(bad):
    with pytest.raises(ValueError, match="omed_after"):
        classify(5, 3, ICPRE, 30, bad)
    with pytest.raises(ValueError, match="omed_before"):
        icpre_possible(5, 3, bad)


def test_is_responder():
    assert is_responder("complete") and is_responder("partial") and is_responder("improved")
    assert not is_responder("stable")
    assert not is_responder("indeterminate")
    assert not is_responder("progression")
    assert is_responder("unknown") is None
    with pytest.raises(ValueError, match="category"):
        is_responder("responder")


# --------------------------------------------------------------------------------------------
# OMED
# --------------------------------------------------------------------------------------------


def test_opioid_factors_match_literature():
    assert OPIOID_FACTORS["cdc2022"] == {"morphine": 1, "oxycodone": 1.5, "hydromorphone": 5}
    assert OPIOID_FACTORS["vonkorff2008"] == {"morphine": 1, "oxycodone": 1.5, "hydromorphone": 4}


def _row(drug, mg, opioid, route=None):
    return {"drug": drug, "mg_per_day": mg, "is_opioid": opioid, "route": route}


@pytest.mark.parametrize(
    "rows, cdc, vk",
    [
        # patient 1: hydromorphone 6 mg + loxoprofen -> 6 x 5 = 30 (CDC), 6 x 4 = 24 (VK)
        ([_row("hydromorphone", 6, True), _row("loxoprofen", 180, False)], 30.0, 24.0),
        # patient 5: hydromorphone 2 mg -> 10 / 8
        ([_row("hydromorphone", 2, True)], 10.0, 8.0),
        # patient 6: oxycodone 40 -> 60 in both; acetaminophen, pregabalin, celecoxib add 0
        (
            [
                _row("oxycodone", 40, True),
                _row("acetaminophen", 2400, False),
                _row("pregabalin", 50, False),
                _row("celecoxib", 400, False),
            ],
            60.0,
            60.0,
        ),
        ([_row("oxycodone", 30, True), _row("loxoprofen", 180, False)], 45.0, 45.0),  # pt 7
        ([_row("morphine", 20, True), _row("acetaminophen", 1500, False)], 20.0, 20.0),  # pt 9
        ([_row("oxycodone", 20, True), _row("mirogabalin", 10, False)], 30.0, 30.0),  # pt 10
        ([_row("acetaminophen", 1000, False)], 0.0, 0.0),  # pt 2: no opioid
        ([_row("hydromorphone", 6, True, route="oral")], 30.0, 24.0),
    ],
)
def test_omed_mg_sanuki_sites(rows, cdc, vk):
    assert omed_mg(rows) == pytest.approx(cdc)
    assert omed_mg(rows, table="vonkorff2008") == pytest.approx(vk)
    assert omed_mg(pd.DataFrame(rows), table="cdc2022") == pytest.approx(cdc)


@pytest.mark.parametrize(
    "rows, table, match",
    [
        ([_row("morphine", 10, True)], "who", "table"),
        ([_row("tapentadol", 100, True)], "cdc2022", "tapentadol"),
        ([_row("morphine", 10, False)], "cdc2022", "morphine"),
        ([_row("morphine", None, True)], "cdc2022", "mg_per_day"),
        ([_row("morphine", float("nan"), True)], "cdc2022", "mg_per_day"),
        ([_row("morphine", -5, True)], "cdc2022", "mg_per_day"),
        ([_row("morphine", 10, True, route="iv")], "cdc2022", "route"),
        ([_row("morphine", 10, "maybe")], "cdc2022", "is_opioid"),
        ([_row("", 10, True)], "cdc2022", "drug"),
        ([{"drug": "morphine", "mg_per_day": 10}], "cdc2022", "is_opioid"),
        ("morphine", "cdc2022", "rows"),
    ],
)
def test_omed_mg_errors(rows, table, match):
    with pytest.raises(ValueError, match=match):
        omed_mg(rows, table=table)


ANALGESICS = pd.DataFrame(
    [
        ("A", "baseline", "hydromorphone", 6, True),
        ("A", "baseline", "loxoprofen", 180, False),
        ("A", "after", "hydromorphone", 4, True),
        ("B", "baseline", "acetaminophen", 1000, False),
        ("B", "after", "oxycodone", 10, True),
    ],
    columns=["course_id", "timepoint", "drug", "mg_per_day", "is_opioid"],
)


def test_omed_by_course():
    base = omed_by_course(ANALGESICS, "cdc2022", timepoint="baseline")
    assert base.to_dict() == {"A": 30.0, "B": 0.0}  # 6 x 5; B has no opioid -> 0.0
    after = omed_by_course(ANALGESICS, "vonkorff2008", timepoint="after")
    assert after.to_dict() == {"A": 16.0, "B": 15.0}  # 4 x 4; 10 x 1.5
    assert base.index.name == "course_id"
    single = omed_by_course(ANALGESICS.drop(columns="timepoint").iloc[:2], "cdc2022")
    assert single.to_dict() == {"A": 30.0}


def test_omed_by_course_errors():
    with pytest.raises(ValueError, match="timepoint"):
        omed_by_course(ANALGESICS, "cdc2022")
    with pytest.raises(ValueError, match="timepoint"):
        omed_by_course(ANALGESICS.drop(columns="timepoint"), "cdc2022", timepoint="after")
    with pytest.raises(ValueError, match="course_id"):
        omed_by_course(ANALGESICS.drop(columns="course_id"), "cdc2022", timepoint="after")
    with pytest.raises(ValueError, match="analgesics_df"):
        omed_by_course([_row("morphine", 1, True)], "cdc2022")  # type: ignore[arg-type]


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


# --------------------------------------------------------------------------------------------
# response_counts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "definition, responders, complete",
    [
        # falls: 1.1 9, 1.2 8, 2 4, 3 3, 4 5, 5 4, 6 2, 7 4, 8 3, 9 3, 10 8, 11 8; nine end at 0
        (PAPER, 12, 9),  # every fall >= 2
        # Complete (NRS 0 at completion) is the same nine sites for every k; "improved" needs a
        # fall >= k among the three that still have pain: 4 (8->3, fall 5), 6 (5->3, 2), 9 (4->1, 3).
        (Definition("threshold", 3), 11, 9),  # improved: 4, 9
        (Definition("threshold", 4), 10, 9),  # improved: 4
        (Definition("threshold", 5), 10, 9),  # improved: 4 (fall exactly 5)
    ],
)
def test_response_counts_sanuki(definition, responders, complete):
    rc = response_counts(SANUKI, definition)
    assert rc["n_treated"] == 12 and rc["n_assessable"] == 12 and rc["n_classified"] == 12
    assert rc["responders"] == responders
    assert rc["complete"] == complete
    assert rc["responder_rate"].k == responders and rc["responder_rate"].n == 12


def test_response_counts_rate_interval():
    rc = response_counts(SANUKI, PAPER)
    # Clopper-Pearson for 12/12: lower limit (alpha/2)^(1/n) = 0.025^(1/12), upper 1
    assert rc["responder_rate"].low == pytest.approx(0.025 ** (1 / 12))
    assert rc["responder_rate"].high == 1.0
    # 9/12 complete: beta quantiles
    assert rc["complete_rate"].low == pytest.approx(stats.beta.ppf(0.025, 9, 4))
    assert rc["complete_rate"].high == pytest.approx(stats.beta.ppf(0.975, 10, 3))


def test_response_counts_missing_nrs_not_assessable():
    extra = pd.DataFrame([{"course_id": "x", "nrs_before": 6, "nrs_after": None}])
    df = pd.concat([SANUKI, extra], ignore_index=True)
    rc = response_counts(df, PAPER)
    assert (rc["n_treated"], rc["n_assessable"], rc["responders"]) == (13, 12, 12)


def test_response_counts_icpre_without_omed_after_is_unknown():
    rc = response_counts(SANUKI, ICPRE)  # no omed_after: no site settled (see bounds test)
    assert rc["n_unknown"] == 12 and rc["n_classified"] == 0
    assert rc["responders"] == 0 and rc["responder_rate"] is None
    assert rc["categories"]["unknown"] == 12


def test_response_counts_icpre_with_omed():
    df = pd.DataFrame(
        [
            (6, 0, 30, 30),  # complete
            (6, 4, 30, 30),  # partial
            (4, 4, 40, 50),  # progression (+25%, pain stable)
            (5, 5, 30, 30),  # indeterminate
            (6, 0, 30, None),  # unknown: complete or indeterminate
            (None, 3, 30, 30),  # pain before missing: not assessable
        ],
        columns=["nrs_before", "nrs_after", "omed_before", "omed_after"],
    )
    rc = response_counts(df, ICPRE)
    assert (rc["n_treated"], rc["n_assessable"], rc["n_unknown"], rc["n_classified"]) == (
        6,
        5,
        1,
        4,
    )
    assert rc["categories"] == {
        "complete": 1,
        "partial": 1,
        "indeterminate": 1,
        "progression": 1,
        "unknown": 1,
    }
    assert (rc["responders"], rc["complete"]) == (2, 1)
    assert rc["responder_rate"].low == pytest.approx(stats.beta.ppf(0.025, 2, 3))
    assert rc["responder_rate"].high == pytest.approx(stats.beta.ppf(0.975, 3, 2))
    cats = classify_frame(df, ICPRE)
    assert cats.tolist() == [
        "complete",
        "partial",
        "progression",
        "indeterminate",
        "unknown",
        None,
    ]


def test_response_counts_missing_columns():
    with pytest.raises(ValueError, match="nrs_after"):
        response_counts(SANUKI.drop(columns="nrs_after"), PAPER)
