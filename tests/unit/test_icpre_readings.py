"""ICPRE from the aggregate analgesic changes under every named reading (issue 13, point 2):
plexrt.clinical.icpre_readings and what response_summary / the pain page / the board say.

Sanuki 2022, Results para 2: "The analgesic dose was reduced in two patients, unchanged in six
patients, and increased in four patients" (2 + 6 + 4 = 12 = sites, discrepancy X6).
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from plexrt.clinical import response_summary
from plexrt.clinical.definitions import Definition, classify, is_responder
from plexrt.clinical.icpre_bounds import icpre_bounds
from plexrt.clinical.icpre_readings import READINGS, icpre_readings
from tests.unit.sanuki_table1 import SANUKI

ICPRE = Definition("icpre")
AGG = response_summary.Aggregate(2, 6, 4)


def test_three_named_readings_on_the_paper():
    r = icpre_readings(SANUKI, SANUKI["course_id"], 2, 6, 4)
    assert list(r.by_reading) == ["literal", "opioid", "increases_non_opioid"]
    got = {k: (b.responders_min, b.responders_max) for k, b in r.by_reading.items()}
    # Every site's pain fell by 2 or more (Table 1), so a site is a responder unless its OMED rose.
    # literal: an increase may be an OMED rise (4 sites lose response) or not -> 8..12
    # opioid: every increase raises OMED -> exactly 8
    # increases non-opioid: no OMED rise anywhere -> all 12
    assert got == {"literal": (8, 12), "opioid": (8, 8), "increases_non_opioid": (12, 12)}
    # the headline, when one number is needed: the least favourable reading
    assert r.least_favourable == "opioid"
    assert r.headline() == "8 of 12 sites (least favourable reading: changes were opioid)"
    assert r.range_text() == "8–12 of 12 sites over 3 readings"
    table = r.table()
    assert list(table["Responders"]) == ["8–12 of 12", "8 of 12", "12 of 12"]
    assert table["Reading"].str.contains("least favourable").sum() == 1


_CONCRETE_NON_OPIOID_INCREASE = {
    "reduced": lambda ob: [ob, 0.9 * ob, 0.5 * ob] if ob > 0 else [0.0],
    "unchanged": lambda ob: [ob],
    "increased": lambda ob: [ob],  # a non-opioid increase leaves OMED where it was
}


def test_increases_non_opioid_against_brute_force():
    # A 6 -> 0 on 30 mg; B 5 -> 4 on 0 mg; C 3 -> 5 on 20 mg; D 4 -> 4 on 10 mg; counts 1/2/1
    sites = pd.DataFrame(
        [("A", 6, 0, 30.0), ("B", 5, 4, 0.0), ("C", 3, 5, 20.0), ("D", 4, 4, 10.0)],
        columns=["course_id", "nrs_before", "nrs_after", "omed_before"],
    )
    labels = ["reduced", "unchanged", "unchanged", "increased"]
    lo, hi = math.inf, -math.inf
    rows = list(sites.itertuples(index=False))
    for perm in set(itertools.permutations(labels)):
        choices = [
            _CONCRETE_NON_OPIOID_INCREASE[lab](r.omed_before)
            for lab, r in zip(perm, rows, strict=True)
        ]
        for oa in itertools.product(*choices):
            got = [
                is_responder(classify(r.nrs_before, r.nrs_after, ICPRE, r.omed_before, o))
                for r, o in zip(rows, oa, strict=True)
            ]
            lo, hi = min(lo, sum(got)), max(hi, sum(got))
    b = icpre_bounds(sites, 1, 2, 1, scope="increases_non_opioid")
    assert (b.responders_min, b.responders_max) == (lo, hi) == (1, 2)


def test_summary_carries_every_reading_and_quotes_the_least_favourable():
    s = response_summary.summarise(SANUKI, ICPRE, "exact", SANUKI, AGG)
    assert s.icpre_readings is not None
    assert s.icpre_readings.least_favourable == "opioid"
    assert (s.icpre_bounds.responders_min, s.icpre_bounds.responders_max) == (8, 8)


def test_a_subset_does_not_quote_series_counts_as_its_own():
    # piriformis sites 2.1, 6.1, 8.1, 11.1 (4 of 12): of the 2 reductions, 6 unchanged and 4
    # increases, these 4 sites can hold 0-2, 0-4 and 0-4 (the other 8 sites can absorb all).
    assert AGG.subset_text(4) == (
        "The paper reports the analgesic changes for all 12 sites together (reduced 2, "
        "unchanged 6, increased 4), not per site: these 4 sites may hold 0–2 of the reductions, "
        "0–4 of the unchanged and 0–4 of the increases."
    )
    # psoas: 8 sites; the 4 other sites can hold at most 4 of the 6 unchanged -> at least 2 here
    assert "0–2 of the reductions, 2–6 of the unchanged and 0–4 of the increases" in (
        AGG.subset_text(8)
    )
    assert AGG.subset_text(12) == "reduced 2, unchanged 6, increased 4 of 12 sites"
    with pytest.raises(ValueError, match="subset"):
        AGG.subset_text(13)


def test_subgroup_cells_give_the_range_over_readings():
    sub = response_summary.subgroup_table(
        SANUKI.assign(intent="palliative", primary_group="x", dose_per_fraction_gy=3.0),
        ICPRE,
        "exact",
        SANUKI,
        AGG,
    )
    muscle = sub[sub["factor"] == "Involved muscle"].set_index("level")
    assert muscle.loc["piriformis", "responders"] == "0–4 of 4 sites (range over 3 readings)"


@pytest.mark.parametrize("key", list(READINGS))
def test_every_reading_is_named_and_explained(key):
    scope, name, assumes = READINGS[key]
    assert name and len(assumes) > 40
    b = icpre_bounds(
        SANUKI[["course_id", "nrs_before", "nrs_after", "omed_before"]], 2, 6, 4, scope=scope
    )
    assert b.scope == scope


def test_board_key_figure_quotes_the_least_favourable_reading(con):
    from plexrt.board.summary import key_figures
    from tests.unit.board_inputs import bundled_board_input

    inp = bundled_board_input(con, definition=ICPRE, aggregate=AGG)
    rows = dict(key_figures(inp))
    assert rows["Responders (ICPRE)"] == (
        "8 of 12 sites (least favourable reading: changes were opioid); "
        "8–12 of 12 sites over 3 readings of the analgesic aggregate"
    )
