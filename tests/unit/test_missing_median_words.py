"""A median or confidence limit that R reports as NA reads 'not reached' only when more follow-up
could reach it; 'not estimable' when the curve fell to 0 (the last patient at risk had the event:
the interval is undefined there) or there is no follow-up at all (r_conventions.why_missing).

Hand computation of the log-log limits used below (Greenwood, z = 1.959964), durations 1, 2, 3:
* t = 1: S = 2/3, Var(log S) = 1 / (3 * 2) = 1/6, |log S| = 0.405465,
  upper = S ** exp(-z * 0.408248 / 0.405465) = (2/3) ** 0.13903 = 0.9452, lower = 0.0541;
* t = 2: S = 1/3, Var(log S) = 1/6 + 1 / (2 * 1) = 2/3, |log S| = 1.098612,
  upper = S ** exp(-z * 0.816497 / 1.098612) = (1/3) ** 0.23304 = 0.7741, lower = 0.0090;
* t = 3: all events: S = 0, Var(log S) infinite, R's survfit gives NA for both limits; with the
  third time censored instead, S stays 1/3 and the limits stay 0.0090 and 0.7741.
lifelines' KaplanMeierFitter gives the same limits at t = 1 and 2 (0.945206 / 0.054073 and
0.774149 / 0.008962; checked in test_limits_by_hand_and_by_lifelines) and 0 at S = 0, where R
gives NA. The median is 2 (S = 1/3 <= 0.5), its lower limit 1 (lower curve 0.054 <= 0.5 at t = 1);
the upper curve never falls to 0.5 while defined, so R's quantile.survfit gives NA.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt.board.summary import median_figure
from plexrt.charts.durations import duration_figure
from plexrt.charts.km_legend import km_legend_name
from plexrt.clinical import literature_comparison as cmp
from plexrt.clinical import tte_estimates as te
from plexrt.clinical.definitions import DEFINITIONS
from plexrt.clinical.literature_notes import unreached_medians
from plexrt.clinical.series_medians import series_medians
from plexrt.data import store
from plexrt.stats.survival import kaplan_meier


def _events(days: list[float], deaths: list[int], reconstructed: bool = False) -> pd.DataFrame:
    """Patients '1', '2', ... dying (or last seen) ``days`` after RT completion (day 10)."""
    rows = [
        {
            "patient_id": str(i + 1),
            "rt_end_day": 10,
            "last_contact_day": 10 + t,
            "death": bool(d),
            "assessable_for_relief": False,
            "max_response_day": 0,
            "relapse": False,
            "relapse_day": np.nan,
            "relief_end_day": np.nan,
        }
        for i, (t, d) in enumerate(zip(days, deaths, strict=True))
    ]
    frame = pd.DataFrame(rows)
    if reconstructed:
        frame["last_contact_day_source"] = "reconstructed"
    return frame


def _ids(n: int) -> list[str]:
    return [str(i + 1) for i in range(n)]


def test_limits_by_hand_and_by_lifelines():
    from lifelines import KaplanMeierFitter

    res = kaplan_meier([1, 2, 3], [1, 1, 1])
    tab = res.table.set_index("time")
    assert tab.loc[[1.0, 2.0], "upper"].tolist() == pytest.approx([0.9452, 0.7741], abs=1e-4)
    assert tab.loc[[1.0, 2.0], "lower"].tolist() == pytest.approx([0.0541, 0.0090], abs=1e-4)
    assert np.isnan(tab.loc[3.0, ["lower", "upper"]].astype(float)).all()  # R: NA
    ci = KaplanMeierFitter().fit([1, 2, 3], [1, 1, 1]).confidence_interval_survival_function_
    assert ci.loc[[1.0, 2.0]].to_numpy().ravel() == pytest.approx(
        [0.054073, 0.945206, 0.008962, 0.774149], abs=1e-6
    )
    assert (res.median, res.median_ci) == (2.0, (1.0, None))


def test_upper_limit_of_a_curve_that_falls_to_zero_is_not_estimable():
    # All three die: the upper curve is 0.95, 0.77 and then undefined (S = 0, nobody at risk):
    # no follow-up could ever bring it to 0.5, so its limit is not estimable.
    res = kaplan_meier([1, 2, 3], [1, 1, 1])
    assert km_legend_name("All", res, "days") == "All (n=3): median 2 d (95% CI 1 to not estimable)"
    est = te.median_estimate(_events([1, 2, 3], [1, 1, 1]), [], _ids(3), "survival")
    assert est is not None
    assert est.text("days") == "2.0 d (95% CI 1.0 d to not estimable)"
    # The same limits with the last patient alive at day 3: the upper curve stays at 0.77 with
    # follow-up ending censored, so a longer follow-up could reach 0.5 -- 'not reached'.
    alive = kaplan_meier([1, 2, 3], [1, 1, 0])
    assert alive.median_ci == res.median_ci
    assert km_legend_name("All", alive, "days") == "All (n=3): median 2 d (95% CI 1 to not reached)"


def test_median_with_every_time_zero_is_not_estimable():
    # Three patients with no follow-up after RT completion: S = 1 at time 0 only, so R's median is
    # NA -- not because the curve stayed above 0.5 while followed, but because nobody was followed.
    res = kaplan_meier([0, 0, 0], [0, 0, 0])
    assert res.median is None and res.median_ci == (None, None)
    assert km_legend_name("All", res, "days") == (
        "All (n=3):<br>median not estimable: no patient was followed beyond day 0 (95% CI not estimable)"
    )
    est = te.median_estimate(_events([0, 0, 0], [0, 0, 0]), [], _ids(3), "survival")
    assert est is not None
    assert est.text("days") == (
        "not estimable: no patient was followed beyond day 0 (95% CI not estimable)"
    )


def test_median_with_every_time_zero_and_one_death_is_not_estimable():
    # One death at time 0 of three: S = 2/3 at time 0 and no time after it. The lower curve
    # (0.054, as at t = 1 above) gives the lower limit 0; the median and the upper limit are NA.
    est = te.median_estimate(_events([0, 0, 0], [1, 0, 0]), [], _ids(3), "survival")
    assert est is not None
    assert (est.median_days, est.ci_days) == (None, (0.0, None))
    assert (
        est.text("days")
        == "not estimable: no patient was followed beyond day 0 (95% CI 0.0 d to not estimable)"
    )


def test_pooled_upper_limit_after_the_curves_fall_to_zero_is_not_estimable():
    # Two reconstructions agreeing up to day 2 (so Rubin's rules give the single curve's limits
    # there: 0.95, 0.77) and both ending in a death (days 3 and 4): from day 3 one curve is 0,
    # its variance infinite, and the pooled limits NaN (mi.pool_probabilities).
    draws = [_events([1, 2, 3], [1, 1, 1], True), _events([1, 2, 4], [1, 1, 1], True)]
    est = te.median_estimate(draws[0], draws, _ids(3), "survival")
    assert est is not None and est.pooled
    assert (est.median_days, est.ci_days) == (2.0, (1.0, None))
    assert est.text("days").startswith(
        "2.0 d (95% CI 1.0 d to not estimable; pooled over 2 reconstructions)"
    )


def test_literature_and_board_wording_of_a_limit_not_estimable(con):
    # The literature table and the board's key figures word the median through series_medians.
    med = series_medians(_events([1, 2, 3], [1, 1, 1]), _ids(3))
    col = "median_survival_months"
    # 2 days / 30.4375 = 0.066 months; 1 day = 0.033 months
    text = cmp.median_display(med.values[col], med.cis[col], False, missing=med.missing[col])
    assert text == "0.1 months (95% CI 0.0 to not estimable)"
    record = cmp.plexrt_series(
        store.cohort(con),
        DEFINITIONS["paper"],
        med.values,
        "all sites",
        med.cis,
        median_missing=med.missing,
    )
    assert record["_display"][col].startswith("0.1 months (95% CI 0.0 to not estimable)")
    assert median_figure(med, col).startswith("0.1 months (95% CI 0.0 to not estimable)")


def test_unreached_medians_names_a_median_not_estimable():
    med = series_medians(_events([0, 0, 0], [0, 0, 0]), _ids(3))
    note = unreached_medians(med.values, med.cis, False, missing=med.missing)
    assert note == (
        "PlexRT medians not estimable, so not drawn: Median survival (not estimable: no patient "
        "was followed beyond day 0 (95% CI not estimable))."
    )


def test_json_says_why_a_limit_is_null():
    est = te.median_estimate(_events([1, 2, 3], [1, 1, 1]), [], _ids(3), "survival")
    assert est is not None
    d = est.as_dict()
    assert d["ci_days"] == [1.0, None]
    assert d["missing"] == {"ci_upper": "not estimable"}


def test_duration_plot_hover_says_upper_limit_not_estimable():
    rows = pd.DataFrame(
        {
            "label": ["PlexRT"],
            "measure": ["median_survival_months"],
            "value": [2.0],
            "low": [1.0],
            "high": [None],
            "high_missing": ["not estimable"],
            "is_plexrt": [True],
            "reconstructed": [False],
        }
    )
    fig = duration_figure(rows, footnote="Test")
    hovers = " ".join(str(t.hovertemplate) for t in fig.data)
    assert "95% CI 1.0 to not estimable" in hovers and "not reached" not in hovers


def test_every_patient_dead_at_day_0_says_why_the_interval_is_not_estimable():
    # Three deaths the day RT ended: S falls from 1 to 0 at time 0, so the median is 0 days and
    # its limits are NA (no time after 0 to read them at). The interval says why, once, on
    # every surface: the median's text, the key figures' wording and the KM legend.
    why = "not estimable: every patient had the event at day 0"
    est = te.median_estimate(_events([0, 0, 0], [1, 1, 1]), [], _ids(3), "survival")
    assert est is not None
    assert (est.median_days, est.ci_days) == (0.0, (None, None))
    assert est.text() == f"0.0 mo (95% CI {why})"
    assert cmp.median_display(0.0, est.ci_days, False, missing=est.missing) == (
        f"0.0 months (95% CI {why})"
    )
    res = kaplan_meier([0, 0, 0], [1, 1, 1])
    assert km_legend_name("All", res, "months") == f"All (n=3):<br>median 0.0 mo (95% CI {why})"
    assert est.as_dict()["missing"] == {"ci_lower": why, "ci_upper": why}


def test_legend_states_the_interval_in_the_key_figures_words():
    # Deaths at 1, 2 and 3 days: median 2, lower limit 1, upper limit not estimable (module
    # docstring). The legend and the key figures both read '1 to not estimable'.
    res = kaplan_meier([1, 2, 3], [1, 1, 1])
    assert km_legend_name("All", res, "days") == "All (n=3): median 2 d (95% CI 1 to not estimable)"
    shown = cmp.median_display(2.0, (1.0, None), False, missing=res.missing)
    assert shown == "2.0 months (95% CI 1.0 to not estimable)"
