"""Reconstructed per-patient times against what Sanuki et al. 2022 publish.

Every expected figure is the paper's own (quoted next to the assertion) or hand arithmetic shown in a
comment; the reconstructed frames are re-summarised here with plain pandas, independently of
``check_reconstruction``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from plexrt import reconstruct as R
from plexrt.data.vocab import PROVENANCE_SOURCES
from tests.unit.reconstruct.paper import DROPPED, RELAXED, half_up, rounds_to_months


def _deaths_and_followup(pt: pd.DataFrame, fu: pd.Series) -> None:
    # "a total of eight patients had died"; "125 days (31-260 days)" from completion
    dead = pt[pt["death"]]
    assert len(dead) == 8
    d = dead["death_day"] - dead["rt_end_day"]
    assert half_up(d.mean()) == 125 and d.min() == 31 and d.max() == 260
    assert (dead["last_contact_day"] == dead["death_day"]).all()
    assert pt.loc[~pt["death"], "death_day"].isna().all()
    # "mean duration of follow-up was 215 days (31-675 days)"
    assert half_up(fu.mean()) == 215 and fu.min() == 31 and fu.max() == 675


def _relief_and_relapses(pt: pd.DataFrame) -> None:
    # "Of the nine patients ... two patients (rectal cancer and urachal cancer)"
    assess = pt[pt["assessable_for_relief"]]
    assert len(assess) == 9
    assert set(pt.index[pt["relapse"]]) == {"4", "8"}
    assert pt.loc[["4", "8"], "assessable_for_relief"].all()
    # "The other seven ... mean duration of 205 days (70-481 days)", relief from maximal
    # response to death / last contact
    seven = assess[~assess["relapse"]]
    relief = seven["last_contact_day"] - seven["max_response_day"]
    assert len(seven) == 7
    assert half_up(relief.mean()) == 205 and relief.min() == 70 and relief.max() == 481
    assert (seven["relief_days"] == relief).all() and (seven["relief_event"] == 0).all()
    # Discussion "mean ... 6.8 months": 205 days / 30 = 6.83 -> 6.8 (kept; 30-day months)
    assert half_up(relief.mean() / 30 * 10) == 68
    # relapse "at one and two months ... after their maximal response"
    r = pt.loc[["8", "4"]]
    gap = r["relapse_day"] - r["max_response_day"]
    assert rounds_to_months(gap["8"], 1) and rounds_to_months(gap["4"], 2)
    assert (r["relief_event"] == 1).all() and (r["relief_days"] == gap).all()
    # order: maximal response < relapse; relief at RT end -> relapse after completion;
    # relapse before death, never after last contact
    assert (r["relapse_day"] > r["max_response_day"]).all()
    assert (r["relapse_day"] > r["rt_end_day"]).all()
    assert (r["relapse_day"] <= r["last_contact_day"]).all()
    assert (r.loc[r["death"], "relapse_day"] < r.loc[r["death"], "death_day"]).all()
    assert (pt["max_response_day"] <= pt["last_contact_day"]).all()
    # non-assessable: followed < 70 days after maximal response; no relief values
    other = pt[~pt["assessable_for_relief"]]
    assert ((other["last_contact_day"] - other["max_response_day"]) < 70).all()
    assert other["relief_days"].isna().all() and other["relief_event"].isna().all()


def _named_patients_and_calendar(pt: pd.DataFrame, fu: pd.Series, sites: pd.DataFrame) -> None:
    # Patient 5 "is free of pain" ~17 months after completion, read at the time of writing:
    # 16.5 months * 30 = 495 days, minus the longest gap from cut-off to review start
    # (2021-03-01 .. 2021-12-20 = 294 days) = 201; 17.5 * 30.4375 = 532.7 -> 532 days.
    lo5 = 495 - (date(2021, 12, 20) - date(2021, 3, 1)).days
    assert lo5 == 201
    assert not pt.loc["5", "death"] and not pt.loc["5", "relapse"]
    assert lo5 <= fu["5"] <= 532
    # Patient 8 imaged "two months after" RT and "Three months later": >= 1.5 + 2.5 months
    # of 30 days = 120 days of follow-up.
    assert fu["8"] >= 120
    # Nothing after the cut-off: 2017-04-01 .. 2021-03-31 = 1460 days at most
    assert pt["last_contact_day"].max() <= (date(2021, 3, 31) - date(2017, 4, 1)).days
    # Table 1 weeks: mean 38/12 = 3.17 -> "three weeks (1-12 weeks)"
    weeks = (sites["max_response_day"] - sites["rt_start_day"]) / 7
    assert half_up(weeks.mean()) == 3 and weeks.min() == 1 and weeks.max() == 12


def test_kept_constraints_hold_for_seeds_0_to_49(recs):
    for rec in recs:
        pt = rec.patients.set_index("patient_id")
        fu = pt["last_contact_day"] - pt["rt_end_day"]
        assert (fu == pt["followup_from_completion_days"]).all()
        _deaths_and_followup(pt, fu)
        _relief_and_relapses(pt)
        _named_patients_and_calendar(pt, fu, rec.sites)
        # the module's own checks agree: every kept row holds
        ch = rec.checks
        assert ch.loc[ch["kept"], "holds"].all()
        assert set(ch.loc[~ch["kept"], "constraint_id"]) == DROPPED
        assert set(ch.loc[ch["status"] == "relaxed", "constraint_id"]) == RELAXED


def test_provenance_uses_the_shared_vocabulary(recs):
    rec = recs[0]
    for frame in (rec.patients, rec.sites):
        for col in [c for c in frame.columns if c.endswith("_source")]:
            assert set(frame[col]) <= set(PROVENANCE_SOURCES), col
    assert rec.patients["relief_event"].dtype == "Int64"


# -- determinism and the ensemble -----------------------------------------------------------------


def test_same_seed_same_frames(courses, patients, cons, recs):
    again = R.reconstruct(courses, patients, cons, seed=7)
    pd.testing.assert_frame_equal(again.patients, recs[7].patients)
    pd.testing.assert_frame_equal(again.sites, recs[7].sites)
    pd.testing.assert_frame_equal(again.checks, recs[7].checks)
    assert again.seed == 7
    assert not recs[0].patients.equals(recs[1].patients)


def test_ensemble(courses, patients, cons, recs):
    ens = R.ensemble(courses, patients, cons, n=200, seed=0)
    assert len(ens) == 200
    assert [r.seed for r in ens[:3]] == [0, 1, 2]
    pd.testing.assert_frame_equal(ens[11].patients, recs[11].patients)
    long = R.ensemble_frame(ens)
    assert len(long) == 200 * 11 and set(long["draw"]) == set(range(200))
    # spread: who died and when differs between draws
    per_draw = long.groupby("draw")["death_day"].apply(lambda s: tuple(s.fillna(-1)))
    assert per_draw.nunique() > 150
    assert long.groupby("patient_id")["followup_from_completion_days"].nunique().max() > 50
    # roles drawn at random: the 675-day survivor is a relapsing patient (4 or 8), both occur
    top = long.loc[long["followup_from_completion_days"] == 675, "patient_id"]
    assert set(top) == {"4", "8"}


def test_invalid_arguments(courses, patients, cons):
    with pytest.raises(ValueError, match="seed"):
        R.reconstruct(courses, patients, cons, seed=-1)
    with pytest.raises(ValueError, match="n must"):
        R.ensemble(courses, patients, cons, n=0)
    with pytest.raises(ValueError, match="courses"):
        R.reconstruct("courses", patients, cons)
    with pytest.raises(ValueError, match="same patient ids"):
        R.reconstruct(courses, patients.iloc[:5], cons)
    with pytest.raises(ValueError, match="count of deaths"):
        R.reconstruct(courses, patients, [c for c in cons if c.quantity != "deaths"])
    with pytest.raises(ValueError, match="at least one"):
        R.ensemble_frame([])
