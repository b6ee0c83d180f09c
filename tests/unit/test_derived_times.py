"""Days derived by a rule from published values are flagged 'derived' (not 'table1'), their
provenance names the rule, and the swimmer plot draws them apart from published and reconstructed
times (issue 13, point 5).

Rules (reconstruct.timeline): fractions Monday to Friday from day 0, so 13 fractions end on day 16,
30 on day 39, 33 on day 44; maximum response on day course start + 7 x (Table 1 weeks).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plexrt import reconstruct as R
from plexrt.charts.swimmer import swimmer_figure
from plexrt.clinical import endpoints as tte
from plexrt.data import store
from tests.unit.reconstruct.paper import SERIES
from tests.unit.survival_cases import FOOT, traces


@pytest.fixture(scope="module")
def rec() -> R.Reconstruction:
    courses = pd.read_csv(SERIES / "courses.csv", dtype=str)
    patients = pd.read_csv(SERIES / "patients.csv", dtype=str)
    cons = R.load_published_times(SERIES / "published_times.csv")
    return R.reconstruct(courses, patients, cons, seed=0)


def test_days_derived_by_rule_are_flagged_derived(rec):
    s = rec.sites.set_index("course_id")
    # Table 1 gives weeks, not days: day = start + 7 x weeks is PlexRT's rule, not a published day
    assert s.loc["6.1", "max_response_day"] == 84
    assert s.loc["6.1", "max_response_day_source"] == "derived"
    assert s.loc["8.1", "rt_end_day"] == 39 and s.loc["8.1", "rt_end_day_source"] == "derived"
    # patient 1's second course starts on a reconstructed day, so its days are reconstructed
    assert s.loc["1.2", "rt_start_day_source"] == "reconstructed"
    assert s.loc["1.2", "max_response_day_source"] == "reconstructed"
    assert set(s.drop(index="1.2")["max_response_day_source"]) == {"derived"}
    p = rec.patients.set_index("patient_id")
    assert set(p["max_response_day_source"]) == {"derived"}
    assert "table1" not in set(rec.patients.filter(like="_source").stack())
    assert "table1" not in set(rec.sites.filter(like="_source").stack())
    assert p.loc["8", "rt_end_day_source"] == "derived"
    assert p.loc["1", "rt_end_day_source"] == "reconstructed"


def test_provenance_of_derived_days_names_the_rule(con):
    prov = store.provenance(con)
    times = prov[prov["table_name"].isin(["events", "course_events"])]
    assert "table1" not in set(times["source"])
    mr = times[(times["column_name"] == "max_response_day") & (times["source"] == "derived")]
    assert len(mr) == 11 + 11  # 11 first courses, 11 patients (relief from the first course)
    assert mr["note"].str.contains("7 × weeks to maximum response", regex=False).all()
    assert mr["location"].str.contains("Table 1").all()
    end = times[(times["column_name"] == "rt_end_day") & (times["source"] == "derived")]
    assert len(end) == 11 + 10  # courses other than 1.2; patients other than patient 1
    assert end["note"].str.contains("five fractions a week", regex=False).all()


def _one_patient(**flags) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": ["1", "2"],
            "last_day": [200.0, 300.0],
            "death": [True, False],
            "max_response_day": [14.0, 21.0],
            "relapse": [False, False],
            "relapse_day": [np.nan, np.nan],
            **flags,
        }
    )


def test_swimmer_draws_derived_times_apart():
    patients = _one_patient(
        max_response_day_derived=[True, False], max_response_day_reconstructed=[False, False]
    )
    sites = pd.DataFrame(
        {
            "patient_id": ["1", "2"],
            "course_id": ["1.1", "2.1"],
            "rt_start_day": [0.0, 0.0],
            "rt_end_day": [16.0, 39.0],
            "derived": [True, False],
            "reconstructed": [False, False],
        }
    )
    fig = swimmer_figure(patients, sites, unit="days", footnote=FOOT)
    mr = {tr.meta["kind"]: tr for tr in traces(fig, "max_response")}
    assert set(mr) == {"derived", "published"}
    assert mr["published"].marker.symbol == "star"
    assert mr["derived"].marker.symbol == "star-open-dot"
    assert "derived" in mr["derived"].name and list(mr["derived"].y) == ["Pt 1"]
    rt = {tr.meta["kind"]: tr for tr in traces(fig, "rt")}
    # a derived course end is drawn lighter (a dashed bar would look like several courses)
    assert rt["derived"].line.color != rt["published"].line.color
    assert rt["derived"].line.dash == rt["published"].line.dash == "solid"
    assert "derived" in rt["derived"].name


def test_bundled_swimmer_flags(con):
    pids = [str(p) for p in store.cohort(con)["patient_id"].unique()]
    pts = tte.swimmer_patients(store.events(con), pids)
    assert pts["max_response_day_derived"].all()
    assert not pts["max_response_day_reconstructed"].any()
    sites = tte.swimmer_sites(store.course_events(con), pids).set_index("course_id")
    assert bool(sites.loc["1.2", "reconstructed"]) and not bool(sites.loc["1.2", "derived"])
    assert sites.drop(index="1.2")["derived"].all()
