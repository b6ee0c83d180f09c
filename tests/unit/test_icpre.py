"""ICPRE 2012 categories from pain scores and the OMED change, every branch (rules from
literature.md), through ``classify`` and ``icpre_possible``."""

from __future__ import annotations

import pytest

from plexrt.clinical.definitions import Definition, classify
from plexrt.clinical.icpre import icpre_possible

ICPRE = Definition("icpre")

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
