"""Analysis of an own series (issue 12 section 4): the analytic frames against values worked out by
hand (tests/unit/own_hand.py), Kaplan-Meier medians and log-log intervals against lifelines, the
in-memory store answering the bundled queries, the URL series choice, and compare mode."""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd
import pytest

from plexrt.clinical import endpoints as tte
from plexrt.clinical import own_overview
from plexrt.clinical import series_compare as sc
from plexrt.clinical import tte_estimates as te
from plexrt.clinical.definitions import DEFINITIONS
from plexrt.clinical.own_series import analytic_frames
from plexrt.data import store
from plexrt.data.filters import CohortFilter
from plexrt.data.series_param import SeriesChoice, choose
from plexrt.ingest.own_store import own_connection
from tests.unit.own_hand import RELIEF, SURVIVAL, hand_frames

RECORD = {"series_id": "own-0001", "name": "Hand series", "institution": "Clinic A"}


@pytest.fixture(scope="module")
def factors(con):
    return store.opioid_factors(con)


@pytest.fixture(scope="module")
def tables(factors):
    return analytic_frames(hand_frames(), "own-0001", factors)


@pytest.fixture(scope="module")
def own_con(factors, con):
    c = own_connection(RECORD, hand_frames(), factors, store.literature(con))
    yield c
    c.close()


def _by_patient(frame: pd.DataFrame) -> dict[str, tuple[float, int]]:
    return {r.patient_id: (float(r.duration_days), int(r.event)) for r in frame.itertuples()}


def test_survival_from_the_first_course_completion(tables):
    ev = tables.events
    pids = list(ev["patient_id"])
    assert _by_patient(tte.survival_data(ev, pids)) == SURVIVAL


def test_relief_from_the_first_response_to_relapse_of_that_site(tables):
    ev = tables.events.set_index("patient_id")
    assert not bool(ev.loc["P3", "assessable_for_relief"])  # no maximum response recorded
    assert _by_patient(tte.relief_data(tables.events, list(ev.index))) == RELIEF


def test_every_time_is_imported_never_reconstructed(tables):
    for frame in (tables.events, tables.course_events):
        src = frame.filter(like="_source")
        assert len(src.columns) and (src == "imported").all().all()
    assert not tte.is_reconstructed(tables.events)


def test_course_values(tables):
    c = tables.courses.set_index("course_id")
    # weeks to maximum response = (response day - start day) / 7, unrounded
    assert c.loc["P1.1", "weeks_to_max_response"] == pytest.approx(28 / 7)
    assert c.loc["P1.2", "weeks_to_max_response"] == pytest.approx(30 / 7)
    assert math.isnan(c.loc["P3.1", "weeks_to_max_response"])
    ce = tables.course_events.set_index("course_id")
    assert (ce.loc["P4.2", "rt_start_day"], ce.loc["P4.2", "rt_end_day"]) == (60, 74)


def test_omed_from_the_assessments(tables):
    d = tables.course_derived.set_index("course_id")
    # oxycodone 20 mg x 1.5 (CDC 2022) at baseline; morphine 10 mg x 1 after RT
    assert d.loc["P1.1", "baseline_omed_mg"] == pytest.approx(30.0)
    assert d.loc["P1.1", "omed_after_mg"] == pytest.approx(10.0)
    # an assessment without an opioid is 0; no assessment after RT end is unknown
    assert d.loc["P1.2", "baseline_omed_mg"] == 0.0
    assert math.isnan(d.loc["P1.2", "omed_after_mg"])
    # transdermal fentanyl has no factor in the table: unknown, never 0
    assert math.isnan(d.loc["P2.1", "baseline_omed_mg"])
    assert d.loc["P2.1", "omed_after_mg"] == pytest.approx(20.0)  # hydromorphone 4 mg x 5
    # no assessment at all
    assert math.isnan(d.loc["P3.1", "baseline_omed_mg"])
    a = tables.analgesics
    assert set(zip(a["course_id"], a["timepoint"], a["drug"], strict=True)) == {
        ("P1.1", "baseline", "oxycodone"),
        ("P1.1", "after", "morphine"),
        ("P2.1", "baseline", "fentanyl"),
        ("P2.1", "after", "hydromorphone"),
    }


def _lifelines_median(durations, events):
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    kmf = KaplanMeierFitter().fit(durations, events)
    ci = median_survival_times(kmf.confidence_interval_)
    lo, hi = (float(v) for v in ci.iloc[0])
    return float(kmf.median_survival_time_), lo, (None if math.isinf(hi) else hi)


