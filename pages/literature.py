"""Literature comparison: this series (as filtered) beside published series."""

import streamlit as st

from plexrt.charts.durations import duration_figure
from plexrt.charts.forest import forest_figure
from plexrt.clinical import (
    definitions,
    literature_comparison,
    literature_notes,
    response_words,
    series_words,
)
from plexrt.clinical.forest import forest_data
from plexrt.export.tabular import safe_csv
from plexrt.ui import curve_compare, curve_form, db, forms, shell, sidebar, widgets
from plexrt.ui.pooled_estimates import plexrt_medians
from plexrt.ui.safe_text import md
from plexrt.ui.tables import static_table

shell.require()

st.title("Literature comparison")
flt = sidebar.current_filter()
df = db.cohort(flt)
def_key = widgets.page_choice(
    "resp", "Response definition for this series", definitions.DEFINITION_LABELS, "paper"
)
definition = definitions.Definition.from_key(def_key)

published = db.literature_all()
medians = plexrt_medians(flt)
plexrt = literature_comparison.plexrt_series(
    df,
    definition,
    medians.values,
    flt.describe(),
    medians.cis,
    medians.reconstructed,
    medians.ranges,
    medians.m,
    not_available=medians.not_available,
    median_missing=medians.missing,
    name=db.series_name(),
    design=series_words.series_designs(db.table("series")),
)
records = [plexrt, *published.to_dict("records")]
cohort_label = series_words.cohort_label(db.series_name(), db.words().source)
labels = literature_comparison.series_labels(records, (cohort_label,))
cohort_line = widgets.cohort_line(flt, df)

pops, default_pops = literature_comparison.population_choices(published)
# Each picker on its own row: side by side, the chosen series ran out of room at 1280x720.
chosen_pops = st.multiselect(
    "Populations to compare", list(pops), default=default_pops, format_func=pops.get, key="lit_pops"
)
candidates = literature_comparison.candidate_labels(records, labels, chosen_pops)
known = st.session_state.setdefault("lit_known", set())
st.session_state.lit_series = literature_comparison.kept_selection(
    st.session_state.get("lit_series"), candidates, known
)
known.update(candidates)
chosen = st.multiselect("Series", candidates, key="lit_series")
recs, labs = literature_comparison.chosen_records(records, labels, chosen)

tab_t, tab_f, tab_d, tab_km, tab_add, tab_curve = widgets.view_tabs(
    [
        "Side by side",
        "Response (forest plot)",
        "Durations",
        "Kaplan–Meier comparison",
        "Add or edit a series",
        "Import a published curve",
    ],
    "lit_tab",
)
with tab_t:
    if widgets.shows(tab_t):
        # the row labels have a header of their own (an empty header cell is unreadable by a screen
        # reader: axe empty-table-header)
        static_table(
            literature_comparison.side_by_side(recs, labs).set_index("").rename_axis("Figure")
        )
        widgets.footnote(
            f"{cohort_label} column: {cohort_line}; computed live from the store. Published columns show only "
            "figures with a stated source; 'not reported' means the figure is not available, never 0. "
            "Response definitions differ between series: read the 'Response definition' row before "
            "comparing rates.",
            # how the cohort column's rates are counted, as under the board's key figures
            f"{cohort_label} response: {response_words.rates_note(df, definition, db.words().source)}",
            medians.note,
        )
with tab_f:
    if widgets.shows(tab_f):
        for measure, title in literature_comparison.FOREST_MEASURES.items():
            data = forest_data(literature_comparison.forest_rows(recs, labs, measure))
            dropped = data.attrs.get("dropped", [])
            if data.empty:
                st.info(f"{title}: no series reports this figure.")
                continue
            pooled = literature_comparison.pool(data)
            fig = forest_figure(
                data,
                pooled,
                title=f"{title} across series",
                footnote=f"{cohort_line}<br>{literature_notes.forest_footnote(pooled)}",
            )
            widgets.chart(fig, f"forest_{measure}")
            warning = literature_notes.definition_warning(recs, labs)
            if warning and pooled:  # names series and their definitions: escaped
                st.warning(md(warning), icon=":material/warning:")
            widgets.footnote(literature_notes.forest_caption(pooled, dropped))
with tab_d:
    if widgets.shows(tab_d):
        rows = literature_comparison.duration_rows(
            recs, labs, medians.cis, medians.reconstructed, medians.missing
        )
        if rows.empty:
            st.info("No series in the selection reports a median duration.")
        else:
            fig = duration_figure(rows, footnote=f"{cohort_line}<br>{medians.note}")
            widgets.chart(fig, "durations")
        unreached = literature_notes.unreached_medians(
            medians.values,
            medians.cis,
            medians.reconstructed,
            medians.ranges,
            medians.m,
            medians.missing,
        )
        if unreached:
            st.caption(unreached)
with tab_add:
    if widgets.shows(tab_add):
        db.using_user_data("Adding series", forms.series_editor)

        st.download_button(
            "Download all series (CSV)",
            data=safe_csv(published),
            file_name="plexrt_literature.csv",
            mime="text/csv",
        )
with tab_km:
    if widgets.shows(tab_km):
        curve_compare.km_comparison(df, cohort_line)
with tab_curve:
    if widgets.shows(tab_curve):
        db.using_user_data("Importing a curve", curve_form.curve_importer)
