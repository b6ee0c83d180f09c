"""Counts of a thousand or more are grouped with commas wherever a count is written beside a rate
or a cohort (readable on a projector at registry scale); smaller counts are unchanged."""

import numpy as np
import plotly.graph_objects as go
from scipy.stats import beta

from plexrt.charts.km_risk_table import add_risk_rows
from plexrt.clinical.cohort_summary import banner_text, sites_patients
from plexrt.clinical.literature_comparison import side_by_side
from plexrt.stats import survival
from plexrt.stats.proportions import proportion


def test_rate_text_groups_large_counts():
    p = proportion(79320, 100000, "exact")
    # Clopper-Pearson by scipy's beta quantiles, independently of plexrt
    low = beta.ppf(0.025, 79320, 100000 - 79320 + 1)
    high = beta.ppf(0.975, 79320 + 1, 100000 - 79320)
    assert p.text(unit="sites") == (
        f"79% of sites (79,320/100,000; 95% CI {100 * low:.0f}–{100 * high:.0f}%)"
    )
    assert proportion(9, 12).text().startswith("75% (9/12;")


def test_the_line_under_a_big_percentage_groups_large_counts():
    """The metric boxes of the Pain page read '1579/2000 sites' beside '1,230/1,626' in the
    sentence under them."""
    p = proportion(1579, 2000, "exact")
    low = beta.ppf(0.025, 1579, 2000 - 1579 + 1)
    high = beta.ppf(0.975, 1579 + 1, 2000 - 1579)
    assert p.detail() == f"1,579/2,000 sites · 95% CI {100 * low:.0f}–{100 * high:.0f}%"
    assert proportion(9, 12).detail("patients").startswith("9/12 patients · 95% CI ")


def test_cohort_lines_group_large_counts():
    assert sites_patients(100000, 81252) == "100,000 sites, 81,252 patients"
    assert sites_patients(1, 1) == "1 site, 1 patient"
    assert banner_text(100000, 81252, 100000, 81252) == (
        "100,000 of 100,000 sites (81,252 patients) shown"
    )
    assert banner_text(7, 6, 12, 11) == "7 of 12 sites (6 of 11 patients) shown"


def test_numbers_at_risk_group_large_counts():
    t = np.r_[np.full(1500, 10.0), np.full(500, 40.0)]
    res = survival.kaplan_meier(t, np.ones_like(t, dtype=bool))
    fig = go.Figure().set_subplots(rows=2, cols=1)
    add_risk_rows(fig, [("All", res)], ["#000000"], [0, 20, 50], [0, 20, 50], "days", {"tick": 12})
    (row,) = fig.data
    assert list(row.text) == ["2,000", "500", "0"]  # at risk at 0, 20 and 50 days


def test_time_to_event_footnotes_group_large_counts():
    import pandas as pd

    from plexrt.clinical.endpoint_notes import km_footnote

    # 1,500 patients, the first 1,200 with the event: counted by hand from the frame built here
    data = pd.DataFrame(
        {
            "patient_id": [str(i) for i in range(1500)],
            "duration_days": np.arange(1500, dtype=float),
            "event": [1] * 1200 + [0] * 300,
        }
    )
    assert km_footnote(data, "Method.").startswith("n = 1,500 patients, 1,200 events<br>Method.")
    small = data.head(12)
    assert km_footnote(small, "M.").startswith("n = 12 patients, 12 events<br>")


def test_a_series_of_one_is_counted_in_the_singular():
    # An own series of one patient with one course read '1 of 1 sites (1 patients) shown' on
    # every page and 'n = 1 patients, 1 events' under its Kaplan-Meier curves (and in compare mode).
    import pandas as pd

    from plexrt.clinical import endpoint_notes
    from plexrt.clinical.tte_estimates import median_estimate, median_line

    assert banner_text(1, 1, 1, 1) == "1 of 1 site (1 patient) shown"
    assert banner_text(1, 1, 2, 1) == "1 of 2 sites (1 of 1 patient) shown"
    assert banner_text(0, 0, 1, 1) == "0 of 1 site (0 of 1 patient) shown"
    one = pd.DataFrame({"duration_days": [40.0], "event": [1]})
    assert endpoint_notes.km_footnote(one, "KM.").startswith("n = 1 patient, 1 event<br>")
    cif = survival.cumulative_incidence([40.0], [1], 1)
    assert endpoint_notes.cif_footnote(cif).startswith(
        "n = 1 assessable patient, 1 relapse, 0 deaths before relapse<br>"
    )
    events = pd.DataFrame(
        {"patient_id": ["a"], "rt_end_day": [10], "last_contact_day": [50], "death": [True]}
    )
    est = median_estimate(events, [], ["a"], "survival")
    assert est is not None
    assert median_line("All", est, "days", "survival").startswith("**All** (n = 1, 1 event): ")
    big = pd.DataFrame({"duration_days": np.arange(1200.0), "event": np.ones(1200, dtype=int)})
    assert endpoint_notes.km_footnote(big, "KM.").startswith("n = 1,200 patients, 1,200 events")


def test_time_to_event_footnotes_say_1_patient_1_event():
    # A filter leaving one patient wrote 'n = 1 patients, 0 events' under the curves and in the
    # board's exports (the relapse figure '1 relapses, 1 deaths').
    import pandas as pd

    from plexrt.clinical.endpoint_notes import cif_footnote, km_footnote

    one = pd.DataFrame({"patient_id": ["7"], "duration_days": [30.0], "event": [1]})
    assert km_footnote(one, "M.").startswith("n = 1 patient, 1 event<br>")
    cif = survival.cumulative_incidence(np.array([10.0, 20.0]), np.array([1, 2]))
    assert cif_footnote(cif).startswith(
        "n = 2 assessable patients, 1 relapse, 1 death before relapse<br>"
    )


def test_registry_counts_are_grouped_by_thousands():
    # The side-by-side table showed a registry's '1626' patients and '2000' sites beside
    # '1,579/2,000' in the responders row; its counts are now grouped by thousands.
    record = {"n_patients": 1626, "n_sites": 2000, "responders": 1579}
    t = side_by_side([record], ["Registry"]).set_index("")
    assert t.loc["Patients (n)", "Registry"] == "1,626"
    assert t.loc["Irradiated sites (n)", "Registry"] == "2,000"
    assert t.loc["Responders", "Registry"] == "1,579/2,000 sites (79%)"


def test_forest_text_and_series_facts_group_large_counts():
    # The forest plot's text read '1579/2000 = 79% (77–81%)' and the Data page's series facts
    # '1626' patients, '5977' assessments; both now group by thousands.
    from plexrt.clinical.forest import proportion_display
    from plexrt.clinical.own_overview import series_facts
    from plexrt.data.userstore.overview import SeriesCounts

    assert proportion_display(1579, 2000, 0.77, 0.81) == "1,579/2,000 = 79% (77–81%)"
    assert proportion_display(3, 4, 0.19, 0.99) == "3/4 = 75% (19–99%)"
    facts = series_facts({"name": "R"}, SeriesCounts(1626, 2000, 5977, 1322, 341))
    shown = dict(zip(facts["What"], facts["Value"], strict=True))
    assert shown["Patients"] == "1,626"
    assert shown["Irradiated sites (courses)"] == "2,000"
    assert shown["Assessments"] == "5,977"
    assert shown["Deaths recorded"] == "1,322"
    assert shown["Relapses of pain recorded (sites)"] == "341"