@pytest.mark.parametrize(
    ("endpoint", "hand", "median"), [("survival", SURVIVAL, 126.0), ("relief", RELIEF, 60.0)]
)
def test_km_median_and_loglog_interval(tables, endpoint, hand, median):
    est = te.median_estimate(tables.events, [], list(tables.events["patient_id"]), endpoint)
    durations = [d for d, _ in hand.values()]
    events = [e for _, e in hand.values()]
    ll_median, ll_lo, ll_hi = _lifelines_median(durations, events)
    assert est.median_days == median == ll_median  # the hand product-limit in own_hand.py
    assert est.ci_days[0] == pytest.approx(ll_lo)
    assert est.ci_days[1] == (None if ll_hi is None else pytest.approx(ll_hi))
    assert est.m == 0 and est.ensemble_range_days is None
    assert (est.n, est.n_events) == (len(hand), sum(events))


def test_the_bundled_queries_run_on_an_own_series(own_con):
    sites = store.cohort(own_con)
    assert sorted(sites["course_id"]) == ["P1.1", "P1.2", "P2.1", "P3.1", "P4.1", "P4.2", "P5.1"]
    row = sites.set_index("course_id").loc["P1.1"]
    assert row["nrs_change"] == -6 and row["omed_before"] == 30.0 and row["omed_after"] == 10.0
    assert row["weeks_to_max_response"] == pytest.approx(4.0)
    # the cohort filter's SQL runs unchanged
    # P1.2 excluded by name, P4.1 (8 Gy x 1) by dose per fraction above 5 Gy
    flt = CohortFilter(exclude=("P1.2",), dose_metric="dpf", dose_max=5.0)
    assert sorted(store.cohort(own_con, flt)["course_id"]) == [
        "P1.1",
        "P2.1",
        "P3.1",
        "P4.2",
        "P5.1",
    ]
    assert store.published_times(own_con).empty and store.reconstruction_checks(own_con).empty
    assert store.series(own_con).iloc[0]["short_name"] == "Hand series"
    assert store.options(own_con).course_ids[0] == "P1.1"
    assert len(store.literature(own_con)) > 0  # the bundled literature, for the literature page
    assert store.analgesic_change_counts(own_con) is None  # nothing published in aggregate


def test_icpre_is_settled_from_the_assessments(own_con):
    from plexrt.clinical.definitions import response_counts

    sites = store.cohort(own_con)
    p11 = sites[sites["course_id"] == "P1.1"]
    # NRS 8 -> 2 with OMED 30 -> 10: both pain and analgesics known, so ICPRE classifies the site
    counts = response_counts(p11, DEFINITIONS["icpre"])
    assert counts["n_unknown"] == 0 and counts["n_classified"] == 1


# --- the series in the URL ----------------------------------------------------------------------

READABLE = {"own-aa": "Clinic A", "own-bb": "Clinic B"}


def test_series_choice_from_the_url():
    assert choose({}, READABLE) == (SeriesChoice(), [])
    assert choose({"series": "sanuki2022"}, READABLE) == (SeriesChoice(), [])
    assert choose({"series": "own-bb"}, READABLE) == (SeriesChoice("own", "own-bb"), [])
    assert choose({"series": "compare"}, READABLE) == (SeriesChoice("compare", "own-aa"), [])
    assert choose({"series": "compare", "vs": "own-bb"}, READABLE)[0].own_id == "own-bb"
    c = SeriesChoice("compare", "own-bb")
    assert c.query_params() == {"series": "compare", "vs": "own-bb"}
    assert SeriesChoice("own", "own-aa").query_params() == {"series": "own-aa"}


def test_an_unreadable_series_reads_as_garbage():
    """A series that exists but is not shared gets exactly the notice of one that does not exist:
    a link never reveals whether a series exists."""
    hidden, hidden_notes = choose({"series": "own-cc"}, READABLE)
    garbage, garbage_notes = choose({"series": "own-zz"}, READABLE)
    assert hidden == garbage == SeriesChoice()
    assert [n.replace("own-cc", "X") for n in hidden_notes] == [
        n.replace("own-zz", "X") for n in garbage_notes
    ]


def test_hostile_series_text_is_clipped_plain_text():
    # the notice is plain text (the page escapes it: tests/app/test_hostile_text.py)
    choice, notes = choose({"series": "**<b>x</b>**\x1b" + "y" * 100}, READABLE)
    assert choice == SeriesChoice() and len(notes) == 1
    assert "'**<b>x</b>**?" + "y" * 26 + "…'" in notes[0]  # 40 characters
    _, notes = choose({"series": "compare"}, {})
    assert "none you can open" in notes[0]


# --- compare mode -------------------------------------------------------------------------------


def _side(label, durations, events, tables_events):
    ev = tables_events.iloc[: len(durations)].copy()
    ev["patient_id"] = [f"x{i}" for i in range(len(durations))]
    ev["rt_end_day"] = 0
    ev["last_contact_day"] = durations
    ev["death"] = np.asarray(events).astype(bool)
    sites = pd.DataFrame({"patient_id": ev["patient_id"]})
    return sc.Side(label, sites, ev)


