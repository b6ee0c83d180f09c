"""Pain response: how much did pain fall, in whom, how fast, and does anything go with it?"""

import streamlit as st

from plexrt.charts.dose import dose_response_figure
from plexrt.charts.paired import paired_figure
from plexrt.charts.tables import dose_dispute_note
from plexrt.charts.time_to_max import time_to_max_figure
from plexrt.charts.waterfall import COLOUR_BY_CHOICES
from plexrt.clinical import (
    analgesics,
    dose,
    pain_views,
    per_patient,
    response_summary,
    response_words,
)
from plexrt.clinical.cohort_summary import GROUPINGS
from plexrt.clinical.definitions import DEFINITION_LABELS, Definition
from plexrt.stats.proportions import METHOD_CHOICES
from plexrt.ui import db, large_charts, shell, sidebar, widgets
from plexrt.ui.tables import count_column, dataframe, paged_dataframe

shell.require()

st.title("Pain response")
flt = sidebar.current_filter()
df = db.cohort(flt)
if df.empty:
    widgets.empty_cohort()
    st.stop()

c1, c2 = st.columns([5, 2])
def_key = widgets.page_choice(
    "resp",
    "Response definition (every figure on this page follows it)",
    DEFINITION_LABELS,
    "paper",
    container=c1,
)
ci = widgets.page_choice("ci", "Interval", METHOD_CHOICES, "exact", container=c2)
definition = Definition.from_key(def_key)
agg = db.analgesic_aggregate()
summary = response_summary.summarise(df, definition, ci, db.all_sites(), agg)
cohort_line = widgets.cohort_line(flt, df)

# --- headline figures --------------------------------------------------------------------------
st.header("Response rates")
cols = st.columns(4)
if summary.icpre_readings is not None:
    readings, b = summary.icpre_readings, summary.icpre_bounds
    lo, hi = readings.responders_range
    c_lo, c_hi = readings.category_range("complete")
    cols[0].metric(
        "ICPRE responders (least favourable reading)",
        f"{b.responders_min} of {b.n_sites} sites",
        help=readings.headline(),
    )
    cols[1].metric("ICPRE responders, every reading", f"{lo}–{hi} of {b.n_sites} sites")
    cols[2].metric("ICPRE complete, every reading", f"{c_lo}–{c_hi} of {b.n_sites} sites")
    cols[3].metric("Sites settled by pain score alone", f"{len(b.settled)} of {b.n_sites}")
    st.info(
        f"{agg.subset_text(len(df))} ICPRE needs each site's change in oral morphine equivalent "
        "(OMED), and the paper does not say whether the doses changed were opioids. Each reading "
        "below gives the range over every way of assigning the changes to the sites; none is "
        "more likely from the text, so all are shown and the least favourable is quoted when one "
        "number is needed.",
        icon=":material/info:",
    )
    dataframe(readings.table(), hide_index=True, width="stretch")
    with st.expander("Best and worst case allocations (least favourable reading)"):
        dataframe(widgets.scenario_table(b), hide_index=True, width="stretch")
else:
    widgets.proportion_metric(cols[0], "Responders, all treated sites", summary.responders_treated)
    widgets.proportion_metric(cols[1], "Complete, all treated sites", summary.complete_treated)
    widgets.proportion_metric(
        cols[2], "Responders, assessable sites", summary.responders_assessable
    )
    widgets.proportion_metric(cols[3], "Complete, assessable sites", summary.complete_assessable)
several = per_patient.several_sites(df)
patients_line = response_words.patients_caption(summary) if several else None
if patients_line:
    st.caption(patients_line)
widgets.footnote(
    cohort_line, response_words.rates_footnote(summary, ci, several, db.words().source)
)

# --- plots ---------------------------------------------------------------------------------------
tab_w, tab_p, tab_t, tab_d, tab_a = widgets.view_tabs(
    ["Waterfall", "Before → after", "Time to maximum response", "Dose view", "Analgesics"],
    "pain_tab",
)
with tab_w:
    if widgets.shows(tab_w):
        a, b2 = st.columns([2, 1])
        colour_by = widgets.page_choice(
            "colour", "Colour bars by", COLOUR_BY_CHOICES, "response", container=a
        )
        percent = b2.toggle("Percent change instead of points", key="wf_percent")
        large_charts.waterfall(df, definition, colour_by, percent, cohort_line)
