"""``plexrt summary --series NAME --json`` (issue 13 point 1, issue 12): patients, courses, deaths,
survival and relief medians with their intervals and, for reconstructed times, the 5-95% range of
the reconstructions' medians; responders under the paper's definition."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from plexrt.cli import main
from plexrt.clinical import endpoints as tte
from plexrt.clinical import tte_estimates as te
from plexrt.data import store
from plexrt.data.manifest import write_manifest
from plexrt.ingest.build import build_db
from plexrt.ingest.ensemble import reconstruction_draws
from plexrt.stats.survival import kaplan_meier
from tests.unit.test_imported_times import EVENTS, _course_times


def _run(capsys, *argv) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_summary_of_the_bundled_series(capsys, test_db, con):
    rc, out, _ = _run(capsys, "summary", "--series", "sanuki2022", "--json", "--db", str(test_db))
    assert rc == 0
    s = json.loads(out)
    # Sanuki 2022: 12 sites in 11 patients, 8 deaths by March 2021; all 12 sites improved by
    # 2 or more NRS points or to 0 (Table 1), 9 to NRS 0
    assert (s["patients"], s["courses"], s["deaths"]) == (11, 12, 8)
    assert s["times"] == "reconstructed"
    assert s["response"]["responders"] == 12 and s["response"]["evaluable"] == 12
    assert s["response"]["unit"] == "sites"
    # per patient: patient 1's two sites count once -> 11 of 11 responders, 8 of 11 complete
    per = s["response"]["per_patient"]
    assert (per["responders"], per["complete"], per["evaluable"]) == (11, 8, 11)
    sites = store.cohort(con)
    est = te.median_estimate(
        store.events(con), reconstruction_draws(con, 200), tte.cohort_patients(sites), "survival"
    )
    surv = s["survival_after_rt"]
    assert surv["median_days"] == est.median_days
    assert surv["ci_days"] == list(est.ci_days)
    assert surv["ensemble_range_days"] == pytest.approx(list(est.ensemble_range_days))
    lo, hi = surv["ci_days"]
    a, b = surv["ensemble_range_days"]
    assert lo <= a and (hi is None or hi >= b)  # at least as wide as the ensemble's range
    assert s["relief"]["patients"] == 9 and s["relief"]["events"] == 2
    assert set(s["relief"]) >= {"median_days", "ci_days", "ensemble_range_days"}
    # the published series counts survival from the end of each patient's LAST course: patient
    # 1 (two sites) has the stored rt_end_day of its second course (data/sanuki2022: site 1.2)
    assert surv["time_origin"].startswith("the completion of the patient's last course of RT")
    assert s["relief"]["time_origin"].startswith("the patient's first maximum response")
    ev = store.events(con).set_index("patient_id")
    ce = store.course_events(con)
    assert ev.loc["1", "rt_end_day"] == ce[ce["patient_id"] == "1"]["rt_end_day"].max()
    assert ev.loc["1", "rt_end_day"] > ce[ce["course_id"] == "1.1"]["rt_end_day"].iloc[0]


def test_summary_text_and_unknown_series(capsys, test_db):
    rc, out, _ = _run(
        capsys, "summary", "--series", "sanuki2022", "--db", str(test_db), "--draws", "20"
    )
    assert rc == 0 and "patients: 11" in out and "survival_after_rt:" in out
    rc, _, err = _run(capsys, "summary", "--series", "nosuch", "--db", str(test_db))
    assert rc == 2 and "no series named 'nosuch'" in err


def test_summary_of_real_times_keeps_the_ordinary_interval(capsys, data_copy, tmp_path, con):
    folder = data_copy / "sanuki2022"
    (folder / "events.csv").write_text(EVENTS)
    (folder / "course_times.csv").write_text(_course_times(store.cohort(con)))
    write_manifest(data_copy)
    db = tmp_path / "real.duckdb"
    build_db(data_copy, db)
    rc, out, _ = _run(capsys, "summary", "--series", "sanuki2022", "--json", "--db", str(db))
    assert rc == 0
    s = json.loads(out)
    assert s["times"] == "real"
    c = store.connect(db)
    data = tte.survival_data(store.events(c), [str(i) for i in range(1, 12)])
    c.close()
    km = kaplan_meier(data["duration_days"], data["event"])
    surv = s["survival_after_rt"]
    assert surv["median_days"] == km.median and surv["ci_days"] == list(km.median_ci)
    assert surv["ensemble_range_days"] is None and surv["reconstructions_pooled"] == 0
    # made-up events: 7 deaths among the 11 patients
    assert s["deaths"] == 7


def test_summary_of_an_own_series(capsys, tmp_path, test_db):
    """An own series stored in a user database (--user-db): counts, survival after RT from the
    first course's completion and relief, with medians and log-log intervals checked against
    lifelines on the durations worked out by hand in tests/unit/own_hand.py."""
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    from plexrt.data.access import Principal, local_principal
    from plexrt.data.userstore import UserStore
    from tests.unit.own_hand import RELIEF, SURVIVAL, hand_frames

    user_db = str(tmp_path / "user.duckdb")
    UserStore(user_db).apply_import(
        local_principal(), "Hand series", hand_frames(), pseudonymised=False
    )
    argv = ["summary", "--series", "Hand series", "--json", "--db", str(test_db)]
    rc, out, _ = _run(capsys, *argv, "--user-db", user_db)
    assert rc == 0
    s = json.loads(out)
    assert (s["patients"], s["courses"], s["deaths"], s["times"]) == (5, 7, 3, "real")
    # an own series counts survival from the end of each patient's FIRST course (the hand
    # durations of own_hand.SURVIVAL do, and the medians below are checked against them)
    assert s["survival_after_rt"]["time_origin"].startswith(
        "the completion of the patient's first course of RT"
    )
    assert s["relief"]["time_origin"].startswith("the maximum response of the patient's first")
    for key, hand in (("survival_after_rt", SURVIVAL), ("relief", RELIEF)):
        kmf = KaplanMeierFitter().fit([d for d, _ in hand.values()], [e for _, e in hand.values()])
        lo, hi = (float(v) for v in median_survival_times(kmf.confidence_interval_).iloc[0])
        got = s[key]
        assert got["median_days"] == float(kmf.median_survival_time_)
        assert got["ci_days"][0] == pytest.approx(lo)
        assert got["ci_days"][1] == (None if hi == float("inf") else pytest.approx(hi))
        assert got["reconstructions_pooled"] == 0 and got["ensemble_range_days"] is None
    # paper's definition: 5 of the 6 sites with both scores (P3.1 has no score after RT)
    assert (s["response"]["responders"], s["response"]["evaluable"]) == (5, 6)
    rc, _, err = _run(
        capsys, "summary", "--series", "nosuch", "--db", str(test_db), "--user-db", user_db
    )
    assert rc == 2 and "no series named 'nosuch'" in err
    # a name another owner also uses (names are unique per owner): refused, the id picks one
    other = Principal("bob@x.org", "editor", email="bob@x.org")
    store = UserStore(user_db)
    bob_id = store.apply_import(other, "Hand series", hand_frames(), pseudonymised=False).series_id
    store.set_sharing(other, bob_id, "department")
    store.release()
    rc, _, err = _run(capsys, *argv, "--user-db", user_db)
    assert rc == 1 and "2 series are called 'Hand series'" in err and bob_id in err
    argv[2] = bob_id
    rc, out, _ = _run(capsys, *argv, "--user-db", user_db)
    assert rc == 0 and json.loads(out)["patients"] == 5


def test_summary_states_the_rates_as_the_board_does(con, inp):
    # Site 4.1 without its score after RT: `plexrt summary` gave 11 responders of 11 evaluable
    # sites (no treated count, no interval) where the board's key figures and the Literature
    # table say 92% of sites (11/12; 95% CI 62–100%). It now gives the treated sites and the
    # same text. Beside it the line gave '100% of patients (10/10)': over the patients with an
    # assessable site, so patient 4 (whose only site has no score) was left out while site 4.1
    # counted as a non-responder -- two denominators read as one. Per patient is now over the
    # treated patients too, patient 4 a non-responder as their site is: 10/11, and each part
    # names its denominator. Clopper-Pearson from scipy's beta quantiles: 11/12 -> 61.5–99.8%;
    # 10/11 -> 58.7–99.8%; over the 10 assessable patients 10/10 (kept in per_patient).
    from dataclasses import replace

    from scipy.stats import beta

    from plexrt.board.summary import key_figures
    from plexrt.clinical.series_summary import series_summary

    sites = store.cohort(con)
    sites["nrs_after"] = sites["nrs_after"].astype("Float64")
    sites.loc[sites["course_id"] == "4.1", "nrs_after"] = pd.NA
    lo, hi = beta.ppf(0.025, 11, 2), beta.ppf(0.975, 12, 1)
    plo, phi = beta.ppf(0.025, 10, 2), beta.ppf(0.975, 11, 1)
    expected = (
        f"92% of treated sites (11/12; 95% CI {100 * lo:.0f}–{100 * hi:.0f}%) · "
        f"91% of treated patients (10/11; 95% CI {100 * plo:.0f}–{100 * phi:.0f}%)"
    )
    r = series_summary("sanuki2022", sites, store.events(con).iloc[:0])["response"]
    assert (r["responders"], r["evaluable"], r["treated"]) == (11, 11, 12)
    assert r["responders_text"] == expected
    pp = r["per_patient"]
    assert (pp["responders"], pp["evaluable"]) == (10, 10)
    assert (pp["responders_of_treated"], pp["treated"]) == (10, 11)
    assert r["interval"] == "Exact (Clopper-Pearson) 95% CI."
    board = dict(key_figures(replace(inp, sites=sites, all_sites=sites)))
    assert (board["Responders"], board["Complete response"]) == (
        r["responders_text"],
        r["complete_text"],
    )
    # no site assessable: no patient either (0, as compare mode counts them), rates unknown
    none = series_summary("x", sites.assign(nrs_after=pd.NA), sites.iloc[:0])["response"]
    assert none["per_patient"]["evaluable"] == 0
    assert none["responders_text"] == "not assessable (no site has an NRS both before and after RT)"
