"""Response definitions, the category of a site and the counts behind a rate
(plexrt.clinical.definitions).

Every expected value is worked out by hand in the comment next to it (NRS arithmetic, the paper's
rule, ICPRE rules from literature.md) or computed independently (scipy beta quantiles).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from scipy import stats

from plexrt.clinical.definitions import (
    DEFINITIONS,
    Definition,
    classify,
    classify_frame,
    definition_from_key,
    is_responder,
    response_counts,
)
from tests.unit.sanuki_table1 import SANUKI

PAPER = Definition("paper")
ICPRE = Definition("icpre")

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


@pytest.mark.parametrize("bad", [11, -1, 2.5, "3", True, None, float("nan")])
def test_classify_rejects_a_bad_score(bad):
    with pytest.raises(ValueError, match="after"):
        classify(5, bad, PAPER)


def test_is_responder():
    assert is_responder("complete") and is_responder("partial") and is_responder("improved")
    assert not is_responder("stable")
    assert not is_responder("indeterminate")
    assert not is_responder("progression")
    assert is_responder("unknown") is None
    with pytest.raises(ValueError, match="category"):
        is_responder("responder")


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


def test_classify_frame_repeated_scores_and_gaps_keep_their_rows():
    """Many sites sharing a few score pairs, sites not assessable between them, a custom index:
    each site gets its own pair's category (by hand, paper definition: k = 2)."""
    before = [8, 8, None, 3, 8, 0, 3, 6]
    after = [0, 6, 5, 6, 0, 3, 6, None]
    df = pd.DataFrame({"nrs_before": before, "nrs_after": after}, index=list("abcdefgh"))
    cats = classify_frame(df, DEFINITIONS["paper"])
    assert list(cats.index) == list("abcdefgh")
    assert list(cats) == [
        "complete",
        "improved",
        None,
        "progression",
        "complete",
        "progression",
        "progression",
        None,
    ]


def test_classify_frame_calls_classify_once_per_pair_of_scores_whatever_the_omed(monkeypatch):
    # The paper's and the threshold definitions ignore the OMED: a registry's thousands of
    # distinct doses cost a call of ``classify`` each (65,000 calls for one board export at
    # 100,000 sites); now one call per (before, after). ICPRE still tells the doses apart.
    from plexrt.clinical import definitions

    n = 400
    df = pd.DataFrame(
        {
            "nrs_before": [8, 8, 5, 0] * (n // 4),
            "nrs_after": [0, 6, 5, 2] * (n // 4),
            "omed_before": [float(k) for k in range(n)],
            "omed_after": [float(k) + 0.5 for k in range(n)],
        }
    )
    calls = []
    real = definitions.classify

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(definitions, "classify", counted)
    cats = classify_frame(df, DEFINITIONS["paper"])
    assert len(calls) == 4
    # by hand: 8->0 complete, 8->6 improved (fall 2), 5->5 stable, 0->2 progression (rise 2)
    assert list(cats) == ["complete", "improved", "stable", "progression"] * (n // 4)
    calls.clear()
    icpre = classify_frame(df, ICPRE)
    assert len(calls) == n  # every row's doses differ
    assert list(icpre) == [real(b, a, ICPRE, o1, o2) for b, a, o1, o2 in df.itertuples(index=False)]
