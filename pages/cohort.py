"""Cohort: summary figures and the site table for the filtered cohort."""

import streamlit as st

from plexrt.charts.tables import cohort_table, dispute_notes
from plexrt.clinical import analgesics, per_patient
from plexrt.clinical import cohort_summary as cohort
from plexrt.export.tabular import safe_csv
from plexrt.stats.proportions import METHOD_LABELS
from plexrt.ui import db, shell, sidebar, widgets
from plexrt.ui.tables import cohort_columns

shell.require()

flt = sidebar.current_filter()
df = db.cohort(flt)
st.title("Cohort")
if df.empty:
    widgets.empty_cohort()
    st.stop()

s = cohort.summarise(df)
f = cohort.fmt
c = st.columns(4)
c[0].metric("Irradiated sites", s.n_sites, help="One row per irradiated site (course of RT)")
c[1].metric("Patients", s.n_patients)
c[2].metric(
    "Median age (years)",
    f(s.median_age, 1),
    help=f"Per patient; range {f(s.age_min, 0)}–{f(s.age_max, 0)}",
)
c[3].metric(
    "Median NRS before → at RT completion", f"{f(s.median_nrs_before)} → {f(s.median_nrs_after)}"
)
c = st.columns(4)
widgets.proportion_metric(
    c[0],
    "NRS 0 at RT completion",
    s.nrs0_after,
    help="Sites whose pain score was 0 at the end of RT, with an exact 95% interval",
)
widgets.proportion_metric(
    c[1],
    "Improved by ≥ 2 points",
    s.improved2,
    help="The paper's definition of improvement: a fall of 2 or more on the NRS",
)
c[2].metric(
    "Weeks to max. response, mean (range)",
    f"{f(s.mean_weeks_to_max, 1)} ({f(s.min_weeks_to_max, 0)}–{f(s.max_weeks_to_max, 0)})",
    help="From the start of RT (Table 1)",
)
c[3].metric(
    "Mean NRS before → at completion",
    f"{f(s.mean_nrs_before, 1)} → {f(s.mean_nrs_after, 1)}",
)
several = per_patient.several_sites(df)
if several:
    for col, prop in ((c[0], s.nrs0_after_patients), (c[1], s.improved2_patients)):
        if prop is not None:
            col.caption(f"Per patient: {prop.text(unit='patients')}")
widgets.footnote(
    widgets.cohort_line(flt, s.n_sites, s.n_patients),
    "Percentages count irradiated sites (the paper's unit): NRS 0 = sites scored 0 / sites with "
    "a score at completion; improved = sites with a fall of 2 or more / sites with both scores"
    + (
        f"; per patient beside them, where {per_patient.PATIENT_RULE}"
        if several
        else "; one site per patient here, so sites and patients coincide"
    )
    + f". {METHOD_LABELS['exact']}. Age is counted once per patient. Source: {db.citation()}, "
    "Table 1.",
)

st.subheader("Irradiated sites")
factors = db.table("opioid_factors")
omed_header = analgesics.omed_header(factors, analgesics.DEFAULT_FACTOR_TABLE)
shown = cohort_table(df, dispute_notes(db.table("discrepancies")), omed_header)
st.dataframe(
    shown,
    hide_index=True,
    column_config=cohort_columns(omed_header),
    width="stretch",
    height=widgets.table_height(len(shown)),
)
st.download_button(
    "Download this table (CSV)",
    data=safe_csv(shown),
    file_name="plexrt_cohort.csv",
    mime="text/csv",
    help="Exactly the rows and columns shown; text cells that a spreadsheet would run as a formula "
    "are prefixed with an apostrophe",
)
widgets.footnote(
    "EQD2 and BED with α/β 10 Gy. Baseline OMED = oral morphine equivalent of the regular doses "
    "at the start of RT; the route is assumed oral because the paper does not state it. "
    f"{analgesics.factor_note(factors, analgesics.DEFAULT_FACTOR_TABLE)} Another table can be "
    "chosen on the Pain response page (Analgesics). Blank cells are not stated in the paper. "
    "'Disputed in the paper' names the discrepancies recorded on the Data & provenance page "
    "(e.g. X1: patient 5's dose)."
)
