"""Literature comparison: this series (as filtered) beside published series."""

import streamlit as st

from plexrt.charts.durations import duration_figure
from plexrt.charts.forest import forest_figure
from plexrt.clinical import definitions, literature_comparison
from plexrt.clinical.forest import forest_data
from plexrt.data import literature as lit
from plexrt.data.userstore import UserDataBusy
from plexrt.export.tabular import safe_csv
from plexrt.ui import db, forms, shell, sidebar, widgets

shell.require()

st.title("Literature comparison")
flt = sidebar.current_filter()
df = db.cohort(flt)
DEFS = {key: d.label for key, d in definitions.DEFINITIONS.items()}
def_key = widgets.page_choice("resp", "Response definition for this series", DEFS, "paper")
definition = definitions.Definition.from_key(def_key)

published = db.literature_all()
medians = db.plexrt_medians(flt)
plexrt = literature_comparison.plexrt_series(
    df,
    definition,
    medians.values,
    flt.describe(),
    medians.cis,
    medians.reconstructed,
    medians.ranges,
    medians.m,
)
records = [plexrt, *published.to_dict("records")]
labels = literature_comparison.series_labels(records)
cohort_line = widgets.cohort_line(flt, len(df), df["patient_id"].nunique() if len(df) else 0)

pops = {k: v for k, v in lit.POPULATIONS.items() if k in set(published["population"].dropna())}
c1, c2 = st.columns(2)
chosen_pops = c1.multiselect(
    "Populations to compare",
    list(pops),
    default=[p for p in pops if p in literature_comparison.DEFAULT_POPULATIONS],
    format_func=pops.get,
    key="lit_pops",
)
candidates = [
    lab
    for lab, r in zip(labels[1:], records[1:], strict=True)
    if r.get("population") in chosen_pops
]
# Series the user has not seen yet (just added, or a newly chosen population) start selected.
known = st.session_state.setdefault("lit_known", set())
if "lit_series" in st.session_state:
    fresh = [lab for lab in candidates if lab not in known]
    kept = [lab for lab in st.session_state.lit_series if lab in candidates]
    st.session_state.lit_series = kept + fresh
else:
    st.session_state.lit_series = candidates
known.update(candidates)
chosen = c2.multiselect("Series", candidates, key="lit_series")
keep = [0] + [i for i, lab in enumerate(labels) if lab in chosen]
recs = [records[i] for i in keep]
labs = [labels[i] for i in keep]

tab_t, tab_f, tab_d, tab_add = st.tabs(
    ["Side by side", "Response (forest plot)", "Durations", "Add or edit a series"]
)
with tab_t:
    st.table(literature_comparison.side_by_side(recs, labs).set_index(""))
    widgets.footnote(
        f"PlexRT column: {cohort_line}; computed live from the store. Published columns show only "
        "figures with a stated source; 'not reported' means the figure is not available, never 0. "
        "Response definitions differ between series: read the 'Response definition' row before "
        "comparing rates.",
        medians.note,
    )
with tab_f:
    for measure, title in (
        ("responders", "Pain response"),
        ("complete_responders", "Complete response"),
    ):
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
            footnote=f"{cohort_line}<br>{literature_comparison.FOREST_NOTE}"
            + (f" {literature_comparison.pool_note(pooled)}" if pooled else ""),
        )
        widgets.chart(fig, f"forest_{measure}")
        warning = literature_comparison.definition_warning(recs, labs)
        if warning and pooled:
            st.warning(warning, icon=":material/warning:")
        st.caption(
            (pooled.method_note if pooled else literature_comparison.NO_POOL_NOTE)
            + (f" Not reported, so not drawn: {', '.join(dropped)}." if dropped else "")
        )
with tab_d:
    rows = literature_comparison.duration_rows(recs, labs, medians.cis, medians.reconstructed)
    if rows.empty:
        st.info("No series in the selection reports a median duration.")
    else:
        fig = duration_figure(rows, footnote=f"{cohort_line}<br>{medians.note}")
        widgets.chart(fig, "durations")
    if any(v is None for v in medians.values.values()):
        st.caption(
            "PlexRT medians not reached, so not drawn: "
            + "; ".join(
                f"{name} ({literature_comparison.median_display(None, medians.cis.get(col), medians.reconstructed, medians.ranges.get(col), medians.m)})"
                for col, name in (
                    (c, literature_comparison.TABLE_LABELS[c])
                    for c, v in medians.values.items()
                    if v is None
                )
            )
            + "."
        )
with tab_add:
    try:
        forms.series_editor(db.user_store())
    except UserDataBusy as exc:
        st.warning(str(exc), icon=":material/lock:")
    all_rows = published
    st.download_button(
        "Download all series (CSV)",
        data=safe_csv(all_rows),
        file_name="plexrt_literature.csv",
        mime="text/csv",
    )
