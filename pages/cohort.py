"""Cohort: summary figures and the site table for the filtered cohort."""

import streamlit as st

from plexrt.charts.tables import cohort_decimals, cohort_table, dispute_notes
from plexrt.clinical import analgesics, per_patient
from plexrt.clinical import cohort_summary as cohort
from plexrt.clinical.dose import DEFAULT_ALPHA_BETA
from plexrt.export.tabular import safe_csv
from plexrt.ui import db, exports, guide, shell, sidebar, widgets
from plexrt.ui.tables import cohort_columns, paged_dataframe

shell.require()

flt = sidebar.current_filter()
df = db.cohort(flt)
st.title("Cohort")
guide.landing()
if df.empty:
    widgets.empty_cohort()
    st.stop()

words = db.words()
s = cohort.summarise(df)
t = cohort.texts(s)
c = st.columns(4)
c[0].metric("Irradiated sites", t.n_sites, help="One row per irradiated site (course of RT)")
c[1].metric("Patients", t.n_patients)
c[2].metric("Median age (years)", t.median_age, help=f"Per patient; range {t.age_range}")
# the sites counted: those with each score recorded
widgets.counted_metric(c[3], "Median NRS before → at RT completion", t.median_nrs, t.nrs_n)
c = st.columns(4)
widgets.proportion_metric(
    c[0],
    "NRS 0 at RT completion",
    s.nrs0_after,
    help="Sites whose pain score was 0 at the end of RT, with an exact 95% interval",
)
widgets.proportion_metric(
    c[1],
    f"Improved by ≥ {cohort.PAPER_IMPROVEMENT} points",
    s.improved2,
    help=words.improvement_help.format(k=cohort.PAPER_IMPROVEMENT),
)
widgets.counted_metric(
    c[2],
    "Weeks to max. response, mean (range)",
    t.weeks_to_max,
    t.weeks_n,  # the sites counted: those with a week recorded
    help=words.weeks_help,
)
widgets.counted_metric(c[3], "Mean NRS before → at RT completion", t.mean_nrs, t.nrs_n)
several = per_patient.several_sites(df)
if several:
    for col, prop in ((c[0], s.nrs0_after_patients), (c[1], s.improved2_patients)):
        if prop is not None:
            col.caption(f"Per patient: {prop.text(unit='patients')}")
widgets.footnote(
    widgets.cohort_line(flt, df),
    cohort.rates_footnote(several, words.source),
    words.age_note.format(citation=db.citation()),
)

st.header("Irradiated sites")
factors = db.table("opioid_factors")
omed_header = analgesics.omed_header(factors, analgesics.DEFAULT_FACTOR_TABLE)
shown = cohort_table(df, dispute_notes(db.table("discrepancies")), omed_header)
paged_dataframe(
    shown,
    "cohort_page",
    hide_index=True,
    column_config=cohort_columns(omed_header),
    width="stretch",
    height=widgets.table_height(len(shown)),
)
exports.download(
    st,
    "Download this table (CSV)",
    lambda: safe_csv(shown, cohort_decimals(omed_header)),
    "plexrt_cohort.csv",
    mime="text/csv",
    what="cohort CSV",
    rows=len(shown),
    help="The rows and columns of this table (every page of it, when it has several); text cells "
    "that a spreadsheet would run as a formula are prefixed with an apostrophe",
)
widgets.footnote(
    f"EQD2 and BED with α/β {DEFAULT_ALPHA_BETA:g} Gy. Baseline OMED = oral morphine equivalent of "
    f"the regular doses at the start of RT. {words.omed_route_note} "
    f"{analgesics.factor_note(factors, analgesics.DEFAULT_FACTOR_TABLE)} Another table "
    f"can be chosen on the Pain response page (Analgesics). {words.cohort_table_note}"
)
