"""Cox hazard ratios (plexrt.stats.survival.cox_hazard_ratio) against published R output and
statsmodels' independent PHReg.

R output for the NCCTG lung data (tests/fixtures/lung.csv, see test_survival.py), printed in many
public R tutorials (e.g. the STHDA "Cox proportional-hazards model" chapter):

    coxph(formula = Surv(time, status) ~ sex, data = lung)
           coef exp(coef) se(coef)      z Pr(>|z|)
    sex -0.5310    0.5880   0.1672 -3.176  0.00149
        exp(coef) exp(-coef) lower .95 upper .95
    sex     0.588      1.701    0.4237     0.816
    Likelihood ratio test= 10.63  on 1 df,   p=0.001111

sex is 1 = male, 2 = female, so the ratio is female against male (the first level).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg

from plexrt.stats.survival import COX_COLUMNS, cox_hazard_ratio

LUNG = pd.read_csv(Path(__file__).resolve().parents[1] / "fixtures" / "lung.csv")


def test_lung_sex_matches_published_r_coxph():
    r = cox_hazard_ratio(LUNG["time"], LUNG["status"], LUNG["sex"])
    assert list(r.table.columns) == list(COX_COLUMNS)
    assert r.reference == 1 and (r.n, r.n_events) == (228, 165)
    ref, female = r.table.iloc[0], r.table.iloc[1]
    assert (ref["group"], ref["hazard_ratio"], ref["n"], ref["events"]) == (1, 1.0, 138, 112)
    assert math.isnan(ref["lower"]) and math.isnan(ref["p_value"])
    assert (female["group"], female["n"], female["events"]) == (2, 90, 53)
    assert round(female["hazard_ratio"], 4) == 0.5880
    assert round(female["lower"], 4) == 0.4237
    assert round(female["upper"], 3) == 0.816
    assert round(female["p_value"], 5) == 0.00149
    assert round(r.likelihood_ratio, 2) == 10.63 and r.df == 1
    assert float(f"{r.p_value:.4g}") == 0.001111
    assert r.warning is None
    assert "Efron" in r.method_note and "95%" in r.method_note


def test_other_reference_inverts_the_ratio():
    # R's exp(-coef) = 1.701; the interval inverts: 1/0.815986 to 1/0.423719
    r = cox_hazard_ratio(LUNG["time"], LUNG["status"], LUNG["sex"], reference=2)
    male = r.table.set_index("group").loc[1]
    assert round(male["hazard_ratio"], 3) == 1.701
    assert male["lower"] == pytest.approx(1 / 0.815986, rel=1e-5)
    assert male["upper"] == pytest.approx(1 / 0.423719, rel=1e-5)


def test_three_groups_match_statsmodels_phreg():
    d = LUNG[LUNG["ph.ecog"].isin([0, 1, 2])]
    r = cox_hazard_ratio(d["time"], d["status"], d["ph.ecog"].astype(int), alpha=0.1)
    exog = np.column_stack([(d["ph.ecog"] == 1).astype(float), (d["ph.ecog"] == 2).astype(float)])
    sm = PHReg(d["time"].to_numpy(), exog, status=d["status"].to_numpy(), ties="efron").fit()
    z = stats.norm.ppf(0.95)
    tab = r.table.set_index("group")
    for j, level in enumerate((1, 2)):
        b, se = sm.params[j], sm.bse[j]
        assert tab.loc[level, "hazard_ratio"] == pytest.approx(math.exp(b), rel=1e-5)
        assert tab.loc[level, "lower"] == pytest.approx(math.exp(b - z * se), rel=1e-5)
        assert tab.loc[level, "upper"] == pytest.approx(math.exp(b + z * se), rel=1e-5)
        assert tab.loc[level, "p_value"] == pytest.approx(sm.pvalues[j], rel=1e-4)
    assert r.df == 2
    assert "90%" in r.method_note


def test_group_without_events_is_not_estimated():
    t = [5, 8, 12, 20, 3, 6, 9, 14]
    e = [1, 1, 0, 1, 0, 0, 0, 0]
    r = cox_hazard_ratio(t, e, ["a"] * 4 + ["b"] * 4)
    row = r.table.set_index("group").loc["b"]
    assert row["events"] == 0 and math.isnan(row["hazard_ratio"])
    assert r.warning and "no events in b" in r.warning


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"events": [0, 0, 0, 0]}, "no event"),
        ({"reference": "c"}, "reference"),
        ({"groups": ["a"] * 4}, "two different groups"),
        ({"events": [1, 2, 0, 1]}, "events must be 1"),
        ({"alpha": 1.5}, "alpha"),
    ],
)
def test_rejects_bad_input(kwargs, match):
    args = {"durations": [1, 2, 3, 4], "events": [1, 0, 1, 1], "groups": ["a", "b", "a", "b"]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        cox_hazard_ratio(**args)
