"""Statements of the paper that cannot all hold (K1-K4), found by computation; hand-made sets."""

from __future__ import annotations

import dataclasses

import pytest

from plexrt import reconstruct as R
from tests.unit.reconstruct.paper import DROPPED, RELAXED


def test_conflicts_found_on_the_paper(courses, patients, cons):
    ks = R.find_conflicts(cons, courses, patients)
    assert [k.conflict_id for k in ks] == ["K1", "K2", "K3", "K4"]
    by_drop = {k.dropped_ids: k for k in ks}
    assert set(by_drop) == {("disc_median",), ("p8_relapse",), ("p5_fractions",), ("p5_pain_free",)}

    med = by_drop[("disc_median",)]
    assert {"disc_median", "relief_mean", "relief_min", "relief_max"} <= set(med.constraint_ids)
    # 7 values, sum <= 7 * 205.5 -> 1438; 3*70 + 3*m + 481 <= 1438 -> m <= 249 days (8.3 months),
    # while 8.8 months is at least 8.75 * 30 = 262.5 days.
    assert "m <= 249" in med.description and "262.5" in med.description
    assert "(30- or 30.44-day months)" in med.description
    assert "Discussion para 4" in med.source_a and "Results para 2" in med.source_b
    assert med.resolution == "dropped" and "Discussion" in med.dropped

    p8 = by_drop[("p8_relapse",)]
    assert set(p8.constraint_ids) == {"relapse_rectal", "p8_relapse"}
    # maximal response day 14 + 15..45 days (one month) = days 29-59;
    # completion day 39 + 105..136 days (four months) = days 144-175
    assert "days 29-59" in p8.description and "days 144-175" in p8.description
    # 144 - 14 = 130 days = 4.27 months of 30.4375 days, 175 - 14 = 161 days = 5.29 months
    assert "130-161 days (4.3-5.3 months)" in p8.description
    assert "does not remove" in p8.description  # 'two months' for patient 8 fails as well
    assert "Case presentation: Patient 8" in p8.source_b

    p5 = by_drop[("p5_pain_free",)]
    assert p5.resolution == "relaxed" and p5.relaxed_bounds == (201, 532)
    assert "relief_max" in p5.constraint_ids
    # 495 days after completion (day 8) = 489 days after maximal response (day 14) > 481
    assert "489" in p5.description and "fits the longest follow-up" in p5.description

    frac = by_drop[("p5_fractions",)]
    assert "7 fractions" in frac.description and "4 fractions" in frac.description


def test_hand_made_sets_without_conflict(courses, patients, cons):
    clean = [c for c in cons if c.constraint_id not in DROPPED | RELAXED]
    assert R.find_conflicts(clean, courses, patients) == []
    # Feasible variants of the conflicting statements give no conflict either:
    # median 7.0 months = 208.5-214.6 days <= 249; relief up to 600 days admits patient 5's
    # 489; patient 8 "one month after completion" = days 54-84 overlaps days 29-59.
    variants = {"disc_median": 7.0, "relief_max": 600.0, "p8_relapse": 1.0, "p5_fractions": 7.0}
    changed = [
        dataclasses.replace(c, value=variants[c.constraint_id])
        if c.constraint_id in variants
        else c
        for c in cons
    ]
    assert R.find_conflicts(changed, courses, patients) == []


def test_impossible_mean_is_detected(courses, patients, cons):
    # 7 relief values in 70..481 with both ends attained sum to at most 6*481 + 70 = 2956 days,
    # but a mean of 470 days needs 7 * 469.5 = 3286.5 -> at least 3287.
    changed = [
        dataclasses.replace(c, value=470.0) if c.constraint_id == "relief_mean" else c
        for c in cons
        if c.constraint_id not in DROPPED | RELAXED
    ]
    ks = R.find_conflicts(changed, courses, patients)
    (k,) = [k for k in ks if set(k.constraint_ids) == {"relief_mean", "relief_min", "relief_max"}]
    assert "3287" in k.description and "2956" in k.description
    # and the Discussion's 6.8 months (<= 205.5 days) no longer fits the Results mean either
    assert any(k.dropped_ids == ("disc_mean",) for k in ks)


def test_count_and_weeks_conflicts(courses, patients, cons):
    # 3 relapses reported but relapse times named for 2 patients; and 9 assessable != 3 + 7
    changed = [
        dataclasses.replace(c, value=3.0) if c.constraint_id == "relapse_n" else c for c in cons
    ]
    texts = [k.description for k in R.find_conflicts(changed, courses, patients)]
    assert any("3 relapses are reported but relapse times are given for 2" in t for t in texts)
    assert any("9 assessable patients but 3 relapsing + 7 non-relapsing = 10." in t for t in texts)
    # Table 1 weeks (mean 38/12 = 3.17) against a published mean of 5 weeks: the text yields
    changed = [
        dataclasses.replace(c, value=5.0) if c.constraint_id == "weeks_mean" else c for c in cons
    ]
    (k,) = [
        k for k in R.find_conflicts(changed, courses, patients) if "weeks_mean" in k.dropped_ids
    ]
    assert "mean of 3.17 weeks" in k.description and "Table 1" in k.source_a


def test_named_cancer_must_match(courses, patients, cons):
    wrong = [
        dataclasses.replace(c, applies_to="patient 8 (gastric cancer)")
        if c.constraint_id == "relapse_rectal"
        else c
        for c in cons
    ]
    with pytest.raises(ValueError, match="gastric"):
        R.find_conflicts(wrong, courses, patients)
