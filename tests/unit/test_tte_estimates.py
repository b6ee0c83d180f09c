"""Figures from reconstructed times carry the uncertainty of the reconstruction (issue 13, point 1):
medians, rates at fixed times, cumulative incidence and log-rank tests pooled over the ensemble of
reconstructions (plexrt.clinical.tte_estimates, plexrt.clinical.tte_rates,
plexrt.stats.survival.pooled); real times keep the ordinary interval.

Independent references: kaplan_meier / cumulative_incidence / logrank of one data set (checked
against R and lifelines in test_survival) and Rubin's rules written out here by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from plexrt.clinical import endpoints as tte
from plexrt.clinical import tte_estimates as te
from plexrt.clinical import tte_rates
from plexrt.data import store
from plexrt.ingest.ensemble import reconstruction_draws
from plexrt.stats.survival import cumulative_incidence, kaplan_meier, logrank
from plexrt.stats.survival.pooled import km_at, pooled_cif_at, pooled_km, pooled_logrank


@pytest.fixture(scope="module")
def bundled(con):
    sites = store.cohort(con)
    return store.events(con), reconstruction_draws(con, 200), tte.cohort_patients(sites), sites


def _wider(ci, rng) -> bool:
    """The interval ci contains the range rng (None = not reached = beyond any time)."""
    inf = math.inf
    lo, hi = (-inf if ci[0] is None else ci[0]), (inf if ci[1] is None else ci[1])
    a, b = (inf if rng[0] is None else rng[0]), (inf if rng[1] is None else rng[1])
    return lo <= a and b <= hi


def _km(d: pd.DataFrame):
    return kaplan_meier(d["duration_days"], d["event"])


# --- the rule on small data sets --------------------------------------------------------------


T = np.array([3.0, 5, 5, 5, 8, 10, 10, 12, 15, 20])
E = np.array([1.0, 1, 1, 0, 1, 0, 1, 1, 0, 1])


def test_identical_members_give_the_single_curve():
    one = kaplan_meier(T, E)
    pooled = pooled_km([(T, E), (T, E), (T, E)])
    assert pooled.median == one.median
    assert pooled.median_ci == one.median_ci
    at = km_at(pooled, [4.0, 9.0, 13.0])
    ref = km_at(one, [4.0, 9.0, 13.0])
    np.testing.assert_allclose(
        at[["survival", "lower", "upper"]], ref[["survival", "lower", "upper"]]
    )


def test_pooled_survival_by_hand():
    # two members differing in one death time (5 in A, 7 in B): at t = 6 A has S = 0.7
    a = (T, E)
    b = (np.array([3.0, 5, 7, 5, 8, 10, 10, 12, 15, 20]), E)
    ka, kb = kaplan_meier(*a), kaplan_meier(*b)
    s = np.array([km_at(ka, [6.0])["survival"][0], km_at(kb, [6.0])["survival"][0]])
    se = np.array([k.table.loc[k.table["time"] <= 6, "std_err"].iloc[-1] for k in (ka, kb)])
    assert s[0] == pytest.approx(0.7) and s[1] == pytest.approx(0.8)
    psi = np.log(-np.log(s))
    var = (se / (s * np.log(s))) ** 2
    w, b_var = var.mean(), psi.var(ddof=1)
    total = w + 1.5 * b_var
    nu = (1 + w / (1.5 * b_var)) ** 2
    crit = stats.t.ppf(0.975, nu)
    res = km_at(pooled_km([a, b]), [6.0])
    assert res["survival"][0] == pytest.approx(math.exp(-math.exp(psi.mean())))
    assert res["lower"][0] == pytest.approx(
        math.exp(-math.exp(psi.mean() + crit * math.sqrt(total)))
    )
    assert res["upper"][0] == pytest.approx(
        math.exp(-math.exp(psi.mean() - crit * math.sqrt(total)))
    )


def test_identical_members_give_the_single_test_and_incidence():
    g = np.array(["a", "b"] * 5)
    one = logrank(T, E, g)
    res = pooled_logrank([(T, E, g), (T, E, g)])
    assert res.p_value == pytest.approx(one.p_value)
    codes = np.array([1, 2, 1, 0, 1, 0, 2, 1, 0, 1])
    cif = cumulative_incidence(T, codes, 1)
    pooled = pooled_cif_at([(T, codes), (T, codes)], [9.0])
    row = cif.table[cif.table["time"] <= 9].iloc[-1]
    assert pooled["cif"][0] == pytest.approx(row["cif"])
    assert (pooled["lower"][0], pooled["upper"][0]) == (
        pytest.approx(row["lower"]),
        pytest.approx(row["upper"]),
    )


def _synthetic_draws(m: int = 30, n: int = 40) -> list[pd.DataFrame]:
    """m reconstructions of n patients, all dead, whose times differ by a factor 0.6-1.4: each
    one is precise (n = 40), but they disagree about when the deaths happened."""
    base = np.linspace(20, 400, n)
    out = []
    for k, f in enumerate(np.linspace(0.6, 1.4, m)):
        last = np.round(base * f) + 10
        out.append(
            pd.DataFrame(
                {
                    "patient_id": [str(i) for i in range(n)],
                    "rt_end_day": 10,
                    "last_contact_day": last,
                    "death": True,
                    "assessable_for_relief": False,
                    "relapse": False,
                    "relief_end_day": np.nan,
                    "max_response_day": 7,
                    "last_contact_day_source": "reconstructed",
                    "seed": k,
                }
            )
        )
    return out


def test_one_reconstruction_is_too_precise_the_pooled_interval_is_not():
    draws = _synthetic_draws()
    pids = [str(i) for i in range(40)]
    est = te.median_estimate(draws[0], draws, pids, "survival")
    assert est.pooled and est.m == 30
    # what PlexRT quoted before: draw 0's own Kaplan-Meier interval, narrower than the ensemble
    one = _km(tte.survival_data(draws[0], pids))
    assert not _wider(one.median_ci, est.ensemble_range_days)
    # the pooled interval carries both sources of uncertainty
    assert _wider(est.ci_days, est.ensemble_range_days)
    assert est.drawn_median_days == one.median


# --- the bundled series -------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["survival", "relief"])
def test_bundled_interval_at_least_as_wide_as_the_ensemble(bundled, endpoint):
    events, draws, pids, _ = bundled
    est = te.median_estimate(events, draws, pids, endpoint)
    assert est.pooled and est.m == 200
    assert _wider(est.ci_days, est.ensemble_range_days)
    d = est.as_dict()
    assert set(d) >= {"median_days", "ci_days", "ensemble_range_days"}
    assert d["reconstructions_pooled"] == 200


def test_bundled_survival_medians(bundled):
    events, draws, pids, _ = bundled
    est = te.median_estimate(events, draws, pids, "survival")
    # every reconstruction: 8 deaths among 11 patients (Results para 3)
    assert (est.n, est.n_events) == (11, 8)
    members = [_km(tte.survival_data(dr, pids)) for dr in draws[:20]]
    # the 5-95% range is of the reconstructions' own medians (checked on the first 20 with lifelines)
    own = np.array([m.median for m in members], dtype=float)
    sub = te.median_estimate(events, draws[:20], pids, "survival")
    a, b = np.quantile(own, [0.05, 0.95])
    assert sub.ensemble_range_days == (pytest.approx(a), pytest.approx(b))


def test_rates_cif_and_logrank_on_the_bundled_series(bundled):
    events, draws, pids, sites = bundled
    rates = tte_rates.rates_at(events, draws, pids, "survival")
    assert list(rates["months"]) == [3, 6, 12]
    assert (rates["low"] <= rates["member_low"]).all()
    assert (rates["high"] >= rates["member_high"]).all()
    cif = tte_rates.relapse_incidence_at(events, draws, pids)
    # both relapses come within 2 months of maximum response in every reconstruction: 2 of 9
    assert cif["member_low"].iloc[-1] == pytest.approx(2 / 9)
    assert cif["estimate"].iloc[-1] == pytest.approx(2 / 9)
    groups = tte.patient_groups(sites, "involved_muscle")
    test = te.logrank_estimate(events, draws, pids, "survival", "completion", groups)
    assert test.m == 200 and 0 < test.p_value < 1
    lo, hi = test.member_range
    assert lo < hi and "pooled p" in test.text()


def test_real_times_keep_the_ordinary_interval(bundled):
    events, draws, pids, _ = bundled
    real = events.drop(columns=[c for c in events.columns if c.endswith("_source")])
    est = te.median_estimate(real, draws, pids, "survival")
    one = _km(tte.survival_data(real, pids))
    assert not est.pooled and est.ensemble_range_days is None
    assert (est.median_days, est.ci_days) == (one.median, one.median_ci)
    assert "pooled" not in est.text() and "reconstructions" not in est.text()
    rates = tte_rates.rates_at(real, draws, pids, "survival")
    assert rates["member_low"].isna().all()


def test_series_medians_and_the_literature_row_pool_over_the_ensemble(bundled):
    from plexrt.clinical import literature_comparison as cmp
    from plexrt.clinical.definitions import Definition
    from plexrt.stats.timescale import DAYS_PER_MONTH

    events, draws, pids, sites = bundled
    from plexrt.clinical.series_medians import series_medians

    med = series_medians(events, pids, draws)
    surv = te.median_estimate(events, draws, pids, "survival")
    assert med.m == 200 and med.reconstructed
    assert med.values["median_survival_months"] == pytest.approx(surv.median_days / DAYS_PER_MONTH)
    lo, hi = surv.ensemble_range_days
    assert med.ranges["median_survival_months"] == (
        pytest.approx(lo / DAYS_PER_MONTH),
        pytest.approx(hi / DAYS_PER_MONTH),
    )
    assert "pooled over 200 reconstructions by Rubin's rules" in med.note
    rec = cmp.plexrt_series(
        sites, Definition("paper"), med.values, "all sites", med.cis, True, med.ranges, med.m
    )
    shown = rec["_display"]["median_survival_months"]
    assert "pooled over 200 reconstructions; the reconstructions' medians " in shown
    assert shown.startswith(f"{med.values['median_survival_months']:.1f} months (95% CI ")


def test_logrank_of_mirror_image_reconstructions_is_the_single_test():
    groups = pd.Series({"1": "a", "2": "a", "3": "b", "4": "b"})

    def draw(days):
        return pd.DataFrame(
            {
                "patient_id": ["1", "2", "3", "4"],
                "rt_end_day": [0, 0, 0, 0],
                "last_contact_day": days,
                "death": [True, True, True, True],
                "assessable_for_relief": False,
                "relapse": False,
                "relief_end_day": np.nan,
                "max_response_day": 0,
                "last_contact_day_source": "reconstructed",
            }
        )

    draws = [draw([10, 20, 30, 40]), draw([30, 40, 10, 20])]
    ids = ["1", "2", "3", "4"]
    est = te.logrank_estimate(draws[0], draws, ids, "survival", "completion", groups)
    one = logrank([10, 20, 30, 40], [1, 1, 1, 1], ["a", "a", "b", "b"])
    # the two draws are mirror images: the same chi-square, so D2 gives the single test's p
    assert est.m == 2 and est.p_value == pytest.approx(one.p_value)
    assert est.member_range == (pytest.approx(one.p_value), pytest.approx(one.p_value))
    # real times: the test itself
    real = draws[0].drop(columns="last_contact_day_source")
    assert te.logrank_estimate(real, draws, ids, "survival", "completion", groups).m == 0
