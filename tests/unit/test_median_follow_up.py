"""Median follow-up by the reverse Kaplan-Meier method (Schemper & Smith 1996: censoring is the
event, deaths censor it) at its two extremes.

* Every patient died: no one is censored, the reverse curve never drops (R: survfit(Surv(time,
  1 - status) ~ 1) gives S = 1 throughout and quantile() NA). Follow-up is complete; the median
  potential follow-up has no censored time to be estimated from. It was shown as 'not reached',
  which promises that longer follow-up could reach it; it is 'not available (every patient died;
  follow-up complete)' on every surface.
* Every patient censored (no deaths): the reverse Kaplan-Meier is the ordinary Kaplan-Meier of
  the follow-up times. By hand for 30, 60, 90 days: S = 2/3, 1/3, 0, so the median is 60 days;
  the log-log lower curve is 0.0541 at 30 days (Greenwood, as test_missing_median_words works
  out for 1, 2, 3), so the lower limit is 30 days; the curve falls to 0 at 90 days, where the
  interval is undefined, so the upper limit is not estimable.
"""

from __future__ import annotations

from plexrt.clinical import literature_comparison as cmp
from plexrt.clinical import tte_estimates as te
from plexrt.clinical.definitions import DEFINITIONS
from plexrt.clinical.series_medians import series_medians
from plexrt.clinical.series_summary import series_summary
from plexrt.clinical.series_words import OWN, PUBLISHED, words
from plexrt.data import store
from plexrt.stats.survival import NOT_ESTIMABLE
from tests.unit.test_missing_median_words import _events, _ids

COL = "median_followup_months"
ALL_DIED_TEXT = "not available (every patient died; follow-up complete)"


def test_every_patient_died_median_follow_up_not_available():
    est = te.median_estimate(_events([30, 60, 90], [1, 1, 1]), [], _ids(3), "followup")
    assert est is not None
    assert (est.median_days, est.ci_days) == (None, (None, None))
    assert est.text() == ALL_DIED_TEXT and "not reached" not in est.text()
    d = est.as_dict()
    assert d["not_available"] == te.ALL_DIED
    assert d["missing"] == dict.fromkeys(("median", "ci_lower", "ci_upper"), NOT_ESTIMABLE)


def test_every_patient_died_in_every_reconstruction():
    draws = [_events([30, 60, 90], [1, 1, 1], True), _events([40, 50, 95], [1, 1, 1], True)]
    est = te.median_estimate(draws[0], draws, _ids(3), "followup")
    assert est is not None and est.text() == ALL_DIED_TEXT


def test_one_survivor_keeps_the_reverse_km_median():
    # 30 and 60 die (censor the reverse curve), 90 alive: the reverse curve falls to 0 at 90.
    est = te.median_estimate(_events([30, 60, 90], [1, 1, 0]), [], _ids(3), "followup")
    assert est is not None and est.not_available is None and est.median_days == 90.0


def test_mixed_follow_up_by_hand():
    # Reverse KM over 1..5 days, deaths at 1 and 3: the death at 1 censors; at 2, 1 of 4 at risk
    # is censored alive -> 3/4; the death at 3 censors; at 4, 1 of 2 -> 3/8 <= 0.5. Median 4 d
    # (the plain median of all times would be 3).
    est = te.median_estimate(_events([1, 2, 3, 4, 5], [1, 0, 1, 0, 0]), [], _ids(5), "followup")
    assert est is not None and est.median_days == 4.0


def test_no_deaths_is_the_km_of_follow_up_times_by_hand():
    est = te.median_estimate(_events([30, 60, 90], [0, 0, 0]), [], _ids(3), "followup")
    assert est is not None and est.not_available is None
    assert (est.median_days, est.ci_days) == (60.0, (30.0, None))
    assert est.missing[2] == NOT_ESTIMABLE
    assert est.text("days") == "60.0 d (95% CI 30.0 d to not estimable)"


def test_every_surface_says_follow_up_complete(con):
    ev = _events([30, 60, 90], [1, 1, 1])
    med = series_medians(ev, _ids(3))
    assert COL not in med.values and med.not_available[COL] == ALL_DIED_TEXT
    # the literature table (page, board, report, slides) through plexrt_series
    record = cmp.plexrt_series(
        store.cohort(con),
        DEFINITIONS["paper"],
        med.values,
        "all sites",
        med.cis,
        not_available=med.not_available,
        median_missing=med.missing,
    )
    table = cmp.side_by_side([record], ["PlexRT"]).set_index("")
    assert table.loc["Median follow-up", "PlexRT"].startswith(ALL_DIED_TEXT)
    assert COL not in set(cmp.duration_rows([record], ["PlexRT"])["measure"])  # not drawn
    # plexrt summary --json
    sites = store.cohort(con).head(3).assign(patient_id=_ids(3))
    fu = series_summary("t", sites, ev)["followup"]
    assert fu["not_available"] == te.ALL_DIED and fu["median_days"] is None
    assert fu["missing"]["median"] == NOT_ESTIMABLE
    # its origin says what its events are (alive at last contact), not survival's (death)
    assert fu["time_origin"] == words(PUBLISHED).followup_origin
    assert "alive at last contact is the event, death censors" in fu["time_origin"]
    own = series_summary("t", sites, ev, source=OWN)["followup"]["time_origin"]
    assert own.startswith("the completion of the patient's first course of RT; reverse")