with tab_p:
    if widgets.shows(tab_p):
        widgets.chart(paired_figure(pain_views.paired_data(df), footnote=cohort_line), "paired")
with tab_t:
    if widgets.shows(tab_t):
        group = widgets.page_choice("ttm", "Group by", GROUPINGS, "none")
        gb = None if group == "none" else group
        ttm = pain_views.time_to_max(df, gb)
        widgets.chart(time_to_max_figure(ttm, footnote=cohort_line), "ttm")
        small = pain_views.small_groups(ttm)
        if small:
            widgets.too_small(small, "ttm", "none", "dots and their summaries", "ttm")
        weeks = {
            k: st.column_config.NumberColumn(f"{k.capitalize()} (weeks)", format="%.1f")
            for k in ("mean", "median", "min", "max")
        }
        dataframe(
            ttm.summary.drop(columns="group"),
            hide_index=True,
            column_config={"label": "Group", "n": "Sites with a known time (n)", **weeks},
        )
with tab_d:
    if widgets.shows(tab_d):
        ab = widgets.page_choice(
            "ab", "α/β for EQD2", dose.ALPHA_BETA_CHOICES, f"{dose.DEFAULT_ALPHA_BETA:g}"
        )
        note = dose_dispute_note(db.table("discrepancies"), df["course_id"])
        dose_view = pain_views.dose_response(df, alpha_beta=float(ab))
        widgets.chart(
            dose_response_figure(
                dose_view, footnote=f"{cohort_line}<br>{note}" if note else cohort_line
            ),
            "dose",
        )
        dataframe(
            dose_view.regimens,
            hide_index=True,
            column_config={
                "regimen": "Regimen",
                "dose_gy": st.column_config.NumberColumn("Total dose (Gy)", format="%g"),
                "fractions": "Fractions",
                "n_sites": "Sites (n)",
            },
        )
with tab_a:
    if widgets.shows(tab_a):
        factors = db.table("opioid_factors")
        table = widgets.page_choice(
            "omed",
            "Morphine-equivalent table",
            analgesics.factor_tables(factors),
            analgesics.DEFAULT_FACTOR_TABLE,
        )
        headers = analgesics.table_headers(factors, table)
        analgesia = analgesics.analgesic_table(db.analgesics(flt), factors, table).rename(
            columns=headers
        )
        paged_dataframe(
            analgesia,
            "omed_page",
            hide_index=True,
            width="stretch",
            height=widgets.table_height(len(analgesia)),
            column_config={headers["omed_mg"]: st.column_config.NumberColumn(format="%.0f")},
        )
        widgets.footnote(
            f"OMED = oral morphine equivalent daily dose. {analgesics.factor_note(factors, table)} "
            f"{db.words().omed_route_note}"
            + (
                " ICPRE uses only whether a site was on an opioid, so the table does not change its "
                "ranges."
                if summary.icpre_readings is not None
                else ""
            ),
        )

st.header("Subgroups")
sub = response_summary.subgroup_table(df, definition, ci, db.all_sites(), agg)
dataframe(
    sub.drop(columns=["fisher_p", "fisher"]),
    hide_index=True,
    width="stretch",
    height=widgets.table_height(len(sub)),
    column_config={
        **response_summary.SUBGROUP_HEADERS,
        "n": count_column(response_summary.SUBGROUP_HEADERS["n"]),
        "n_patients": count_column(response_summary.SUBGROUP_HEADERS["n_patients"]),
    },
)
tests = response_summary.factor_tests(sub)
dataframe(
    tests,
    hide_index=True,
    width="stretch",
    height=widgets.table_height(len(tests)),
    column_config=response_summary.FACTOR_TEST_HEADERS,
)
single = response_summary.single_group_factors(sub)
if single:
    widgets.narrowed_by_filter(
        f"**Subgroups that cannot be compared:** {'; '.join(single)}.", "subgroups"
    )
widgets.footnote(
    "Rates count sites; n patients beside n sites. Fisher's exact test (two-sided) only where a "
    f"factor has two groups that both have sites; {response_summary.UNKNOWN_LEVEL_NOTE}. "
    f"{response_summary.SUBGROUP_TESTS_NOTE}",
    cohort_line,
)