def test_compare_logrank_on_real_times_matches_lifelines(tables):
    from lifelines.statistics import logrank_test

    a = _side("A", [50, 70, 100, 126, 200], [1, 0, 1, 1, 0], tables.events)
    b = _side("B", [10, 20, 30, 40, 90], [1, 1, 1, 0, 1], tables.events)
    cmp = sc.compare_endpoint([a, b], "survival")
    expected = logrank_test(
        [50, 70, 100, 126, 200], [10, 20, 30, 40, 90], [1, 0, 1, 1, 0], [1, 1, 1, 0, 1]
    )
    assert cmp.test is not None and cmp.test.p_value == pytest.approx(expected.p_value)
    assert [label for label, _ in cmp.curves] == ["A", "B"]
    assert cmp.medians["A"].median_days == 126.0 and not cmp.reconstructed


def test_compare_response_table_counts(own_con):
    sites = store.cohort(own_con)
    side = sc.Side("Hand", sites, store.events(own_con))
    table = sc.response_table([side], DEFINITIONS["paper"])
    treated = table[table["Counted over"] == "all treated sites"].iloc[0]
    # paper: fall >= 2 or NRS 0; P1.1 8->2, P1.2 8->2, P4.1 7->0, P4.2 8->2, P5.1 5->3 respond;
    # P2.1 6->6 does not; P3.1 has no score after RT (not assessable): 5 of 7 treated
    assert treated["n"] == 7 and treated["Responders"].startswith("71% (5/7")
    by = table.set_index("Counted over")
    assert by.loc["assessable sites", "Responders"].startswith("83% (5/6")
    # per patient, every site must respond: P1 (both), P4 (both), P5 respond; P2 does not; P3's
    # only site has no score: not a responder over the 5 treated patients (3/5), left out over
    # the 4 assessable ones (3/4)
    assert by.loc["all treated patients", "Responders"].startswith("60% (3/5")
    assert by.loc["assessable patients", "Responders"].startswith("75% (3/4")


def test_response_line_names_each_denominator_on_the_hand_series(own_con):
    # The board, the Literature table and `plexrt summary` state one line. It paired 5/7 treated
    # sites with 3/4 assessable patients ('71% of sites (5/7) · 75% of patients (3/4)'), which a
    # clinician reads as one denominator; both are now over the treated, and say so. Complete
    # (NRS 0 from a painful baseline): P4.1 7->0 only, so no patient has every site complete.
    from plexrt.clinical.literature_comparison import plexrt_series
    from plexrt.clinical.response_summary import summarise
    from plexrt.clinical.response_words import patients_caption, treated_rates
    from plexrt.clinical.series_summary import response_figures

    sites = store.cohort(own_con)
    s = summarise(sites, DEFINITIONS["paper"])
    responders, complete = treated_rates(s, several=True)
    assert (
        responders.startswith("71% of treated sites (5/7; ")
        and " · 60% of treated patients (3/5; " in responders
    )
    assert (
        complete.startswith("14% of treated sites (1/7; ")
        and " · 0% of treated patients (0/5; " in complete
    )
    rec = plexrt_series(sites, DEFINITIONS["paper"])
    assert (rec["_display"]["responders"], rec["_display"]["complete_responders"]) == (
        responders,
        complete,
    )
    r = response_figures(sites)
    assert (r["responders_text"], r["complete_text"]) == (responders, complete)
    pp = r["per_patient"]
    assert (pp["responders_of_treated"], pp["treated"], pp["responders"], pp["evaluable"]) == (
        3,
        5,
        3,
        4,
    )
    # the Pain page, beside its treated and assessable sites, gives both
    caption = patients_caption(s)
    assert caption is not None
    assert caption.startswith("Per patient: responders 60% of treated patients (3/5; ")
    assert ", 75% of assessable patients (3/4; " in caption


def test_batches_of_the_history():
    rows = pd.DataFrame(
        {
            "batch_id": [1, 2],
            "kind": ["import", "follow_up"],
            "actor": ["ann", "bob"],
            "at_utc": ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"],
            "undone_by_batch": pd.array([None, None], dtype="Int64"),
            "values_changed": [0, 3],
        }
    )
    out = own_overview.batches(rows)
    assert list(out["Change"]) == [2, 1] and list(out["Values changed"]) == [3, 0]
    assert list(out["By"]) == ["bob", "ann"]


