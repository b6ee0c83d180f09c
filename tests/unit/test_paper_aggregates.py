"""The store reproduces what Sanuki et al. 2022 publish about their series.

Every expected value below is quoted from the paper (Abstract, Results, Table 1), not computed by PlexRT.
"""

from __future__ import annotations

import pytest

from plexrt.clinical import cohort_summary as cohort
from plexrt.data import store
from plexrt.data.filters import CohortFilter
from plexrt.data.vocab import SOURCE_LABELS


@pytest.fixture(scope="module")
def sites(con):
    return store.cohort(con)


def test_counts(sites):
    # "A total of 12 tumor sites in 11 patients were included." (Abstract)
    assert len(sites) == 12
    assert sites["patient_id"].nunique() == 11
    assert sorted(sites["patient_id"].unique(), key=int) == [str(i) for i in range(1, 12)]


def test_muscles(sites):
    # "Eight of the tumors invaded the iliopsoas muscle, and the remaining four ... piriformis" (Abstract)
    assert (sites["involved_muscle"] == "psoas").sum() == 8
    assert (sites["involved_muscle"] == "piriformis").sum() == 4


def test_pain_resolution_and_improvement(sites):
    # "complete resolution of pain in nine" (Abstract) -- nine sites with NRS 0 at completion.
    assert (sites["nrs_after"] == 0).sum() == 9
    # "all patients achieved improvement" where improvement = a change of two or more (Methods).
    assert ((sites["nrs_before"] - sites["nrs_after"]) >= 2).all()


def test_weeks_to_maximum_response(sites):
    # "The maximum effect was seen at a mean of three weeks (1-12 weeks)" (Results);
    # by hand: (3+3+1+4+4+2+12+2+2+3+1+1)/12 = 38/12 = 3.1667.
    w = sites["weeks_to_max_response"]
    assert w.mean() == pytest.approx(38 / 12)
    assert round(w.mean(), 1) == 3.2
    assert (w.min(), w.max()) == (1, 12)


def test_primary_groups_ordering(sites):
    # "Gynecological cancer was the most common etiology, followed by urological ... gastrointestinal"
    per_patient = sites.drop_duplicates("patient_id")["primary_group"].value_counts()
    assert (
        per_patient["gynecological"] > per_patient["urological"] > per_patient["gastrointestinal"]
    )
    assert dict(per_patient) == {"gynecological": 5, "urological": 4, "gastrointestinal": 2}


def test_table1_rows_verbatim(sites):
    # Spot checks of Table 1 rows, cell by cell.
    r = sites.set_index("course_id")
    assert tuple(r.loc["6.1", ["dose_gy", "fractions", "nrs_before", "nrs_after"]]) == (
        59.4,
        33,
        5,
        3,
    )
    assert tuple(r.loc["4.1", ["primary_cancer", "age", "sex", "intent"]]) == (
        "Urachal cancer",
        47,
        "M",
        "palliative",
    )
    assert r.loc["1.2", "course_no"] == 2 and r.loc["1.2", "patient_id"] == "1"
    assert (
        r.loc["9.1", "laterality"] is None
        or r.loc["9.1", "laterality"] != r.loc["9.1", "laterality"]
    )


def test_intent_counts_per_table1(sites):
    # Table 1: P for 1 (x2), 4, 7, 9, 10, 11 = 7 sites; LC for 2, 3, 5, 6, 8 = 5 sites.
    assert (sites["intent"] == "palliative").sum() == 7
    assert (sites["intent"] == "local_control").sum() == 5


def test_derived_dose_columns_by_hand(sites):
    r = sites.set_index("course_id")
    # 39 Gy/13: d = 3; BED10 = 39 * 1.3 = 50.7; EQD2 = 39 * 13 / 12 = 42.25
    assert r.loc["1.1", "bed10_gy"] == pytest.approx(50.7)
    assert r.loc["1.1", "eqd2_10_gy"] == pytest.approx(42.25)
    # 59.4 Gy/33: d = 1.8; EQD2 = 59.4 * 11.8 / 12 = 58.41
    assert r.loc["3.1", "eqd2_10_gy"] == pytest.approx(58.41)
    # 21 Gy/7 (patient 5): EQD2 = 21 * 13 / 12 = 22.75
    assert r.loc["5.1", "eqd2_10_gy"] == pytest.approx(22.75)
    assert r.loc["4.1", "dose_per_fraction_gy"] == pytest.approx(2.0)


def test_baseline_omed_by_hand(sites):
    r = sites.set_index("course_id")["baseline_omed_mg"]
    # CDC 2022: hydromorphone x5, oxycodone x1.5, morphine x1; non-opioids count 0.
    assert r["1.1"] == pytest.approx(30.0)  # hydromorphone 6 mg
    assert r["5.1"] == pytest.approx(10.0)  # hydromorphone 2 mg
    assert r["6.1"] == pytest.approx(60.0)  # oxycodone 40 mg
    assert r["9.1"] == pytest.approx(20.0)  # morphine 20 mg
    assert r["11.1"] == pytest.approx(0.0)  # acetaminophen only


