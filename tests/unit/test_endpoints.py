"""Tests for plexrt.clinical.endpoints: from per-patient event times to survival inputs, curves and medians.

Independent references:
- Kaplan-Meier curves, medians and the reverse Kaplan-Meier follow-up worked by hand on toy frames
  (arithmetic in the comments), with R's median convention (first time S <= 0.5).
- Log-rank statistic worked by hand on a 6-patient example and checked against lifelines'
  ``logrank_test`` / ``multivariate_logrank_test`` on the same data.
- Ensemble band: Kaplan-Meier of each draw by hand, pointwise quantiles by ``numpy.quantile``.
- Bundled store: the published aggregates of Sanuki et al., Cureus 2022;14(1):e20939
  (tests/fixtures/sanuki2022-cureus.md): 8 deaths; mean time from RT completion to death
  125 days (31-260); mean follow-up 215 days (31-675); 9 patients assessable for duration of
  relief, 2 relapses (rectal = patient 8, urachal = patient 4), the other 7 a mean of 205 days
  (70-481); Table 1 for involved muscle, intent and primary cancer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.charts.km_legend import km_legend_name
from plexrt.clinical import endpoints as tte
from plexrt.clinical import series_medians as sm
from plexrt.clinical import tte_estimates as te
from plexrt.data import store
from plexrt.stats.survival import ALL_NOT_REACHED, kaplan_meier

DAYS_PER_MONTH = 30.4375  # 365.25 / 12, typed here as the independent reference


def _events(rows: list[dict]) -> pd.DataFrame:
    """A minimal events frame; missing columns get neutral defaults."""
    base = {
        "rt_end_day": 0,
        "death": False,
        "assessable_for_relief": False,
        "max_response_day": 0,
        "relapse": False,
        "relapse_day": np.nan,
        "relief_end_day": np.nan,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


# ------------------------------------------------------------------ survival_data


def _surv_frame():
    return _events(
        [
            {"patient_id": "1", "rt_end_day": 14, "last_contact_day": 100, "death": True},
            {"patient_id": "2", "rt_end_day": 30, "last_contact_day": 250, "death": False},
            {"patient_id": "3", "rt_end_day": 10, "last_contact_day": 40, "death": True},
            {"patient_id": "4", "rt_end_day": 5, "last_contact_day": 500, "death": False},
        ]
    )


def test_survival_data_from_completion_subtracts_rt_end():
    out = tte.survival_data(_surv_frame(), ["1", "2", "3"], "completion")
    assert list(out.columns) == ["patient_id", "duration_days", "event"]
    assert list(out["patient_id"]) == ["1", "2", "3"]  # patient 4 is not in the cohort
    # last contact - end of RT: 100 - 14 = 86, 250 - 30 = 220, 40 - 10 = 30
    assert list(out["duration_days"]) == [86.0, 220.0, 30.0]
    assert list(out["event"]) == [1, 0, 1]  # event = death


def test_survival_data_from_start_is_last_contact_day():
    out = tte.survival_data(_surv_frame(), ["1", "2", "3", "4"], "start")
    # Day 0 is the start of RT, so the time from start is the last-contact day itself.
    assert list(out["duration_days"]) == [100.0, 250.0, 40.0, 500.0]
    assert list(out["event"]) == [1, 0, 1, 0]


def test_survival_data_default_time_zero_is_completion():
    a = tte.survival_data(_surv_frame(), ["1", "2"])
    assert list(a["duration_days"]) == [86.0, 220.0]


def test_survival_data_matches_patient_ids_given_as_integers():
    ev = _surv_frame()
    ev["patient_id"] = [1, 2, 3, 4]
    out = tte.survival_data(ev, [2, "3"], "completion")
    assert list(out["patient_id"]) == ["2", "3"]
    assert list(out["duration_days"]) == [220.0, 30.0]


def test_survival_data_rejects_unknown_time_zero():
    with pytest.raises(ValueError, match="time_zero"):
        tte.survival_data(_surv_frame(), ["1"], "diagnosis")


# ------------------------------------------------------------------ relief_data


def _relief_frame():
    return _events(
        [
            # relapse at day 80, maximum response at day 20: 60 days of relief, code 1
            {
                "patient_id": "1",
                "assessable_for_relief": True,
                "max_response_day": 20,
                "relapse": True,
                "relapse_day": 80,
                "relief_end_day": 80,
                "death": False,
                "last_contact_day": 300,
            },
            # died at day 150 without relapse: 150 - 14 = 136 days, censored, code 2
            {
                "patient_id": "2",
                "assessable_for_relief": True,
                "max_response_day": 14,
                "relief_end_day": 150,
                "death": True,
                "last_contact_day": 150,
            },
            # alive without relapse at day 400: 400 - 7 = 393 days, censored, code 0
            {
                "patient_id": "3",
                "assessable_for_relief": True,
                "max_response_day": 7,
                "relief_end_day": 400,
                "death": False,
                "last_contact_day": 400,
            },
            # relapse (day 60) then death (day 90): relapse is the first event, code 1
            {
                "patient_id": "4",
                "assessable_for_relief": True,
                "max_response_day": 21,
                "relapse": True,
                "relapse_day": 60,
                "relief_end_day": 60,
                "death": True,
                "last_contact_day": 90,
            },
            # not assessable for duration: left out whatever its times
            {
                "patient_id": "5",
                "assessable_for_relief": False,
                "max_response_day": 21,
                "relief_end_day": 50,
                "death": True,
                "last_contact_day": 50,
            },
        ]
    )


def test_relief_data_keeps_only_assessable_patients_with_codes():
    out = tte.relief_data(_relief_frame(), ["1", "2", "3", "4", "5"])
    assert list(out.columns) == ["patient_id", "duration_days", "event", "code"]
    assert list(out["patient_id"]) == ["1", "2", "3", "4"]
    # relief_end_day - max_response_day: 80-20, 150-14, 400-7, 60-21
    assert list(out["duration_days"]) == [60.0, 136.0, 393.0, 39.0]
    assert list(out["event"]) == [1, 0, 0, 1]  # relapse is the event; death censors
    assert list(out["code"]) == [1, 2, 0, 1]  # 1 relapse, 2 death before relapse, 0 alive


def test_relief_data_respects_cohort():
    out = tte.relief_data(_relief_frame(), ["2", "5"])
    assert list(out["patient_id"]) == ["2"]


def test_relapse_competing_risks_by_hand():
    # Patients 1-4 of _relief_frame plus patient 6, who dies 30 days after maximum response
    # without relapse. Times from maximum response: 30 (death), 39 (relapse), 60 (relapse),
    # 136 (death), 393 (censored).
    # Aalen-Johansen: t=39: S(t-) = 4/5, n = 4 -> CIF 1/5; t=60: S(t-) = 3/5, n = 3 -> + 1/5 = 2/5.
    # 1 - KM with deaths censored: t=39: 1 - 3/4; t=60: 1 - 3/4 * 2/3 = 1/2 (> 2/5: it overstates).
    frame = pd.concat(
        [
            _relief_frame(),
            _events(
                [
                    {
                        "patient_id": "6",
                        "assessable_for_relief": True,
                        "max_response_day": 10,
                        "relief_end_day": 40,
                        "death": True,
                        "last_contact_day": 40,
                    },
                ]
            ),
        ],
        ignore_index=True,
    )
    cif, omk = tte.relapse_competing_risks(frame, ["1", "2", "3", "4", "5", "6"])
    assert (cif.n, cif.n_events, cif.n_competing) == (5, 2, 2)
    assert cif.table["cif"].iloc[-1] == pytest.approx(0.4)
    assert cif.table.set_index("time").loc[39.0, "cif"] == pytest.approx(0.2)
    assert omk["one_minus_km"].iloc[-1] == pytest.approx(0.5)
    assert omk.set_index("time").loc[39.0, "one_minus_km"] == pytest.approx(0.25)


def test_relapse_competing_risks_none_without_assessable_patients():
    assert tte.relapse_competing_risks(_relief_frame(), ["5"]) is None


def test_cohort_patients_once_each_in_natural_order():
    sites = pd.DataFrame({"patient_id": ["10", "2", "1", "2", "11"]})
    assert tte.cohort_patients(sites) == ["1", "2", "10", "11"]


# ------------------------------------------------------------------ groups


def _sites():
    return pd.DataFrame(
        {
            "patient_id": [1, 1, 2, 3, 3, 4],
            "involved_muscle": [
                "psoas",
                "piriformis",
                "psoas",
                "piriformis",
                "piriformis",
                "psoas",
            ],
            "intent": [
                "palliative",
                "palliative",
                "local_control",
                "local_control",
                "palliative",
                "local_control",
            ],
            "primary_group": [
                "gynecological",
                "gynecological",
                "urological",
                "urological",
                "urological",
                "gastrointestinal",
            ],
        }
    )


def test_patient_groups_mixed_when_sites_differ():
    g = tte.patient_groups(_sites(), "involved_muscle")
    # Patient 1 has a psoas and a piriformis site; patient 3 two piriformis sites.
    assert g.to_dict() == {"1": "mixed", "2": "psoas", "3": "piriformis", "4": "psoas"}


def test_patient_groups_local_control_label():
    g = tte.patient_groups(_sites(), "intent")
    assert g.to_dict() == {
        "1": "palliative",
        "2": "local control",
        "3": "mixed",
        "4": "local control",
    }


def test_patient_groups_primary_group():
    g = tte.patient_groups(_sites(), "primary_group")
    assert g.to_dict() == {
        "1": "gynecological",
        "2": "urological",
        "3": "urological",
        "4": "gastrointestinal",
    }


@pytest.mark.parametrize("by", ["none", "muscle", ""])
def test_patient_groups_rejects_unknown_grouping(by):
    with pytest.raises(ValueError, match="by must be one of"):
        tte.patient_groups(_sites(), by)


def test_split_by_group_sorted_labels_and_rows():
    data = pd.DataFrame(
        {
            "patient_id": ["1", "2", "3", "4", "9"],
            "duration_days": [10.0, 20.0, 30.0, 40.0, 50.0],
            "event": [1, 0, 1, 1, 0],
        }
    )
    parts = tte.split_by_group(data, tte.patient_groups(_sites(), "involved_muscle"))
    # Patient 9 has no group and is left out; labels in sorted order.
    assert list(parts) == ["mixed", "piriformis", "psoas"]
    assert list(parts["psoas"]["patient_id"]) == ["2", "4"]
    assert list(parts["mixed"]["duration_days"]) == [10.0]
    assert list(parts["piriformis"]["patient_id"]) == ["3"]


def _part(n, events):
    return pd.DataFrame(
        {"duration_days": np.arange(1.0, n + 1), "event": [1] * events + [0] * (n - events)}
    )


def test_small_groups_thresholds():
    parts = {
        "ok": _part(5, 3),  # n = 5 and 3 events: exactly at both thresholds, not flagged
        "few patients": _part(4, 4),  # n < 5
        "few events": _part(8, 2),  # < 3 events
        "one event": _part(2, 1),
    }
    assert tte.small_groups(parts) == [
        "few patients: n = 4, 4 events",
        "few events: n = 8, 2 events",
        "one event: n = 2, 1 event",
    ]
    assert (tte.MIN_GROUP_N, tte.MIN_GROUP_EVENTS) == (5, 3)


# ------------------------------------------------------------------ curves and medians


def _km_data():
    return pd.DataFrame(
        {
            "patient_id": ["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4"],
            "duration_days": [2.0, 4.0, 6.0, 8.0, 10.0, 1.0, 2.0, 3.0, 4.0],
            "event": [1, 1, 0, 1, 1, 1, 1, 1, 1],
        }
    )


def _km_groups():
    return pd.Series(
        {
            "a1": "A",
            "a2": "A",
            "a3": "A",
            "a4": "A",
            "a5": "A",
            "b1": "B",
            "b2": "B",
            "b3": "B",
            "b4": "B",
        }
    )


def test_curves_overall_one_curve_with_hand_median():
    data = _km_data().iloc[:5]
    out = tte.curves(data, None)
    assert [lab for lab, _ in out] == ["All patients"]
    # 2: 4/5 = 0.8; 4: 0.8 * 3/4 = 0.6; 6 censored; 8: 0.6 * 1/2 = 0.3 <= 0.5 -> median 8.
    assert out[0][1].median == 8.0
    assert tte.curves(data, None, overall_label="Cohort")[0][0] == "Cohort"


def test_curves_one_per_group_with_hand_medians():
    out = dict(tte.curves(_km_data(), _km_groups()))
    assert list(out) == ["A", "B"]
    assert out["A"].median == 8.0  # as above
    # B: 1: 3/4; 2: 1/2 exactly, flat until 3 where it drops to 1/4 -> R takes the midpoint of
    # the stretch at 0.5: (2 + 3) / 2 = 2.5.
    assert out["B"].median == 2.5
    assert out["B"].n == 4 and out["B"].n_events == 4


def test_curves_empty_data():
    empty = pd.DataFrame(columns=["patient_id", "duration_days", "event"])
    assert tte.curves(empty, None) == []


def test_compare_logrank_by_hand_and_lifelines():
    from lifelines.statistics import logrank_test

    data = pd.DataFrame(
        {
            "patient_id": ["a1", "a2", "a3", "b1", "b2", "b3"],
            "duration_days": [1.0, 3.0, 5.0, 2.0, 4.0, 6.0],
            "event": [1, 1, 0, 1, 1, 1],
        }
    )
    groups = pd.Series({"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "b3": "B"})
    res = tte.compare(data, groups)
    # Event times (n at risk, n in A, deaths, E_A = d nA/n, V = d (nA/n)(1-nA/n)(n-d)/(n-1)):
    # t=1: 6, 3, 1 (A)  E=0.5    V=0.25
    # t=2: 5, 2, 1 (B)  E=0.4    V=0.24
    # t=3: 4, 2, 1 (A)  E=0.5    V=0.25
    # t=4: 3, 1, 1 (B)  E=1/3    V=2/9
    # t=6: 1, 0, 1 (B)  E=0      V=0
    # O_A = 2, E_A = 26/15, O - E = 4/15; V = 0.74 + 2/9; chi2 = (4/15)^2 / V
    hand = (4 / 15) ** 2 / (0.74 + 2 / 9)
    assert res.statistic == pytest.approx(hand, rel=1e-12)
    assert res.df == 1
    a, b = data.iloc[:3], data.iloc[3:]
    lt = logrank_test(a["duration_days"], b["duration_days"], a["event"], b["event"])
    assert res.statistic == pytest.approx(lt.test_statistic, rel=1e-9)
    assert res.p_value == pytest.approx(lt.p_value, rel=1e-9)


def test_compare_three_groups_matches_lifelines():
    from lifelines.statistics import multivariate_logrank_test

    data = pd.DataFrame(
        {
            "patient_id": [f"p{i}" for i in range(9)],
            "duration_days": [3.0, 5.0, 9.0, 2.0, 4.0, 4.0, 7.0, 10.0, 12.0],
            "event": [1, 1, 0, 1, 1, 0, 1, 1, 0],
        }
    )
    labels = ["x", "x", "x", "y", "y", "y", "z", "z", "z"]
    groups = pd.Series(labels, index=data["patient_id"])
    res = tte.compare(data, groups)
    mv = multivariate_logrank_test(data["duration_days"], labels, data["event"])
    assert res.df == 2
    assert res.statistic == pytest.approx(mv.test_statistic, rel=1e-9)
    assert res.p_value == pytest.approx(mv.p_value, rel=1e-9)


def test_compare_none_with_fewer_than_two_groups():
    data = _km_data()
    one = pd.Series("A", index=_km_groups().index)
    assert tte.compare(data, one) is None
    # Only group A has patients in the data: still a single group.
    assert tte.compare(data.iloc[:5], _km_groups()) is None


def _estimate(median, ci, m=0, ensemble=None, missing=ALL_NOT_REACHED):
    return te.MedianEstimate(median, ci, ensemble, median, m, 10, 5, "note", missing=missing)


def test_median_text_wording():
    # 180 / 30.4375 = 5.914; 40 / 30.4375 = 1.314
    assert _estimate(180.0, (40.0, None)).text() == "5.9 mo (95% CI 1.3 mo to not reached)"
    assert _estimate(None, (None, None)).text() == "not reached (95% CI not reached)"
    assert _estimate(60.0, (30.0, 90.0)).text("days") == "60.0 d (95% CI 30.0 d to 90.0 d)"
    pooled = _estimate(165.0, (31.0, None), m=200, ensemble=(134.0, 190.0))
    # 165 / 30.4375 = 5.42; 31 -> 1.02; 134 -> 4.40; 190 -> 6.24
    assert pooled.text() == (
        "5.4 mo (95% CI 1.0 mo to not reached; pooled over 200 reconstructions); "
        "the reconstructions' own medians 4.4 mo to 6.2 mo (5th–95th percentile)"
    )


def test_an_unreached_range_of_reconstructions_reads_as_on_the_literature_page():
    # Sanuki 2022's relief: pooled median and upper limit not reached (2 relapses in 9), and no
    # reconstruction's own median reached. The Time to event page and compare mode said "the
    # reconstructions' own medians not reached to not reached" and "crosses 0.5 at not
    # reached", where the Literature table and the board's key figures say "the
    # reconstructions' medians not reached": one wording of the same unreached range.
    from plexrt.clinical.literature_comparison import median_display

    est = te.MedianEstimate(None, (45.0, None), (None, None), None, 200, 9, 2, "note")
    # 45 / 30.4375 = 1.48 -> 1.5
    assert est.text() == (
        "not reached (95% CI 1.5 mo to not reached; pooled over 200 reconstructions); "
        "the reconstructions' own medians not reached (5th–95th percentile)"
    )
    assert median_display(None, (45 / 30.4375, None), True, (None, None), 200).endswith(
        "the reconstructions' medians not reached)"
    )
    line = te.median_line("All", est, "months", "duration of pain relief")
    assert "not reached to not reached" not in line
    assert line.endswith(
        "The curve drawn (one reconstruction) does not reach 0.5 (median not reached), as its "
        "legend says."
    )
    # one end reached: both ends given
    half = te.MedianEstimate(None, (45.0, None), (200.0, None), 200.0, 200, 9, 2, "note")
    assert "own medians 6.6 mo to not reached" in half.text()  # 200 / 30.4375 = 6.57


def test_the_limits_of_a_one_patient_curve_are_not_estimable():
    # One patient, dead at day 150: S falls from 1 to 0 there, so the median is 150; the
    # log-log interval is undefined at S = 0 (R: median 150, LCL NA, UCL NA). Neither limit can
    # be "not reached": the lower curve lies under the curve, which reaches 0.5, and no one is
    # left at risk after day 150 for the upper curve to be read at.
    res = kaplan_meier([150.0], [1])
    assert res.median == 150.0 and res.median_ci == (None, None)
    assert _estimate(res.median, res.median_ci, missing=res.missing).text("days") == (
        "150.0 d (95% CI not estimable)"
    )
    assert km_legend_name("One", res, "days") == "One (n=1): median 150 d (95% CI not estimable)"


def test_median_text_on_a_curve_that_stays_above_half():
    # 10 death, 20/30/40 censored: S = 3/4 throughout, so the median is not reached.
    # Log-log lower limit at t=10: se(log S) = sqrt(1/(4*3)) = 0.2887, |log S| = 0.2877,
    # lower = 0.75 ** exp(1.96 * 0.2887 / 0.2877) = 0.75 ** 7.15 = 0.128 <= 0.5 -> lower CI 10;
    # upper = 0.75 ** exp(-1.967) = 0.96 -> not reached.
    res = kaplan_meier([10, 20, 30, 40], [1, 0, 0, 0])
    assert _estimate(res.median, res.median_ci, missing=res.missing).text("days") == (
        "not reached (95% CI 10.0 d to not reached)"
    )


# ------------------------------------------------------------------ endpoint_data


def test_endpoint_data_dispatch_and_errors():
    ev = _relief_frame()
    assert tte.endpoint_data(ev, ["1", "2"], "relief", "completion").equals(
        tte.relief_data(ev, ["1", "2"])
    )
    assert tte.endpoint_data(ev, ["1", "2"], "survival", "start").equals(
        tte.survival_data(ev, ["1", "2"], "start")
    )
    with pytest.raises(ValueError, match="endpoint"):
        tte.endpoint_data(ev, ["1"], "progression", "completion")
    with pytest.raises(ValueError, match="time_zero"):
        tte.endpoint_data(ev, ["1"], "survival", "death")


# ------------------------------------------------------------------ ensemble envelope


def _draw(durations, deaths, extra_patient=True):
    rows = [
        {"patient_id": str(i + 1), "rt_end_day": 10, "last_contact_day": 10 + t, "death": bool(d)}
        for i, (t, d) in enumerate(zip(durations, deaths, strict=True))
    ]
    if extra_patient:  # outside the cohort: an early death that must not enter the curves
        rows.append({"patient_id": "99", "rt_end_day": 10, "last_contact_day": 11, "death": True})
    return _events(rows)


def test_ensemble_envelope_pointwise_quantiles():
    draws = [
        _draw([5, 10, 20], [1, 1, 0]),
        _draw([10, 10, 15], [1, 0, 1]),
        _draw([5, 15, 20], [0, 1, 1]),
    ]
    grid = np.array([0.0, 5.0, 10.0, 15.0, 20.0])
    # KM from RT completion per draw, at the grid:
    # draw 1: 5: 2/3; 10: 1/3; 20 censored                  -> 1, 2/3, 1/3, 1/3, 1/3
    # draw 2: 10: 1 death of 3 at risk (the censored one at 10 still at risk) -> 2/3;
    #         15: 1 of 1 -> 0                                -> 1, 1, 2/3, 0, 0
    # draw 3: 5 censored; 15: 1 of 2 -> 1/2; 20: 1 of 1 -> 0 -> 1, 1, 1, 1/2, 0
    km = np.array(
        [
            [1, 2 / 3, 1 / 3, 1 / 3, 1 / 3],
            [1, 1, 2 / 3, 0, 0],
            [1, 1, 1, 1 / 2, 0],
        ]
    )
    out = tte.ensemble_envelope(draws, ["1", "2", "3"], "survival", "completion", grid)
    assert list(out.columns) == ["time_days", "low", "high", "median"]
    np.testing.assert_allclose(out["time_days"], grid)
    np.testing.assert_allclose(out["low"], np.quantile(km, 0.05, axis=0), atol=1e-12)
    np.testing.assert_allclose(out["high"], np.quantile(km, 0.95, axis=0), atol=1e-12)
    np.testing.assert_allclose(out["median"], np.quantile(km, 0.5, axis=0), atol=1e-12)

    out = tte.ensemble_envelope(draws, ["1", "2", "3"], "survival", "completion", grid, 0.25, 0.75)
    np.testing.assert_allclose(out["low"], np.quantile(km, 0.25, axis=0), atol=1e-12)
    np.testing.assert_allclose(out["high"], np.quantile(km, 0.75, axis=0), atol=1e-12)


def test_ensemble_envelope_from_start_shifts_by_rt_end():
    draws = [_draw([5, 10], [1, 1], extra_patient=False)]
    # From RT start the times are 15 and 20 (rt_end_day 10): survival 1 at day 10, 1/2 at 15.
    out = tte.ensemble_envelope(draws, ["1", "2"], "survival", "start", np.array([10.0, 15.0]))
    np.testing.assert_allclose(out["median"], [1.0, 0.5])


def test_ensemble_envelope_empty_cohort():
    out = tte.ensemble_envelope(
        [_draw([5], [1])], ["nobody"], "survival", "completion", np.array([0.0, 10.0])
    )
    assert out.empty
    assert list(out.columns) == ["time_days", "low", "high", "median"]


# ------------------------------------------------------------------ swimmer data and flags


def test_swimmer_patients_flags_from_source_columns():
    ev = _events(
        [
            {
                "patient_id": "1",
                "last_contact_day": 200,
                "death": True,
                "max_response_day": 14,
                "relapse": True,
                "relapse_day": 90,
            },
            {
                "patient_id": "2",
                "last_contact_day": 300,
                "death": False,
                "max_response_day": 7,
                "relapse": None,
                "relapse_day": np.nan,
            },
            {"patient_id": "3", "last_contact_day": 50, "death": True, "max_response_day": 7},
        ]
    )
    ev["last_contact_day_source"] = ["reconstructed", "case_narrative", "reconstructed"]
    ev["relapse_day_source"] = ["results_text", "derived", "reconstructed"]
    # no max_response_day_source column: nothing there is flagged
    out = tte.swimmer_patients(ev, ["1", "2"])
    assert list(out["patient_id"]) == ["1", "2"]
    assert list(out["last_day"]) == [200.0, 300.0]
    assert list(out["death"]) == [True, False]
    assert list(out["relapse"]) == [True, False]  # unknown relapse is not drawn as one
    assert list(out["last_day_reconstructed"]) == [True, False]
    assert list(out["relapse_day_reconstructed"]) == [False, False]
    assert list(out["max_response_day_reconstructed"]) == [False, False]


def test_swimmer_sites_flags():
    ce = pd.DataFrame(
        {
            "patient_id": ["1", "1", "2"],
            "course_id": ["1.1", "1.2", "2.1"],
            "rt_start_day": [0, 24, 0],
            "rt_end_day": [16, 42, 39],
            "rt_start_day_source": ["derived", "reconstructed", "derived"],
        }
    )
    out = tte.swimmer_sites(ce, ["1"])
    assert list(out["course_id"]) == ["1.1", "1.2"]
    assert list(out["rt_start_day"]) == [0.0, 24.0]
    assert list(out["rt_end_day"]) == [16.0, 42.0]
    assert list(out["reconstructed"]) == [False, True]


def test_is_reconstructed():
    ev = _surv_frame()
    assert tte.is_reconstructed(ev) is False  # no source columns at all
    ev["death_source"] = ["published", "derived", "case_narrative", "results_text"]
    assert tte.is_reconstructed(ev) is False
    ev["last_contact_day_source"] = ["table1", "table1", "reconstructed", "table1"]
    assert tte.is_reconstructed(ev) is True


# ------------------------------------------------------------------ series_medians


def _medians_frame():
    # Survival from completion (rt_end_day 10): durations 30, 60, 90, 120, 150, 180 days,
    # deaths 1, 1, 0, 1, 0, 0. Relief for patients 1-5 (max response day 10):
    # relief_end - max_response = 20, 40, 60, 80, 100 with relapse 1, 0, 1, 1, 0.
    rows = []
    surv = [(30, True), (60, True), (90, False), (120, True), (150, False), (180, False)]
    relief = [(20, True), (40, False), (60, True), (80, True), (100, False)]
    for i, (t, dead) in enumerate(surv):
        r = {
            "patient_id": str(i + 1),
            "rt_end_day": 10,
            "last_contact_day": 10 + t,
            "death": dead,
            "max_response_day": 10,
        }
        if i < len(relief):
            rt, rel = relief[i]
            r.update(assessable_for_relief=True, relapse=rel, relief_end_day=10 + rt)
        rows.append(r)
    return _events(rows)


def test_series_medians_hand_made_frame():
    m = sm.series_medians(_medians_frame(), [str(i) for i in range(1, 7)])
    # Survival: 30: 5/6; 60: 4/6; 90 censored; 120: n=3, 4/6 * 2/3 = 0.444 -> median 120 days.
    assert m.values["median_survival_months"] == pytest.approx(120 / DAYS_PER_MONTH)
    # Follow-up (reverse KM, censorings are events): 90: n=4 -> 3/4; 120 death censors;
    # 150: n=2 -> 3/8 -> median 150 days.
    assert m.values["median_followup_months"] == pytest.approx(150 / DAYS_PER_MONTH)
    # Relief: 20: 4/5; 40 censored; 60: n=3 -> 0.8 * 2/3 = 0.533; 80: n=2 -> 0.267 -> 80 days.
    assert m.values["median_relief_months"] == pytest.approx(80 / DAYS_PER_MONTH)
    assert set(m.cis) == set(m.values)
    # Relief median CI, log-log limits by hand (Greenwood sum d / (n (n - d)), z = 1.96):
    # t=20: S 0.8, sum 1/20; lower = 0.8 ** exp(1.96 * 0.2236 / 0.2231) = 0.8 ** 7.13 = 0.20 <= 0.5
    #   -> the lower limit of the median is 20 days.
    # upper = S ** exp(-1.96 * sqrt(sum) / |log S|): t=20 0.97; t=60 (S 0.533, sum 0.217) 0.86;
    #   t=80 (S 0.267, sum 0.717) 0.2667 ** exp(-1.96 * 0.8466 / 1.3218) = 0.69 > 0.5
    #   -> the upper limit is not reached.
    assert m.cis["median_relief_months"] == (pytest.approx(20 / DAYS_PER_MONTH), None)
    assert m.reconstructed is False
    assert "reconstructed" not in m.note


def test_series_medians_flags_reconstructed_times():
    ev = _medians_frame()
    ev["last_contact_day_source"] = "reconstructed"
    m = sm.series_medians(ev, ["1", "2", "3"])
    assert m.reconstructed is True
    # without the ensemble: one reconstruction, and the note says what its CI leaves out
    assert "one reconstruction of times not published per patient" in m.note
    assert "leaves out the uncertainty" in m.note and m.m == 0 and m.ranges == {}


def test_series_medians_empty():
    m = sm.series_medians(_medians_frame(), [])
    assert (m.values, m.cis, m.reconstructed) == ({}, {}, False)
    assert m.note == "No time-to-event data for this cohort."
    m = sm.series_medians(_medians_frame().iloc[:0], ["1"])
    assert m.values == {}


def test_series_medians_without_assessable_patients_has_no_relief_median():
    m = sm.series_medians(_medians_frame(), ["6"])  # patient 6 is not assessable for relief
    assert "median_relief_months" not in m.values
    assert "median_survival_months" in m.values


def test_series_medians_accepts_a_generator_of_ids():
    ids = (str(i) for i in range(1, 7))
    m = sm.series_medians(_medians_frame(), ids)
    assert m.values.get("median_survival_months") == pytest.approx(120 / DAYS_PER_MONTH)


def test_series_medians_reconstructed_flag_follows_cohort():
    ev = _medians_frame()
    ev["last_contact_day_source"] = ["published"] * 5 + ["reconstructed"]
    m = sm.series_medians(ev, ["1", "2", "3", "4", "5"])
    assert m.reconstructed is False


# ------------------------------------------------------------------ bundled store (Sanuki 2022)


@pytest.fixture(scope="module")
def bundled(con):
    cohort = store.cohort(con)
    return cohort, store.events(con), store.course_events(con)


def test_bundled_survival_from_completion_matches_published_aggregates(bundled):
    cohort, events, _ = bundled
    pids = cohort["patient_id"].unique()
    s = tte.survival_data(events, pids, "completion")
    assert len(s) == 11  # 11 patients (12 sites)
    assert s["event"].sum() == 8  # "a total of eight patients had died"
    dead = s.loc[s["event"] == 1, "duration_days"]
    # "mean time from completion of radiotherapy to death was 125 days (31-260 days)"
    assert round(dead.mean()) == 125
    assert (dead.min(), dead.max()) == (31, 260)
    # "mean duration of follow-up was 215 days (31-675 days)"
    assert round(s["duration_days"].mean()) == 215
    assert (s["duration_days"].min(), s["duration_days"].max()) == (31, 675)
    start = tte.survival_data(events, pids, "start")
    ends = events.set_index(events["patient_id"].astype(str))["rt_end_day"]
    np.testing.assert_allclose(
        start["duration_days"] - s["duration_days"], ends.loc[s["patient_id"]].to_numpy()
    )


def test_bundled_relief_matches_published_aggregates(bundled):
    cohort, events, _ = bundled
    r = tte.relief_data(events, cohort["patient_id"].unique())
    assert len(r) == 9  # "Of the nine patients for whom the duration of effect could be assessed"
    # two relapses: rectal cancer (patient 8) and urachal cancer (patient 4)
    assert sorted(r.loc[r["code"] == 1, "patient_id"]) == ["4", "8"]
    assert r["event"].sum() == 2
    others = r.loc[r["event"] == 0, "duration_days"]
    # "The other seven ... pain relief with a mean duration of 205 days (70-481 days)"
    assert len(others) == 7
    assert round(others.mean()) == 205
    assert (others.min(), others.max()) == (70, 481)


def test_bundled_groups_follow_table_1(bundled):
    cohort, _, _ = bundled
    muscle = tte.patient_groups(cohort, "involved_muscle")
    assert sorted(muscle[muscle == "piriformis"].index, key=int) == ["2", "6", "8", "11"]
    assert sorted(muscle[muscle == "psoas"].index, key=int) == ["1", "3", "4", "5", "7", "9", "10"]
    intent = tte.patient_groups(cohort, "intent")
    assert sorted(intent[intent == "local control"].index, key=int) == ["2", "3", "5", "6", "8"]
    assert set(intent) == {"palliative", "local control"}  # patient 1: both courses palliative


def test_bundled_compare_by_muscle_matches_lifelines(bundled):
    from lifelines.statistics import logrank_test

    cohort, events, _ = bundled
    groups = tte.patient_groups(cohort, "involved_muscle")
    data = tte.survival_data(events, cohort["patient_id"].unique(), "completion")
    res = tte.compare(data, groups)
    g = data["patient_id"].map(groups)
    a, b = data[g == "piriformis"], data[g == "psoas"]
    lt = logrank_test(a["duration_days"], b["duration_days"], a["event"], b["event"])
    assert res.statistic == pytest.approx(lt.test_statistic, rel=1e-9)
    assert res.p_value == pytest.approx(lt.p_value, rel=1e-9)


def test_bundled_series_medians(bundled):
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    cohort, events, _ = bundled
    pids = cohort["patient_id"].unique()
    m = sm.series_medians(events, pids)

    def lifelines_median(durations, observed):
        """(median, lower, upper) in days from lifelines; inf (not reached) -> None."""
        kmf = KaplanMeierFitter().fit(durations, observed)
        ci = median_survival_times(kmf.confidence_interval_).iloc[0]
        vals = (kmf.median_survival_time_, ci.iloc[0], ci.iloc[1])
        return tuple(None if np.isinf(v) else float(v) for v in vals)

    def months(v):
        return None if v is None else pytest.approx(v / DAYS_PER_MONTH)

    # Relief: 9 assessable patients, 2 relapses (patients 4 and 8). Kaplan-Meier by hand: each
    # relapse multiplies S by (1 - 1/n at risk), so S never falls to 0.5 -> median not reached.
    relief = tte.relief_data(events, pids)
    t = relief["duration_days"].to_numpy()
    relapses = relief.loc[relief["event"] == 1, "duration_days"].sort_values()
    at_risk = [int((t >= r).sum()) for r in relapses]
    s_end = float(np.prod([1 - 1 / n for n in at_risk]))
    assert len(relief) == 9 and len(relapses) == 2
    assert s_end > 0.5
    assert m.values["median_relief_months"] is None
    # The lower 95% limit (log-log) falls below 0.5 at the first relapse: the CI starts there.
    med, lo, hi = lifelines_median(relief["duration_days"], relief["event"])
    assert med is None and hi is None and lo == relapses.iloc[0]
    assert m.cis["median_relief_months"] == (months(lo), None)

    # Survival (deaths) and follow-up (reverse Kaplan-Meier), against lifelines on the same data.
    surv = tte.survival_data(events, pids, "completion")
    med, lo, hi = lifelines_median(surv["duration_days"], surv["event"])
    assert med is not None  # 8 deaths of 11: the median is reached
    assert m.values["median_survival_months"] == months(med)
    assert m.cis["median_survival_months"] == (months(lo), months(hi))
    med, lo, hi = lifelines_median(surv["duration_days"], 1 - surv["event"])
    assert med is not None
    assert m.values["median_followup_months"] == months(med)
    # The reverse curve falls to 0 at the longest follow-up (675 days, one patient at risk), where
    # the log-log limits are undefined (NA, as R prints them): PlexRT reports the upper limit as
    # not reached, while lifelines reads its limit there as 675 days.
    assert surv["duration_days"].max() == 675 and hi == 675
    assert m.cis["median_followup_months"] == (months(lo), None)
    assert m.reconstructed is True  # the bundled times are reconstructed (not published)
    assert tte.is_reconstructed(events) is True


def test_bundled_swimmer_sites_flag_second_course_of_patient_1(bundled):
    _, _, course_events = bundled
    out = tte.swimmer_sites(course_events, ["1"])
    assert list(out["course_id"]) == ["1.1", "1.2"]
    # The start of patient 1's second course is not published (only "two weeks later").
    flags = dict(zip(out["course_id"], out["reconstructed"], strict=True))
    # 1.1 starts on day 0 by definition; 1.2 "two weeks later" is not a published day.
    assert flags == {"1.1": False, "1.2": True}


def test_checks_held_and_event_counts(con):
    checks = store.reconstruction_checks(con)
    held, total = tte.checks_held(checks)
    assert total == len(checks) and held == int((checks["holds"] == True).sum())  # noqa: E712
    assert held < total  # the dropped constraints (conflicts) do not hold
    data = tte.survival_data(store.events(con), [str(i) for i in range(1, 12)])
    assert tte.event_counts(data) == (11, 8)  # 11 patients, 8 deaths (Results)


def test_literature_reference(con):
    lit = store.literature(con)
    ref = tte.literature_reference(lit, "gerontopoulos2020", "median_relief_months", "G")
    assert ref == [(3.5 * 30.4375, "G ≈ 3.5 mo")]
    assert tte.literature_reference(lit, "gerontopoulos2020", "median_survival_months", "G") == []
    assert tte.literature_reference(lit, "nosuch", "median_relief_months", "G") == []