def test_codes_written_two_ways_in_an_old_series_are_named():
    frames = hand_frames()
    assert own_overview.respelled_codes(frames.patients["patient_id"]) == []
    codes = list(frames.patients["patient_id"])
    # A series stored before the rule: the second patient's code is the first's in full-width
    # letters and digits.
    wide = codes[0].translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    old = [codes[0], wide, *codes[2:]]
    assert own_overview.respelled_codes(old) == [f"'{wide}' (also written '{codes[0]}')"]
    assert wide != codes[0] and unicodedata.normalize("NFKC", wide) == codes[0]


def test_series_labels_name_the_owner_where_a_name_repeats():
    listing = pd.DataFrame(
        {
            "series_id": ["own-1", "own-2", "own-3"],
            "name": ["Audit", "Audit", "Hip"],
            "owner": ["ann@x.org", "bob@x.org", "ann@x.org"],
        }
    )
    assert own_overview.series_labels(listing) == {
        "own-1": "Audit (owner ann@x.org)",
        "own-2": "Audit (owner bob@x.org)",
        "own-3": "Hip",
    }
    assert own_overview.series_labels(listing.iloc[:0]) == {}


def test_compare_response_table_gives_n_where_no_rate_can_be_given(own_con):
    """No site assessable (NRS not recorded after RT): the rates are 'not available', but the
    sites counted are known, 0 assessable sites and patients; n was shown as unknown (NaN)."""
    sites = store.cohort(own_con).assign(nrs_after=float("nan"))
    table = sc.response_table([sc.Side("Hand", sites, store.events(own_con))], DEFINITIONS["paper"])
    by = table.set_index("Counted over")
    assert by.loc["assessable sites", "Responders"] == "not available"
    # 5 patients treated (no rate), none assessable
    assert list(table["n"]) == [len(sites), 0, 5, 0]


def _without_follow_up():
    """Three one-course patients with nothing recorded after RT completion (no last contact, no
    death, no response, no assessment after RT): every follow-up is 0 days."""
    from plexrt.data.own_schema import OwnSeriesFrames, typed
    from tests.unit.own_hand import COURSES, PATIENTS

    ids = ("P2", "P3", "P5")
    pts = [p | {"last_contact_day": None, "death_day": None} for p in PATIENTS]
    crs = [c | {"max_response_day": None, "relapse_day": None} for c in COURSES]
    base = hand_frames().assessments
    return OwnSeriesFrames(
        typed(pd.DataFrame([p for p in pts if p["patient_id"] in ids]), "patients"),
        typed(pd.DataFrame([c for c in crs if c["patient_id"] in ids]), "courses"),
        base[base["patient_id"].isin(ids) & (base["day"] == 0)].reset_index(drop=True),
    )


def test_median_follow_up_is_not_available_when_nobody_has_follow_up(factors):
    from plexrt.clinical import literature_comparison as lc
    from plexrt.clinical.series_medians import series_medians

    t = analytic_frames(_without_follow_up(), "own-0002", factors)
    assert (t.events["followup_from_completion_days"] == 0).all()
    pids = list(t.events["patient_id"])
    # The reverse Kaplan-Meier falls to 0 at day 0 (R survfit: median 0, limits NA); that 0 is
    # no follow-up, so no median: it was shown as '0.0 months'.
    est = te.median_estimate(t.events, [], pids, "followup")
    assert est is not None and est.median_days is None and est.ci_days == (None, None)
    assert est.text() == f"not available ({te.NO_FOLLOW_UP})"
    med = series_medians(t.events, pids)
    assert "median_followup_months" not in med.values
    # (no maximum response recorded either: relief has no patient to assess)
    assert med.not_available == {
        "median_followup_months": est.text(),
        "median_relief_months": f"not available ({te.NO_PATIENT})",
    }
    sites = t.courses.assign(weeks_to_max_response=np.nan)
    rec = lc.plexrt_series(sites, DEFINITIONS["paper"], med.values, not_available=med.not_available)
    table = lc.side_by_side([rec], ["own"]).set_index("")
    assert table.loc["Median follow-up", "own"] == (
        f"not available ({te.NO_FOLLOW_UP}); reverse Kaplan–Meier from RT completion"
    )
    # nothing drawn on the durations plot for it
    assert lc.duration_rows([rec], ["own"]).empty


def test_median_follow_up_of_a_single_followed_patient_is_still_computed(tables):
    # One patient followed, the others at 0 days: the ordinary reverse Kaplan-Meier median (0
    # here, 4 of 5 censored at day 0), as before.
    ev = tables.events.copy()
    ev["last_contact_day"] = ev["rt_end_day"]
    ev.loc[0, "last_contact_day"] = ev.loc[0, "rt_end_day"] + 30
    ev["death"] = False
    est = te.median_estimate(ev, [], list(ev["patient_id"]), "followup")
    assert est is not None and est.not_available is None and est.median_days == 0.0