def test_summary_matches_paper(sites):
    s = cohort.summarise(sites)
    assert (s.n_sites, s.n_patients) == (12, 11)
    # ages of the 11 patients sorted: 44 47 49 54 61 70 71 73 74 75 80 -> median 70
    assert s.median_age == 70
    assert (s.nrs0_after.k, s.nrs0_after.n) == (9, 12)
    assert (s.improved2.k, s.improved2.n) == (12, 12)
    # Clopper-Pearson 9/12 from R binom.test(9, 12): 0.4281 - 0.9451
    assert s.nrs0_after.low == pytest.approx(0.4281, abs=1e-4)
    assert s.nrs0_after.high == pytest.approx(0.9451, abs=1e-4)


def test_every_stored_value_has_provenance(con):
    prov = store.provenance(con)
    keys = set(zip(prov["table_name"], prov["row_key"], prov["column_name"], strict=True))
    sites = store.cohort(con)
    for cid in sites["course_id"]:
        for col in ("nrs_before", "nrs_after", "dose_gy", "fractions", "involved_muscle", "intent"):
            assert ("courses", cid, col) in keys
        for col in ("eqd2_10_gy", "baseline_omed_mg"):
            assert ("course_derived", cid, col) in keys
    assert set(prov["source"]) <= {
        "table1",
        "results_text",
        "case_narrative",
        "derived",
        "reconstructed",
        "reference",
        "not_published",
    }
    # Laterality of patient 9 is not stated: the provenance says unknown.
    lat9 = prov[(prov.row_key == "9.1") & (prov.column_name == "laterality")].iloc[0]
    assert "unknown" in lat9["note"].lower()


def test_an_unpublished_value_claims_no_source_in_the_paper(con):
    # The route of the analgesics is published nowhere (not_published.csv, N3): its provenance
    # said 'Results / Methods text', location 'not stated', beside a note saying it is unknown.
    prov = store.provenance(con)
    route = prov[(prov.table_name == "analgesics") & (prov.column_name == "route")]
    assert len(route) == len(store.analgesics(con))
    assert {SOURCE_LABELS[s] for s in route["source"]} == {"not published"}
    assert set(route["location"]) == {"not in the paper (What the paper does not publish, N3)"}
    assert all(note.startswith("Not stated in the paper (unknown)") for note in route["note"])
    n3 = store.not_published(con).set_index("item_id").loc["N3", "topic"]
    assert n3 == "No route of administration"
    assert ("not published", len(route)) in store.source_counts(con)


def test_discrepancies_recorded(con):
    disc = store.discrepancies(con).set_index("discrepancy_id")
    # every row of data/sanuki2022/discrepancies.csv, none lost or doubled (X1 ... X19)
    assert sorted(disc.index, key=lambda k: int(k[1:])) == [f"X{i}" for i in range(1, 20)]
    dose5 = disc.loc["X1"]
    assert "21 Gy in 7" in dose5["reading_a"] and "Table 1" in dose5["where_a"]
    assert "12 Gy in 4" in dose5["reading_b"] and "Patient 5" in dose5["where_b"]
    assert all(disc["resolution"].str.len() > 10)


def test_discrepancy_eqd2_quotes_are_right(con):
    from plexrt.clinical.dose import eqd2

    text = store.discrepancies(con).set_index("discrepancy_id").loc["X1", "resolution"]
    assert f"{eqd2(12, 4):.1f} Gy instead of {eqd2(21, 7):.1f} Gy" in text


def test_filtered_cohort(con):
    psoas_pall = store.cohort(con, CohortFilter(muscles=("psoas",), intents=("palliative",)))
    # Table 1: psoas & P = 1.1, 1.2, 4, 7, 9, 10
    assert list(psoas_pall["course_id"]) == ["1.1", "1.2", "4.1", "7.1", "9.1", "10.1"]


def test_summary_nrs_and_age_by_hand(sites):
    s = cohort.summarise(sites)
    # NRS before sorted: 3 3 4 4 4 4 5 8 8 8 8 9 -> median (4 + 5) / 2 = 4.5; sum 68 -> mean 5.667
    assert s.median_nrs_before == 4.5
    assert s.mean_nrs_before == pytest.approx(68 / 12)
    # NRS after: nine 0s, 3, 3, 1 -> median 0; sum 7 -> mean 0.583
    assert s.median_nrs_after == 0
    assert s.mean_nrs_after == pytest.approx(7 / 12)
    assert (s.age_min, s.age_max) == (44, 80)


def test_provenance_source_counts(con):
    prov = store.provenance(con)
    counts = dict(store.source_counts(con))
    assert sum(counts.values()) == len(prov)
    assert counts["Table 1"] == int((prov["source"] == "table1").sum())
    assert "imported per-patient data" not in counts  # zero counts are left out
